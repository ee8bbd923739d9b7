using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Panoptic.Live;

/// <summary>How the live checks reach the product: the resolver, the time limits, and what they trust.</summary>
public sealed record LiveOptions
{
    /// <summary>The DNS resolver to ask; null uses the machine's resolvers (/etc/resolv.conf).</summary>
    public IPEndPoint? Resolver { get; init; }
    /// <summary>The limit for one DNS query, one TLS handshake or one HTTP request.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>
    /// Roots trusted instead of the machine's store (a private CA, or a test's own root); empty trusts the machine's
    /// roots only.
    /// </summary>
    public X509Certificate2Collection TrustedRoots { get; init; } = [];
    /// <summary>The port of the plain-HTTP redirect check (80 in production; tests point it at their own listener).</summary>
    public int HttpPort { get; init; } = 80;
    /// <summary>Health endpoint paths (from the registry's services or --live-health) checked on every URL target.</summary>
    public IReadOnlyList<string> HealthPaths { get; init; } = [];
    /// <summary>Status pages to check (--live-status-page): each must answer 2xx.</summary>
    public IReadOnlyList<Uri> StatusPages { get; init; } = [];
    /// <summary>Email providers the registry found (catalog ids: sendgrid, aws-ses, ...), whose DKIM selectors are looked up.</summary>
    public IReadOnlyList<string> EmailProviders { get; init; } = [];
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How reports name the resolver: "127.0.0.1:5353" or "system (8.8.8.8:53)".</summary>
    public string ResolverName(IEnumerable<IPEndPoint> system) =>
        Resolver is { } r ? r.ToString() : $"system ({string.Join(", ", system.Select(s => s.ToString()).DefaultIfEmpty("none configured"))})";
}
