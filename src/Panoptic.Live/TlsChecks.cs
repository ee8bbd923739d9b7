using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Panoptic.Scanner.Readiness;

namespace Panoptic.Live;

/// <summary>TLS of a URL's host: chain to a trusted root, hostname match, days to expiry, and the protocol versions it accepts.</summary>
internal sealed class TlsChecks(LiveOptions options)
{
    private const string Readiness = "security.tls_and_hsts";

    public async Task<List<LiveResult>> RunAsync(LiveTarget target, CancellationToken cancellationToken)
    {
        var url = target.Url!;
        var now = options.Time.GetUtcNow();
        var results = new List<LiveResult>();
        void Add(string check, string status, string message) =>
            results.Add(new LiveResult { Check = check, Target = target.Text, Status = status, Message = message, CheckedAt = now, Readiness = Readiness });

        var (handshake, error) = await HandshakeAsync(url.IdnHost, url.Port, SslProtocols.None, cancellationToken);
        if (handshake is null)
        {
            Add("tls.handshake", "error", $"TLS handshake with {url.IdnHost}:{url.Port} failed: {error}");
            return results;
        }
        var leaf = handshake.Value.Leaf;
        var (valid, problems) = CertificateTrust.Validate(leaf, handshake.Value.Presented, options, now);
        Add("tls.chain", valid ? "pass" : "fail", valid ? $"certificate chain valid to {Root(handshake.Value.Presented, leaf)}" : $"certificate chain not trusted: {problems}");
        var matches = leaf.MatchesHostname(url.IdnHost);
        Add("tls.hostname", matches ? "pass" : "fail", matches ? $"certificate names {url.IdnHost}" : $"certificate does not name {url.IdnHost} (it names {Names(leaf)})");
        var days = (int)Math.Floor((leaf.NotAfter.ToUniversalTime() - now.UtcDateTime).TotalDays);
        var expires = leaf.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Add("tls.expiry", days < 0 ? "fail" : days < 7 ? "fail" : days < 21 ? "warn" : "pass",
            days < 0 ? $"certificate expired on {expires}" : string.Create(CultureInfo.InvariantCulture, $"certificate expires {expires} ({days} days)"));

        var untestable = Protocols.Where(p => !LocalTls.CanOffer(p.Protocol)).Select(p => p.Name).ToList();
        var attempts = await Task.WhenAll(Protocols.Where(p => LocalTls.CanOffer(p.Protocol))
            .Select(async p => (p.Name, Accepted: (await HandshakeAsync(url.IdnHost, url.Port, p.Protocol, cancellationToken)).Result is not null)));
        var accepted = attempts.Where(a => a.Accepted).Select(a => a.Name).ToList();
        var legacy = accepted.Where(p => p is "TLS 1.0" or "TLS 1.1").ToList();
        var note = untestable.Count > 0 ? $" ({string.Join(", ", untestable)} not testable: this machine's TLS library refuses to offer them)" : "";
        Add("tls.protocols", legacy.Count > 0 || !accepted.Any(p => p is "TLS 1.2" or "TLS 1.3") ? "fail" : "pass",
            legacy.Count > 0 ? $"accepts {string.Join(", ", legacy)} (deprecated by RFC 8996); accepted: {string.Join(", ", accepted)}{note}"
                : $"accepts {string.Join(", ", accepted.DefaultIfEmpty("no protocol"))}{note}");
        return results;
    }

#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 are offered on purpose: a server that still accepts them fails the check.
#pragma warning disable CA5397 // same reason
    internal static readonly (SslProtocols Protocol, string Name)[] Protocols =
        [(SslProtocols.Tls, "TLS 1.0"), (SslProtocols.Tls11, "TLS 1.1"), (SslProtocols.Tls12, "TLS 1.2"), (SslProtocols.Tls13, "TLS 1.3")];
#pragma warning restore CA5397
#pragma warning restore SYSLIB0039

    private async Task<((X509Certificate2 Leaf, List<X509Certificate2> Presented)? Result, string? Error)> HandshakeAsync(string host, int port, SslProtocols protocols,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        X509Certificate2? leaf = null;
        var presented = new List<X509Certificate2>();
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(host, port, timeout.Token);
            await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                EnabledSslProtocols = protocols,
                // Judged afterwards by CertificateTrust, so that an untrusted or expired certificate is a result, not a failed handshake.
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    if (certificate is not null) leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    if (chain is not null) presented.AddRange(chain.ChainElements.Select(e => X509CertificateLoader.LoadCertificate(e.Certificate.RawData)));
                    return true;
                },
            }, timeout.Token);
            return leaf is null ? (null, "the server sent no certificate") : ((leaf, presented), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"timeout after {options.Timeout.TotalSeconds:0.#} s"));
        }
        catch (SocketException e)
        {
            return (null, e.SocketErrorCode == SocketError.HostNotFound ? $"host not found: {host} (system resolver)" : $"{e.SocketErrorCode}: {e.Message}");
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return (null, e.InnerException?.Message ?? e.Message);
        }
    }

    private static string Root(List<X509Certificate2> presented, X509Certificate2 leaf) =>
        presented.LastOrDefault(c => c.Thumbprint != leaf.Thumbprint)?.GetNameInfo(X509NameType.SimpleName, false) ?? leaf.GetNameInfo(X509NameType.SimpleName, true);

    private static string Names(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var names = san?.EnumerateDnsNames().ToList() ?? [];
        return names.Count > 0 ? string.Join(", ", names) : certificate.GetNameInfo(X509NameType.SimpleName, false);
    }
}
