using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Panoptic.Live;

/// <summary>
/// Which protocol versions this machine's TLS library will offer at all: OpenSSL 3 at its default security level
/// refuses TLS 1.0 and 1.1 in both directions, and then a failed handshake would say nothing about the server. Found
/// once per process by a handshake with itself on loopback.
/// </summary>
internal static class LocalTls
{
    private static readonly Lazy<IReadOnlyDictionary<SslProtocols, bool>> Support = new(() =>
        TlsChecks.Protocols.AsParallel().ToDictionary(p => p.Protocol, p => p.Protocol is SslProtocols.Tls12 or SslProtocols.Tls13 || SelfHandshake(p.Protocol)));

    public static bool CanOffer(SslProtocols protocol) => Support.Value.GetValueOrDefault(protocol, true);

    /// <summary>Finds out in the background, while the DNS and HTTP checks run.</summary>
    public static Task WarmUpAsync() => Task.Run(() => Support.Value);

    private static bool SelfHandshake(SslProtocols protocol)
    {
        // An EC key: made in a millisecond, where an RSA key costs a noticeable part of a second on a busy machine.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        using var certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var server = Task.Run(async () =>
            {
                using var accepted = await listener.AcceptTcpClientAsync();
                await using var ssl = new SslStream(accepted.GetStream());
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate, EnabledSslProtocols = protocol });
            });
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            using var stream = new SslStream(client.GetStream());
            stream.AuthenticateAsClient(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = protocol,
#pragma warning disable CA5359 // the peer is this process's own throwaway certificate: only whether the version negotiates matters
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
            });
            server.Wait(TimeSpan.FromSeconds(5));
            return stream.SslProtocol == protocol;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or AggregateException or SocketException or PlatformNotSupportedException)
        {
            // Refused here: the version cannot be tested from this machine.
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }
}
