using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Panoptic.Server.Live;
using Panoptic.TestUtilities;
using Panoptic.TestUtilities.Live;

namespace Panoptic.Server.Tests;

public abstract partial class ServerContractTests
{
    [Fact]
    public async Task Live_TargetsScheduleCheckNowAndAlerts_OverRealHttp()
    {
        var zone = new DnsZone().Mx("shop.test", 10, "mx.shop.test").Txt("shop.test", "v=spf1 ip4:192.0.2.0/24 -all")
            .Txt("_dmarc.shop.test", "v=DMARC1; p=none; rua=mailto:dmarc@shop.test");
        await using var dns = LoopbackDns.Start(zone);
        var root = TestCertificates.Root();
        var pem = Path.Combine(DataDirectory, "live-root.pem");
        Directory.CreateDirectory(DataDirectory);
        await File.WriteAllTextAsync(pem, root.ExportCertificatePem());
        // The certificate is judged on the server's clock: ten days left is a warning and an alert.
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, ["localhost"], Now.AddDays(-30), Now.AddDays(10).AddHours(1)), SiteOptions.Hardened);
        var server = await StartAsync(settings: new Dictionary<string, string?>
        {
            ["Panoptic:LiveTrustedRootsFile"] = pem,
            ["Panoptic:LiveHttpPort"] = site.HttpPort.ToString(CultureInfo.InvariantCulture),
            ["Panoptic:LiveCheckTimeout"] = "00:00:03",
        });
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token, alice.WorkspaceId);

        (await session.GetAsync("/api/v1/live")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await session.PostAsync("/api/v1/live/run", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var bad = await session.PutAsJsonAsync("/api/v1/live", new { targets = new[] { "ftp://x.test", "not a domain" }, resolver = "dns.google" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonOf(bad)).GetProperty("detail").GetString()!.ShouldContain("resolver: IP[:PORT]");

        var put = await session.PutAsJsonAsync("/api/v1/live", new { targets = new[] { "shop.test", site.Url.ToString() }, resolver = dns.EndPoint.ToString() });
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        var settings = await JsonOf(put);
        settings.GetProperty("interval_hours").GetDouble().ShouldBe(24);
        settings.GetProperty("next_run_at").GetDateTimeOffset().ShouldBe(Now);

        var now = await JsonOf(await session.PostAsync("/api/v1/live/run", null));
        var results = now.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("check").GetString()!);
        results["dns.dmarc"].GetProperty("status").GetString().ShouldBe("warn");
        results["dns.dmarc"].GetProperty("evidence").GetString().ShouldBe("live: DMARC p=none, reports to mailto:dmarc@shop.test: failing mail is still delivered on shop.test at 2026-11-22 09:30 UTC");
        results["tls.expiry"].GetProperty("status").GetString().ShouldBe("warn");
        results["tls.chain"].GetProperty("status").GetString().ShouldBe("pass");
        results["http.hsts"].GetProperty("status").GetString().ShouldBe("pass");

        // The schedule: the settings made the workspace due at once; its run moves the next one a day ahead.
        (await server.Services.GetRequiredService<LiveCheckService>().RunDueAsync(CancellationToken.None)).ShouldBe(1);
        (await server.Services.GetRequiredService<LiveCheckService>().RunDueAsync(CancellationToken.None)).ShouldBe(0);
        var after = await JsonOf(await session.GetAsync("/api/v1/live"));
        after.GetProperty("next_run_at").GetDateTimeOffset().ShouldBe(Now.AddDays(1));
        after.GetProperty("latest").GetProperty("warn").GetInt32().ShouldBeGreaterThanOrEqualTo(2);

        zone.Remove("_dmarc.shop.test");
        server.Time.Advance(TimeSpan.FromDays(1));
        (await server.Services.GetRequiredService<LiveCheckService>().RunDueAsync(CancellationToken.None)).ShouldBe(1);
        var runs = (await JsonOf(await session.GetAsync("/api/v1/live/runs"))).EnumerateArray().ToList();
        runs.Count.ShouldBe(3);
        runs[0].GetProperty("checked_at").GetDateTimeOffset().ShouldBe(Now.AddDays(1));
        runs[0].GetProperty("results").EnumerateArray().Single(r => r.GetProperty("check").GetString() == "dns.dmarc").GetProperty("status").GetString().ShouldBe("fail");

        var alerts = (await JsonOf(await session.GetAsync("/api/v1/alerts"))).EnumerateArray().Select(a => a.GetProperty("kind").GetString()).ToList();
        alerts.Count(k => k == "certificate_expiring").ShouldBe(1, "one alert for one expiry date and level, however many runs");
        alerts.ShouldContain("dmarc_removed");

        var bob = await server.OnboardAsync("bob@example.com", "Other");
        using var other = server.Client(bob.Token, bob.WorkspaceId);
        (await other.GetAsync("/api/v1/live")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
