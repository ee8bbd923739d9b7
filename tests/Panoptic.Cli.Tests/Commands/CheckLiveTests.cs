using System.Text.Json;
using Panoptic.TestUtilities;
using Panoptic.TestUtilities.Live;

namespace Panoptic.Cli.Tests.Commands;

/// <summary>`check --live` against a DNS responder and a TLS site on loopback; nothing outside the machine is contacted.</summary>
public class CheckLiveTests
{
    private static TempRepository Repo() => new TempRepository("check-live")
        .With("package.json", """{ "name": "shop", "dependencies": { "express": "4.19.0", "@sendgrid/mail": "8.1.0" } }""")
        .With("server.js", "const express = require('express');\nconst mail = require('@sendgrid/mail');\nconst app = express();\napp.get('/healthz', (req, res) => res.send('ok'));\napp.listen(3000);\n");

    private static LoopbackDns Dns() => LoopbackDns.Start(new DnsZone()
        .Mx("shop.test", 10, "mx.shop.test").Txt("shop.test", "v=spf1 include:sendgrid.net.test -all").Txt("sendgrid.net.test", "v=spf1 ip4:192.0.2.0/24 ~all")
        .Txt("_dmarc.shop.test", "v=DMARC1; p=none; rua=mailto:dmarc@shop.test"));

    [Fact]
    public async Task Check_LiveDomain_FoldsDmarcNoneIntoTheReadinessCheckWithItsEvidence()
    {
        using var repo = Repo();
        await using var dns = Dns();
        var run = await CliRun.Of("check", repo.Root, "--fail-on", "none", "--format", "json", "--no-progress", "--live", "shop.test", "--resolver", dns.EndPoint.ToString());
        run.ExitCode.ShouldBe(ExitCodes.Success, run.Error);
        run.Error.ShouldContain("live: ");
        using var json = JsonDocument.Parse(run.Out);
        var readiness = json.RootElement.GetProperty("commercial_readiness");
        var dmarc = readiness.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "email.dmarc");
        dmarc.GetProperty("status").GetString().ShouldBe("partial");
        var evidence = dmarc.GetProperty("evidence")[0];
        evidence.GetProperty("kind").GetString().ShouldBe("live");
        evidence.GetProperty("detail").GetString().ShouldStartWith("live: DMARC p=none, reports to mailto:dmarc@shop.test: failing mail is still delivered on shop.test at ");
        // SendGrid is in the registry, so its selectors were asked for and their absence fails DKIM.
        var live = readiness.GetProperty("live").EnumerateArray().ToList();
        live.Single(r => r.GetProperty("check").GetString() == "dns.dkim").GetProperty("message").GetString().ShouldBe("no DKIM key for SendGrid at s1._domainkey, s2._domainkey");
        readiness.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "email.spf_dkim").GetProperty("status").GetString().ShouldBe("fail");
    }

    [Fact]
    public async Task Check_LiveUrl_AppearsInTableMarkdownSarifAndHtml()
    {
        using var repo = Repo();
        var root = TestCertificates.Root();
        var pem = repo.PathOf("root.pem");
        await File.WriteAllTextAsync(pem, root.ExportCertificatePem());
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, "localhost", 10), SiteOptions.Hardened with { Headers = new Dictionary<string, string>() });
        string[] live = ["--fail-on", "none", "--no-progress", "--live", site.Url.ToString(), "--live-trust", pem, "--live-http-port", site.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)];

        var table = await CliRun.Of(["check", repo.Root, .. live]);
        table.ExitCode.ShouldBe(ExitCodes.Success, table.Error);
        table.Out.ShouldContain("Live checks of the deployed product");
        table.Out.ShouldContain("warn    tls.expiry");
        table.Out.ShouldContain("http.health                health endpoint /healthz answers 200");

        var markdown = await CliRun.Of(["check", repo.Root, "--format", "markdown", .. live]);
        markdown.Out.ShouldContain("| fail | `http.hsts` | " + site.Url + " | no Strict-Transport-Security header | `security.tls_and_hsts` |");

        var sarif = await CliRun.Of(["check", repo.Root, "--format", "sarif", .. live]);
        using var sarifJson = JsonDocument.Parse(sarif.Out);
        var headers = sarifJson.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().Single(r => r.GetProperty("ruleId").GetString() == "security.security_headers");
        headers.GetProperty("message").GetProperty("text").GetString()!.ShouldContain("live: no X-Content-Type-Options on " + site.Url);
        headers.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString().ShouldBe("package.json");

        var html = await CliRun.Of(["check", repo.Root, "--format", "html", .. live]);
        html.Out.ShouldContain("<h3 id=\"live\">Live checks of the deployed product</h3>");
        html.Out.ShouldContain("data-live=\"tls.expiry\"");
    }

    [Theory]
    [InlineData("--live", "ftp://example.test")]
    [InlineData("--live", "not a domain")]
    [InlineData("--live-registry")]
    public async Task Check_BadLiveArguments_AreRefusedBeforeScanning(params string[] arguments)
    {
        using var repo = Repo();
        var run = await CliRun.Of(["check", repo.Root, .. arguments]);
        run.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        run.Out.ShouldBeEmpty();
    }

    [Fact]
    public async Task Check_BadResolver_IsRefused()
    {
        using var repo = Repo();
        var run = await CliRun.Of("check", repo.Root, "--live", "shop.test", "--resolver", "dns.google");
        run.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        run.Error.ShouldContain("--resolver must be IP[:PORT]");
    }

    [Fact]
    public async Task Check_PanopticYamlLiveSection_AddsHealthRoutesAndStatusPages()
    {
        var root = TestCertificates.Root();
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, "localhost", 90), SiteOptions.Hardened);
        using var repo = new TempRepository("check-live-config")
            .With("requirements.txt", "fastapi==0.110\n")
            .With("panoptic.yaml", $"readiness:\n  live:\n    health: [/healthz, /ready]\n    status_pages: ['{site.Url}status']\n");
        var pem = repo.PathOf("root.pem");
        await File.WriteAllTextAsync(pem, root.ExportCertificatePem());
        var run = await CliRun.Of("check", repo.Root, "--fail-on", "none", "--no-progress", "--format", "json", "--live", site.Url.ToString(), "--live-trust", pem,
            "--live-http-port", site.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        run.ExitCode.ShouldBe(ExitCodes.Success, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var live = json.RootElement.GetProperty("commercial_readiness").GetProperty("live").EnumerateArray()
            .Select(r => (r.GetProperty("check").GetString(), r.GetProperty("message").GetString())).ToList();
        live.ShouldContain(("http.health", "health endpoint /healthz answers 200"));
        live.ShouldContain(("http.health", "health endpoint /ready answers 404"));
        live.ShouldContain(("http.status_page", "status page answers 404"));
    }

    [Fact]
    public async Task Check_PanopticYamlLiveHealthThatIsNotAPath_IsAnInvalidConfiguration()
    {
        using var repo = new TempRepository("check-live-bad-config").With("requirements.txt", "fastapi==0.110\n")
            .With("panoptic.yaml", "readiness:\n  live:\n    health: [healthz]\n");
        var run = await CliRun.Of("check", repo.Root, "--no-progress");
        run.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        run.Error.ShouldContain("readiness.live.health: 'healthz' is not a path");
    }
}
