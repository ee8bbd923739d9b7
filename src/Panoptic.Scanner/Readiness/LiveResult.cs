using System.Globalization;

namespace Panoptic.Scanner.Readiness;

/// <summary>
/// One measurement of the deployed product (DNS, email authentication, TLS, HTTP), taken at a time: a network failure is
/// a result too (status error, with what failed and the resolver used), never a crash.
/// </summary>
public sealed record LiveResult
{
    /// <summary>The live check's id (dns.spf, tls.expiry, http.hsts, ...; docs/readiness.md lists them).</summary>
    public required string Check { get; init; }
    /// <summary>The domain or URL the user named.</summary>
    public required string Target { get; init; }
    /// <summary>pass, warn, fail, info (noted, not scored) or error (could not be measured).</summary>
    public required string Status { get; init; }
    public required string Message { get; init; }
    public required DateTimeOffset CheckedAt { get; init; }
    /// <summary>The readiness check this result answers, when it answers one.</summary>
    public string? Readiness { get; init; }

    /// <summary>"live: DMARC p=none on example.com at 2026-12-02 10:00 UTC".</summary>
    public string Evidence => string.Create(CultureInfo.InvariantCulture, $"live: {Message} on {Target} at {CheckedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
}
