using System.Net;
using DnsClient;
using Panoptic.Scanner.Readiness;

namespace Panoptic.Live;

/// <summary>
/// Runs the live checks on the targets the user named — and nothing else: a bare domain gets the DNS and email
/// checks, a URL the TLS and HTTP checks. Every failure to reach a host is a result.
/// </summary>
public sealed class LiveChecker(LiveOptions options) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        // No proxy either: a proxy is a host the user did not name.
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = options.Timeout,
        AutomaticDecompression = DecompressionMethods.None,
        // Certificates are judged by TlsChecks against the configured roots; the HTTP checks read headers whatever the certificate.
#pragma warning disable CA5359 // see above: trust is measured and reported by tls.chain, not enforced here
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
#pragma warning restore CA5359
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", "panoptic-live-check" } },
    };

    public async Task<IReadOnlyList<LiveResult>> RunAsync(IEnumerable<LiveTarget> targets, CancellationToken cancellationToken)
    {
        var lookupOptions = options.Resolver is { } resolver ? new LookupClientOptions(resolver) : new LookupClientOptions();
        lookupOptions.UseCache = false;
        lookupOptions.Timeout = options.Timeout;
        lookupOptions.Retries = 0;
        lookupOptions.ThrowDnsErrors = false;
        lookupOptions.ContinueOnDnsError = false;
        lookupOptions.RequestDnsSecRecords = true;
        var dns = new LookupClient(lookupOptions);
        var resolverName = options.ResolverName(dns.NameServers.Select(n => new IPEndPoint(IPAddress.Parse(n.Address), n.Port)));

        var list = targets.DistinctBy(t => t.Text).ToList();
        var warmUp = list.Any(t => !t.IsDomain) ? LocalTls.WarmUpAsync() : Task.CompletedTask;
        var runs = list.SelectMany(target => target.IsDomain ? [new DnsChecks(dns, options, resolverName).RunAsync(target, cancellationToken)]
            : target.TlsOnly ? [TlsAsync(target)]
            : new[] { TlsAsync(target), new HttpChecks(http, options).RunAsync(target, cancellationToken) });
        var results = await Task.WhenAll(runs.Concat(options.StatusPages.Select(page => new HttpChecks(http, options).StatusPageAsync(page, cancellationToken))));
        await warmUp;
        return [.. results.SelectMany(r => r)];

        async Task<List<LiveResult>> TlsAsync(LiveTarget target)
        {
            await warmUp;
            return await new TlsChecks(options).RunAsync(target, cancellationToken);
        }
    }

    public void Dispose() => http.Dispose();
}
