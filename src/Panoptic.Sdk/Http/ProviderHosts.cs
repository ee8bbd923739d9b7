using Panoptic.Sdk.Providers;

namespace Panoptic.Sdk.Http;

/// <summary>A provider the HTTP handler recognised, and whether its responses carry LLM token usage.</summary>
internal sealed record ProviderMatch(string Provider, bool IsLlm);

/// <summary>
/// Which provider a request goes to, by its host: the hosts and host suffixes of providers.json (Azure OpenAI
/// resources, R2 buckets), S3's regional names, and the application's own additions (host or host:port → provider, e.g.
/// an OpenAI-compatible proxy).
/// </summary>
internal sealed class ProviderHosts
{
    private readonly Dictionary<string, string>? _custom;

    public ProviderHosts(IReadOnlyDictionary<string, string>? custom = null)
    {
        if (custom is { Count: > 0 }) _custom = new Dictionary<string, string>(custom, StringComparer.OrdinalIgnoreCase);
    }

    public ProviderMatch? Match(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri) return null;
        var host = uri.IdnHost;
        string? provider = null;
        if (_custom is not null && (_custom.TryGetValue(uri.IsDefaultPort ? host : $"{host}:{uri.Port}", out provider) || _custom.TryGetValue(host, out provider)))
            return new ProviderMatch(provider, ProviderIdentity.Find(provider)?.Llm ?? false);
        if (ProviderIdentity.OfHost(host) is { } known) return new ProviderMatch(known.Id, known.Llm);
        return S3(host) ? new ProviderMatch("s3", false) : null;
    }

    private static bool S3(string host)
    {
        // S3: s3.amazonaws.com, s3.eu-west-1.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, s3-eu-west-1.amazonaws.com.
        return host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase)
            && (host.StartsWith("s3.", StringComparison.OrdinalIgnoreCase) || host.StartsWith("s3-", StringComparison.OrdinalIgnoreCase)
                || host.Contains(".s3.", StringComparison.OrdinalIgnoreCase) || host.Contains(".s3-", StringComparison.OrdinalIgnoreCase));
    }
}
