using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Panoptic.Live;
using Panoptic.Scanner.Readiness;
using Panoptic.TestUtilities.Live;

namespace Panoptic.Live.Tests;

public sealed class DnsChecksTests
{
    private static readonly string DkimKey = Convert.ToBase64String(RSA.Create(2048).ExportSubjectPublicKeyInfo());

    private static DnsZone Zones() => new DnsZone()
        .Mx("good.test", 10, "mx1.good.test").Txt("good.test", "v=spf1 include:_spf.mail.test ip4:192.0.2.0/24 -all", "google-site-verification=abc")
        .Txt("_spf.mail.test", "v=spf1 ip4:198.51.100.0/24 ~all")
        .Txt("_dmarc.good.test", "v=DMARC1; p=reject; rua=mailto:dmarc@good.test")
        .Txt("s1._domainkey.good.test", $"v=DKIM1; k=rsa; p={DkimKey}")
        .Caa("good.test", "issue", "letsencrypt.org").DnsKey("good.test")
        .A("missing.test", IPAddress.Parse("192.0.2.1"))
        .Mx("dup.test", 10, "mx.dup.test").Txt("dup.test", "v=spf1 -all", "v=spf1 include:_spf.mail.test -all")
        .Mx("deep.test", 10, "mx.deep.test").Txt("deep.test", "v=spf1 include:l1.deep.test a mx -all")
        .Txt("l1.deep.test", "v=spf1 include:l2.deep.test a mx ~all").Txt("l2.deep.test", "v=spf1 include:l3.deep.test a mx ~all")
        .Txt("l3.deep.test", "v=spf1 a mx exists:%{i}.x.deep.test ptr ~all")
        .Mx("none.test", 10, "mx.none.test").Txt("none.test", "v=spf1 mx ?all").Txt("_dmarc.none.test", "v=DMARC1; p=none")
        .Mx("broken.test", 10, "mx.broken.test").Txt("broken.test", "v=spf1 ip4:300.1.1.1 -all")
        .Txt("s1._domainkey.broken.test", "v=DKIM1; k=rsa; p=bm90IGEga2V5")
        .Txt("s2._domainkey.broken.test", "v=DKIM1; k=rsa; p=")
        .Mx("mail.org.test", 10, "mx.org.test").Txt("_dmarc.org.test", "v=DMARC1; p=none; sp=reject; rua=mailto:d@org.test");

    private static async Task<IReadOnlyList<LiveResult>> CheckAsync(LoopbackDns dns, string domain, params string[] providers)
    {
        using var checker = new LiveChecker(new LiveOptions { Resolver = dns.EndPoint, Timeout = TimeSpan.FromSeconds(2), EmailProviders = providers });
        return await checker.RunAsync([LiveTarget.Parse(domain, out _)!], CancellationToken.None);
    }

    private static LiveResult One(IReadOnlyList<LiveResult> results, string check) => results.Single(r => r.Check == check);

    [Fact]
    public async Task Run_GoodZone_PassesMxSpfDmarcDkimCaaAndNotesDnssec()
    {
        await using var dns = LoopbackDns.Start(Zones().Also(z => z.Authenticated = true));
        var results = await CheckAsync(dns, "good.test", "sendgrid");
        One(results, "dns.mx").Status.ShouldBe("pass");
        One(results, "dns.spf").Status.ShouldBe("pass");
        One(results, "dns.spf").Message.ShouldContain("1 of 10 lookups, ends -all");
        One(results, "dns.dmarc").Message.ShouldBe("DMARC p=reject, reports to mailto:dmarc@good.test");
        results.Where(r => r.Check == "dns.dkim").Select(r => r.Status).ShouldBe(["pass"]);
        One(results, "dns.dkim").Message.ShouldContain("s1._domainkey: RSA 2048-bit key");
        One(results, "dns.caa").Message.ShouldBe("CAA allows letsencrypt.org");
        One(results, "dns.dnssec").Message.ShouldContain("DNSKEY published, answers authenticated (AD)");
    }

    [Fact]
    public async Task Run_DomainWithoutRecords_FailsMxSpfDmarcAndDkimOfTheNamedProvider()
    {
        await using var dns = LoopbackDns.Start(Zones());
        var results = await CheckAsync(dns, "missing.test", "resend");
        One(results, "dns.mx").Status.ShouldBe("fail");
        One(results, "dns.spf").Message.ShouldBe("no SPF record (v=spf1)");
        One(results, "dns.dmarc").Message.ShouldBe("no DMARC record at _dmarc.missing.test");
        One(results, "dns.dkim").Message.ShouldBe("no DKIM key for Resend at resend._domainkey");
        One(results, "dns.caa").Status.ShouldBe("warn");
        One(results, "dns.dnssec").Message.ShouldBe("DNSSEC not enabled (no DNSKEY, no AD flag)");
    }

