using System.Globalization;
using Panoptic.TestUtilities.Live;

namespace Panoptic.Benchmarks;

/// <summary>
/// `live-fixtures DIR`: the loopback world of `check --live`, for benchmarks/live-benchmark.sh — a DNS responder
/// serving shop.test and an HTTPS site (with plain HTTP beside it) whose certificate a root of its own signs. Writes
/// dns, url, http_port and root.pem into DIR, then serves until killed.
/// </summary>
public static class LiveFixtures
{
    public static async Task RunAsync(string[] args)
    {
        var dir = args.Length > 1 ? args[1] : throw new ArgumentException("usage: live-fixtures DIR");
        Directory.CreateDirectory(dir);
        await using var dns = LoopbackDns.Start(new DnsZone()
            .Mx("shop.test", 10, "mx.shop.test").Txt("shop.test", "v=spf1 include:_spf.mail.test -all").Txt("_spf.mail.test", "v=spf1 ip4:192.0.2.0/24 ~all")
            .Txt("_dmarc.shop.test", "v=DMARC1; p=quarantine; rua=mailto:dmarc@shop.test").Caa("shop.test", "issue", "letsencrypt.org"));
        var root = TestCertificates.Root();
        await using var site = await LoopbackSite.StartAsync(TestCertificates.Server(root, "localhost", 90), SiteOptions.Hardened);
        await File.WriteAllTextAsync(Path.Combine(dir, "root.pem"), root.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "dns"), dns.EndPoint.ToString());
        await File.WriteAllTextAsync(Path.Combine(dir, "url"), site.Url.ToString());
        await File.WriteAllTextAsync(Path.Combine(dir, "http_port"), site.HttpPort.ToString(CultureInfo.InvariantCulture));
        // Kestrel's lifetime takes SIGTERM for itself; the fixtures end on it (or Ctrl+C) explicitly.
        var stop = new TaskCompletionSource();
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => stop.TrySetResult());
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, _ => stop.TrySetResult());
        await File.WriteAllTextAsync(Path.Combine(dir, "ready"), "");
        await stop.Task;
    }
}
