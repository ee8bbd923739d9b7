using System.Diagnostics;
using Panoptic.Sdk.Context;

namespace Panoptic.Sdk.Tests.Context;

public class PanopticContextTests
{
    [Fact]
    public async Task Begin_FlowsThroughAwaitTaskRunAndParallelLoops_AndEndsWithItsScope()
    {
        PanopticContext.Current.ShouldBe(ContextValues.Empty);
        using (PanopticContext.Begin(new() { TenantId = "acme", Feature = "chat" }))
        {
            await Task.Yield();
            PanopticContext.Current.TenantId.ShouldBe("acme");
            (await Task.Run(() => PanopticContext.Current.TenantId)).ShouldBe("acme");
            var seen = new System.Collections.Concurrent.ConcurrentBag<string?>();
            Parallel.For(0, 20, _ => seen.Add(PanopticContext.Current.Feature));
            await Parallel.ForEachAsync(Enumerable.Range(0, 20), async (_, ct) =>
            {
                await Task.Delay(1, ct);
                seen.Add(PanopticContext.Current.Feature);
            });
            seen.ShouldAllBe(f => f == "chat");
            seen.Count.ShouldBe(40);
        }
        PanopticContext.Current.ShouldBe(ContextValues.Empty);
    }

    [Fact]
    public async Task Begin_InParallelBranches_KeepsEachBranchItsOwn()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            using (PanopticContext.Begin(new() { TenantId = $"tenant-{i}" }))
            {
                await Task.Delay(5);
                return PanopticContext.Current.TenantId;
            }
        })));
        results.ShouldBe(Enumerable.Range(0, 10).Select(i => $"tenant-{i}"));
    }

    [Fact]
    public void Begin_Nested_InnerWinsPerFieldAndAttributesMergeDeeply()
    {
        using var outer = PanopticContext.Begin(new()
        {
            TenantId = "acme", Plan = "pro",
            Attributes = new Dictionary<string, object?> { ["region"] = "eu", ["limits"] = new Dictionary<string, object?> { ["rpm"] = 60, ["tpm"] = 1000 } },
        });
        using (PanopticContext.Begin(new()
        {
            UserId = "ann", Plan = "enterprise",
            Attributes = new Dictionary<string, object?> { ["limits"] = new Dictionary<string, object?> { ["rpm"] = 600 }, ["beta"] = true },
        }))
        {
            var current = PanopticContext.Current;
            (current.TenantId, current.UserId, current.Plan).ShouldBe(("acme", "ann", "enterprise"));
            current.Attributes!["region"].ShouldBe("eu");
            current.Attributes["beta"].ShouldBe(true);
            var limits = (IReadOnlyDictionary<string, object?>)current.Attributes["limits"]!;
            (limits["rpm"], limits["tpm"]).ShouldBe((600, 1000), "the nested object is merged, not replaced");
        }
        (PanopticContext.Current.Plan, PanopticContext.Current.UserId).ShouldBe(("pro", null));
    }

    [Fact]
    public void Dispose_OutOfOrder_NeverRestoresAStaleScope()
    {
        var outer = PanopticContext.Begin(new() { TenantId = "outer" });
        var inner = PanopticContext.Begin(new() { TenantId = "inner" });
        outer.Dispose(); // wrong order: the inner scope is still in force
        PanopticContext.Current.TenantId.ShouldBe("inner");
        inner.Dispose();
        PanopticContext.Current.TenantId.ShouldBe("outer");
        inner.Dispose(); // twice: nothing happens
        PanopticContext.Current.TenantId.ShouldBe("outer");
    }

    [Fact]
    public void Begin_TagsTheCurrentActivity_AndPutsTheValuesInItsBaggage()
    {
        using var listener = new ActivityListener { ShouldListenTo = _ => true, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("Panoptic.Sdk.Tests." + Guid.NewGuid().ToString("N"));
        using var activity = source.StartActivity("request")!;
        using (PanopticContext.Begin(new() { TenantId = "acme", Feature = "search" }))
        {
            activity.GetTagItem("panoptic.tenant_id").ShouldBe("acme");
            activity.GetTagItem("panoptic.feature").ShouldBe("search");
            activity.GetBaggageItem("tenant_id").ShouldBe("acme");
            using var child = source.StartActivity("call")!;
            child.GetBaggageItem("feature").ShouldBe("search", "baggage travels to child activities, and from them to outgoing HTTP calls");
        }
    }

    [Fact]
    public async Task Baggage_CrossesAnHttpHop_AndIsReadBackOnTheOtherSide()
    {
        // Two "services" on loopback: the caller's context goes out as W3C baggage with HttpClient's own propagation.
        using var listener = new ActivityListener { ShouldListenTo = _ => true, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        using var http = new System.Net.HttpListener();
        var port = FreePort();
        http.Prefixes.Add($"http://127.0.0.1:{port}/");
        http.Start();
        var received = Task.Run(async () =>
        {
            var request = await http.GetContextAsync();
            var header = request.Request.Headers["baggage"];
            request.Response.StatusCode = 204;
            request.Response.Close();
            return PanopticContext.FromBaggageHeader(header);
        });
        using var source = new ActivitySource("Panoptic.Sdk.Tests." + Guid.NewGuid().ToString("N"));
        using (source.StartActivity("job"))
        using (PanopticContext.Begin(new() { TenantId = "acme corp", UserId = "ann", Feature = "export" }))
        using (var client = new HttpClient())
        {
            (await client.GetAsync($"http://127.0.0.1:{port}/")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NoContent);
        }
        var values = await received;
        (values.TenantId, values.UserId, values.Feature).ShouldBe(("acme corp", "ann", "export"));
    }

    [Theory]
    [InlineData("tenant_id=acme,user_id=ann", "acme", "ann")]
    [InlineData(" tenant_id = acme%20corp ; prop=1 , user_id=ann ", "acme corp", "ann")]
    [InlineData("other=1,tenant_id=a%2Cb", "a,b", null)]
    [InlineData("tenant_id,=x, =y,user_id=%E0%A4%A", null, "%E0%A4%A")]
    [InlineData("", null, null)]
    public void FromBaggageHeader_ReadsW3CBaggage_AndSkipsWhatItCannotRead(string header, string? tenant, string? user)
    {
        var values = PanopticContext.FromBaggageHeader(header);
        (values.TenantId, values.UserId).ShouldBe((tenant, user));
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }
}