    [Fact]
    public async Task Run_TwoSpfRecords_FailsAsDuplicated()
    {
        await using var dns = LoopbackDns.Start(Zones());
        One(await CheckAsync(dns, "dup.test"), "dns.spf").Message.ShouldStartWith("2 SPF records");
    }

    [Fact]
    public async Task Run_SpfOverTenLookups_FailsWithTheRecursiveCount()
    {
        await using var dns = LoopbackDns.Start(Zones());
        var spf = One(await CheckAsync(dns, "deep.test"), "dns.spf");
        spf.Status.ShouldBe("fail");
        spf.Message.ShouldStartWith("SPF needs 13 DNS lookups (limit 10)");
    }

    [Fact]
    public async Task Run_DmarcNone_WarnsAndSpfNeutralEndingFails()
    {
        await using var dns = LoopbackDns.Start(Zones());
        var results = await CheckAsync(dns, "none.test");
        One(results, "dns.dmarc").Status.ShouldBe("warn");
        One(results, "dns.dmarc").Message.ShouldBe("DMARC p=none, no reporting address (rua): failing mail is still delivered");
        One(results, "dns.spf").Message.ShouldStartWith("SPF ends ?all");
        One(results, "dns.dmarc").Evidence.ShouldStartWith("live: DMARC p=none, no reporting address (rua): failing mail is still delivered on none.test at ");
        One(results, "dns.dmarc").Evidence.ShouldEndWith(" UTC");
    }

    [Fact]
    public async Task Run_BrokenDkimKeyAndInvalidSpf_FailEach()
    {
        await using var dns = LoopbackDns.Start(Zones());
        var results = await CheckAsync(dns, "broken.test", "sendgrid");
        One(results, "dns.spf").Message.ShouldBe("SPF is not valid: the term 'ip4:300.1.1.1' (v=spf1 ip4:300.1.1.1 -all)");
        results.Where(r => r.Check == "dns.dkim").Select(r => r.Message).ShouldBe([
            "DKIM s1._domainkey: the key (p=) is not a valid public key", "DKIM s2._domainkey: the key is revoked (empty p=)"]);
    }

    [Fact]
    public async Task Run_NonexistentDomain_ReportsNxdomainWithTheResolver()
    {
        await using var dns = LoopbackDns.Start(Zones());
        var results = await CheckAsync(dns, "nosuch.test");
        One(results, "dns.mx").Message.ShouldBe($"NXDOMAIN: nosuch.test does not exist (resolver {dns.EndPoint})");
        One(results, "dns.dmarc").Status.ShouldBe("fail");
    }

    [Fact]
    public async Task Run_ResolverThatNeverAnswers_IsATimeoutResultNotACrash()
    {
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = (IPEndPoint)silent.Client.LocalEndPoint!;
        using var checker = new LiveChecker(new LiveOptions { Resolver = endpoint, Timeout = TimeSpan.FromMilliseconds(300) });
        var results = await checker.RunAsync([LiveTarget.Parse("good.test", out _)!], CancellationToken.None);
        var mx = results.ShouldHaveSingleItem();
        mx.Status.ShouldBe("error");
        mx.Message.ShouldBe($"MX lookup failed: timeout after 0.3 s for good.test MX (resolver {endpoint})");
    }

    [Fact]
    public async Task LoopbackDns_OverTcp_AnswersTheSameZone()
    {
        await using var dns = LoopbackDns.Start(Zones());
        var client = new DnsClient.LookupClient(new DnsClient.LookupClientOptions(dns.EndPoint) { UseTcpOnly = true, UseCache = false });
        var answer = await client.QueryAsync("good.test", DnsClient.QueryType.MX);
        answer.Answers.MxRecords().Single().Exchange.Value.ShouldBe("mx1.good.test.");
    }

    [Fact]
    public async Task Run_SubdomainWithoutItsOwnDmarc_IsCoveredByItsOrganizationalDomainsSubdomainPolicy()
    {
        await using var dns = LoopbackDns.Start(Zones());
        One(await CheckAsync(dns, "mail.org.test"), "dns.dmarc").Message.ShouldBe("DMARC p=reject (inherited from org.test), reports to mailto:d@org.test");
    }
}

internal static class ZoneExtensions
{
    public static DnsZone Also(this DnsZone zone, Action<DnsZone> change)
    {
        change(zone);
        return zone;
    }
}
