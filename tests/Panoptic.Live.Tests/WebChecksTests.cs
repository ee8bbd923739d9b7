using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Panoptic.Live;
using Panoptic.Scanner.Readiness;
using Panoptic.TestUtilities.Live;

namespace Panoptic.Live.Tests;

public sealed class WebChecksTests
{
    private static async Task<IReadOnlyList<LiveResult>> CheckAsync(X509Certificate2 root, LoopbackSite site, params string[] health)
    {
        using var checker = new LiveChecker(new LiveOptions { TrustedRoots = [root], HttpPort = site.HttpPort, Timeout = TimeSpan.FromSeconds(3), HealthPaths = health });
        return await checker.RunAsync([LiveTarget.Parse(site.Url.ToString(), out _)!], CancellationToken.None);
    }

    private static LiveResult One(IReadOnlyList<LiveResult> results, string check) => results.Single(r => r.Check == check);

    [Fact]
    public async Task Run_HardenedSiteWithTrustedCertificate_PassesEveryCheck()
    {
        var root = TestCertificates.Root();
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, "localhost", 90), SiteOptions.Hardened);
        var results = await CheckAsync(root, site, "/healthz");
        results.Where(r => r.Status != "pass").ShouldBeEmpty();
        One(results, "tls.chain").Message.ShouldBe("certificate chain valid to Panoptic Test Root");
        One(results, "tls.expiry").Message.ShouldEndWith("(89 days)");
        One(results, "tls.protocols").Message.ShouldStartWith("accepts TLS 1.2, TLS 1.3");
        One(results, "http.hsts").Message.ShouldBe("HSTS max-age=31536000; includeSubDomains");
        One(results, "http.health").Message.ShouldBe("health endpoint /healthz answers 200");
        One(results, "http.security_txt").Readiness.ShouldBe("security.vulnerability_disclosure_policy");
    }

    [Fact]
    public async Task Run_CertificateFromAnUnknownRoot_FailsTheChain()
    {
        var root = TestCertificates.Root();
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, "localhost", 90), SiteOptions.Hardened);
        var results = await CheckAsync(TestCertificates.Root("Someone Else"), site);
        One(results, "tls.chain").Status.ShouldBe("fail");
        One(results, "tls.chain").Message.ShouldContain("the chain does not end at a trusted root");
    }

    [Fact]
    public async Task Run_ExpiredCertificate_FailsChainAndExpiry()
    {
        var root = TestCertificates.Root();
        var expired = TestCertificates.Server(root, ["localhost"], DateTimeOffset.UtcNow.AddDays(-20), DateTimeOffset.UtcNow.AddDays(-2));
        await using var site = await LoopbackSite.StartAsync(expired, SiteOptions.Hardened);
        var results = await CheckAsync(root, site);
        One(results, "tls.chain").Message.ShouldContain("outside its validity period");
        One(results, "tls.expiry").Status.ShouldBe("fail");
        One(results, "tls.expiry").Message.ShouldStartWith("certificate expired on ");
    }

    [Theory]
    [InlineData(5, "fail")]
    [InlineData(15, "warn")]
    [InlineData(30, "pass")]
    public async Task Run_CertificateExpiringSoon_WarnsUnder21DaysAndFailsUnder7(int days, string status)
    {
        var root = TestCertificates.Root();
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, "localhost", days), SiteOptions.Hardened);
        One(await CheckAsync(root, site), "tls.expiry").Status.ShouldBe(status);
    }

    [Fact]
    public async Task Run_CertificateForAnotherHost_FailsTheHostnameMatch()
    {
        var root = TestCertificates.Root();
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, "shop.example.test", 90), SiteOptions.Hardened);
        var hostname = One(await CheckAsync(root, site), "tls.hostname");
        hostname.Status.ShouldBe("fail");
        hostname.Message.ShouldBe("certificate does not name localhost (it names shop.example.test)");
    }

    [Fact]
    public async Task Run_SiteWithoutHeadersOrRedirect_FailsEachMissingOne()
    {
        var root = TestCertificates.Root();
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, "localhost", 90), new SiteOptions { RedirectHttp = false });
        var results = await CheckAsync(root, site, "/healthz");
        One(results, "http.redirect").Message.ShouldBe("http:// answers 200 without redirecting to https");
        One(results, "http.hsts").Message.ShouldBe("no Strict-Transport-Security header");
        One(results, "http.csp").Status.ShouldBe("warn");
        One(results, "http.content_type_options").Status.ShouldBe("fail");
        One(results, "http.frame_protection").Status.ShouldBe("fail");
        One(results, "http.referrer_policy").Status.ShouldBe("warn");
        One(results, "http.security_txt").Readiness.ShouldBeNull();
        One(results, "http.robots").Status.ShouldBe("warn");
        One(results, "http.sitemap").Status.ShouldBe("warn");
        One(results, "http.health").Message.ShouldBe("health endpoint /healthz answers 404");
    }

    [Fact]
    public async Task Run_ShortHstsWithoutSubdomains_FailsAndCspFrameAncestorsCountsAsFrameProtection()
    {
        var root = TestCertificates.Root();
        var options = new SiteOptions
        {
            Headers = new Dictionary<string, string> { ["Strict-Transport-Security"] = "max-age=86400", ["Content-Security-Policy"] = "frame-ancestors 'self'" },
        };
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, "localhost", 90), options);
        var results = await CheckAsync(root, site);
        One(results, "http.hsts").Message.ShouldBe("HSTS max-age=86400 is under 15552000 (6 months)");
        One(results, "http.frame_protection").Message.ShouldBe("CSP frame-ancestors set");
    }

    [Fact]
    public async Task Run_LegacyProtocolsOnly_FailOrAreReportedAsUntestableHere()
    {
        var root = TestCertificates.Root();
#pragma warning disable SYSLIB0039 // the server under test offers only what the check must fail
#pragma warning disable CA5397 // same reason
        var legacy = new SiteOptions { Protocols = System.Security.Authentication.SslProtocols.Tls | System.Security.Authentication.SslProtocols.Tls11 };
#pragma warning restore CA5397
#pragma warning restore SYSLIB0039
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, "localhost", 90), legacy);
        var results = await CheckAsync(root, site);
        // With OpenSSL 3 at its default security level neither side can speak TLS 1.0/1.1: the handshake fails, which is
        // a result; where the machine can, tls.protocols fails with "accepts TLS 1.0".
        if (LocalTls.CanOffer(System.Security.Authentication.SslProtocols.Tls12) && results.Any(r => r.Check == "tls.protocols"))
            One(results, "tls.protocols").Status.ShouldBe("fail");
        else One(results, "tls.handshake").Status.ShouldBe("error");
    }

    [Fact]
    public async Task Run_ServerThatNeverHandshakes_IsATimeoutResult()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var checker = new LiveChecker(new LiveOptions { Timeout = TimeSpan.FromMilliseconds(400), HttpPort = port });
            var results = await checker.RunAsync([LiveTarget.Parse($"https://127.0.0.1:{port}/", out _)!], CancellationToken.None);
            One(results, "tls.handshake").Message.ShouldBe($"TLS handshake with 127.0.0.1:{port} failed: timeout after 0.4 s");
            One(results, "http.fetch").Status.ShouldBe("error");
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Run_NothingListening_IsAnErrorResult()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var checker = new LiveChecker(new LiveOptions { Timeout = TimeSpan.FromSeconds(2), HttpPort = port });
        var results = await checker.RunAsync([LiveTarget.Parse($"https://127.0.0.1:{port}/", out _)!], CancellationToken.None);
        One(results, "tls.handshake").Message.ShouldStartWith($"TLS handshake with 127.0.0.1:{port} failed: ConnectionRefused");
        One(results, "http.redirect").Status.ShouldBe("warn");
    }

    [Fact]
    public async Task Run_StatusPages_PassWhenTheyAnswerAndFailOtherwise()
    {
        var root = TestCertificates.Root();
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, "localhost", 90), SiteOptions.Hardened);
        using var checker = new LiveChecker(new LiveOptions { TrustedRoots = [root], StatusPages = [new Uri(site.Url, "/healthz"), new Uri(site.Url, "/status")] });
        var results = await checker.RunAsync([], CancellationToken.None);
        results.Select(r => (r.Check, r.Status, r.Message, r.Readiness)).ShouldBe([
            ("http.status_page", "pass", "status page answers 200", "support.status_page"), ("http.status_page", "fail", "status page answers 404", "support.status_page")]);
    }
}
