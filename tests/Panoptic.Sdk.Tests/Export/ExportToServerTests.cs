using System.Net.Http.Json;
using System.Text.Json;
using Panoptic.Sdk.Context;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Pricing;
using Panoptic.Sdk.Tracking;
using Panoptic.TestUtilities;

namespace Panoptic.Sdk.Tests.Export;

/// <summary>The SDK against the real server (SQLite) over loopback HTTP.</summary>
[Collection(Support.SdkTests.Name)]
public sealed class ExportToServerTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "panoptic-sdk-" + Guid.NewGuid().ToString("N"));
    private RunningServer? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        PanopticSdk.Shutdown();
        if (_server is not null) await _server.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task TrackedOperations_ArrivePricedAndAttributed_ExactlyOnce_AcrossRetriesAndAServerOutage()
    {
        var now = DateTimeOffset.UtcNow;
        _server = await RunningServer.StartAsync(null, _data, new FakeTimeProvider(now));
        var address = _server.Address;
        var alice = await _server.OnboardAsync("alice@example.com");
        using var http = new HttpClient();
        // Every batch goes out twice, as a retry after a lost response would: the server must count it once.
        var transport = new Twice(new ServerTransport(http, address, alice.Key));
        await using var exporter = PanopticSdk.Init(transport, "chat-api", new ExporterOptions { BatchSize = 25, FlushInterval = TimeSpan.FromMilliseconds(50), RetryDelay = TimeSpan.FromMilliseconds(50) });
        var operation = new Operation { Provider = "openai", Model = "gpt-4o-mini", Name = "chat", Usage = new Usage { InputTokens = 1_000_000, OutputTokens = 100_000 } };

        using (PanopticContext.Begin(new() { TenantId = "acme", Feature = "support" }))
        {
            for (var i = 0; i < 60; i++) PanopticSdk.Track(operation, () => i);
        }
        (await exporter.FlushAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();

        // The server goes away; the application keeps working and tracking.
        await _server.DisposeAsync();
        using (PanopticContext.Begin(new() { TenantId = "globex" }))
        {
            for (var i = 0; i < 40; i++) await PanopticSdk.TrackAsync(operation, async () => { await Task.Yield(); return i; });
            await Should.ThrowAsync<InvalidOperationException>(() => PanopticSdk.TrackAsync<int>(operation with { Name = "broken" }, () => throw new InvalidOperationException("upstream said no")));
        }
        (await exporter.FlushAsync(TimeSpan.FromMilliseconds(300))).ShouldBeFalse("nothing can be sent while the server is down");

        // Back on the same address and database: the queued events arrive.
        _server = await RunningServer.StartAsync(null, _data, new FakeTimeProvider(now), urls: address.ToString());
        (await exporter.FlushAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue();
        exporter.Counts.ShouldBe((101L, 0L, 0L));

        using var session = _server.Client(alice.Token, alice.WorkspaceId);
        var costs = await session.GetFromJsonAsync<JsonElement>($"/api/v1/costs?from={now.AddDays(-1):yyyy-MM-dd}&to={now.AddDays(1):yyyy-MM-dd}&group_by=tenant");
        costs.GetProperty("total").GetProperty("events").GetInt64().ShouldBe(101);
        costs.GetProperty("total").GetProperty("errors").GetInt64().ShouldBe(1);
        var byTenant = costs.GetProperty("top").EnumerateArray().ToDictionary(t => t.GetProperty("key").GetProperty("tenant").GetString()!, t => (t.GetProperty("events").GetInt64(), t.GetProperty("cost_usd").GetDecimal()));
        // gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output: $0.21 an operation.
        byTenant["acme"].ShouldBe((60L, 60 * 0.21m));
        byTenant["globex"].ShouldBe((41L, 41 * 0.21m));
    }

    [Fact]
    public async Task WithoutInit_TrackIsANoOp_AndAWrongKeyFailsForGoodWithoutThrowing()
    {
        PanopticSdk.Track(new Operation { Provider = "openai" }, () => 1).ShouldBe(1);
        _server = await RunningServer.StartAsync(null, _data);
        using var http = new HttpClient();
        await using var exporter = PanopticSdk.Init(new ServerTransport(http, _server.Address, "pan_ik_wrong"), options: new ExporterOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
        PanopticSdk.Track(new Operation { Provider = "openai" }, () => 1);
        (await exporter.FlushAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();
        exporter.Counts.ShouldBe((0L, 0L, 1L));
    }

    [Fact]
    public async Task AFullQueue_DropsAndCounts_InsteadOfGrowing()
    {
        var stalled = new Stalled();
        await using var exporter = new EventExporter(stalled, new ExporterOptions { QueueCapacity = 100, BatchSize = 10, FlushInterval = TimeSpan.FromMilliseconds(10) });
        var accepted = 0;
        for (var i = 0; i < 1_000; i++)
            if (exporter.Enqueue(new CostEvent { Id = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow, Provider = "openai" })) accepted++;
        accepted.ShouldBeLessThanOrEqualTo(110, "the queue holds 100, plus the batch the exporter is stuck sending");
        exporter.Counts.Dropped.ShouldBe(1_000 - accepted);
        stalled.Release();
    }

    private sealed class Twice(IEventTransport inner) : IEventTransport
    {
        public async Task<SendResult> SendAsync(IReadOnlyList<CostEvent> batch, CancellationToken cancellationToken)
        {
            var first = await inner.SendAsync(batch, cancellationToken);
            return first.Sent ? await inner.SendAsync(batch, cancellationToken) : first;
        }
    }

    private sealed class Stalled : IEventTransport
    {
        private readonly TaskCompletionSource _release = new();

        public void Release() => _release.TrySetResult();

        public async Task<SendResult> SendAsync(IReadOnlyList<CostEvent> batch, CancellationToken cancellationToken)
        {
            await _release.Task.WaitAsync(cancellationToken);
            return SendResult.Ok;
        }
    }
}
