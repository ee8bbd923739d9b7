using System.Security.Authentication;

namespace Panoptic.TestUtilities.Live;

/// <summary>What a <see cref="LoopbackSite"/> serves: the headers of every answer, its text files, and whether plain HTTP redirects.</summary>
public sealed record SiteOptions
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();
    public bool RedirectHttp { get; init; } = true;
    public SslProtocols Protocols { get; init; } = SslProtocols.None;

    /// <summary>Every header the live checks want, HSTS for a year with subdomains, security.txt, robots and /healthz.</summary>
    public static SiteOptions Hardened => new()
    {
        Headers = new Dictionary<string, string>
        {
            ["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains",
            ["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'",
            ["X-Content-Type-Options"] = "nosniff",
            ["X-Frame-Options"] = "DENY",
            ["Referrer-Policy"] = "strict-origin-when-cross-origin",
        },
        Files = new Dictionary<string, string>
        {
            ["/.well-known/security.txt"] = "Contact: mailto:security@example.test\nExpires: 2030-01-01T00:00:00Z\n",
            ["/robots.txt"] = "User-agent: *\nAllow: /\nSitemap: https://localhost/sitemap.xml\n",
            ["/healthz"] = "ok",
        },
    };
}
