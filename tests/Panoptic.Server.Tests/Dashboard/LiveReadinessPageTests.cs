using System.Net;
using System.Net.Http.Json;
using Panoptic.TestUtilities;
using Panoptic.TestUtilities.Live;

namespace Panoptic.Server.Tests.Dashboard;

/// <summary>The readiness page shows the latest live checks of the workspace, over real HTTP.</summary>
public sealed class LiveReadinessPageTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "panoptic-live-page-" + Guid.NewGuid().ToString("N"));
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(null, _data, new FakeTimeProvider(DateTimeOffset.UtcNow));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task ReadinessPage_AfterACheckNow_ListsTheLiveResults()
    {
        await using var dns = LoopbackDns.Start(new DnsZone().Mx("shop.test", 10, "mx.shop.test").Txt("_dmarc.shop.test", "v=DMARC1; p=none"));
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        using var session = _server.Client(alice.Token, alice.WorkspaceId);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = _server.Address };
        async Task<string> PageAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/w/{alice.WorkspaceId}/readiness");
            request.Headers.Add("Cookie", $"panoptic_session={alice.Token}");
            using var response = await http.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return await response.Content.ReadAsStringAsync();
        }

        (await PageAsync()).ShouldContain("No live checks yet");
        (await session.PutAsJsonAsync("/api/v1/live", new { targets = new[] { "shop.test" }, resolver = dns.EndPoint.ToString(), interval_hours = 12 })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await session.PostAsync("/api/v1/live/run", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await PageAsync();
        page.ShouldContain("Checking shop.test every 12 hours");
        page.ShouldContain("data-live=\"dns.dmarc\"");
        page.ShouldContain("DMARC p=none, no reporting address (rua): failing mail is still delivered");
        page.ShouldContain("no SPF record (v=spf1)");
        page.ShouldNotContain("id=\"live-runs\"");
        (await session.PostAsync("/api/v1/live/run", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PageAsync()).ShouldContain("id=\"live-runs\"");
    }
}
