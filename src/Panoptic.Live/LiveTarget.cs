namespace Panoptic.Live;

/// <summary>
/// What the user named: a bare domain (the sending domain: DNS and email authentication, CAA, DNSSEC) or a URL (the app
/// or the API: TLS and HTTP).
/// </summary>
public sealed record LiveTarget(string Text, string Host, Uri? Url)
{
    public bool IsDomain => Url is null;

    /// <summary>A host the registry found in code (--live-registry): its TLS is checked, not its pages, which belong to someone else.</summary>
    public bool TlsOnly { get; init; }

    /// <summary>Parses a domain or an http(s) URL; null with the reason when it is neither.</summary>
    public static LiveTarget? Parse(string text, out string? error)
    {
        error = null;
        text = text.Trim();
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" && url.Host.Length > 0)
                return new LiveTarget(text, url.IdnHost, url.Scheme == "http" ? new UriBuilder(url) { Scheme = "https", Port = url.IsDefaultPort ? -1 : url.Port }.Uri : url);
            error = $"not an http(s) URL: {text}";
            return null;
        }
        var host = text.TrimEnd('.').ToLowerInvariant();
        if (host.Length is 0 or > 253 || host.Split('.').Any(label => label.Length is 0 or > 63 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            error = $"not a domain name or URL: {text}";
            return null;
        }
        return new LiveTarget(host, host, null);
    }
}
