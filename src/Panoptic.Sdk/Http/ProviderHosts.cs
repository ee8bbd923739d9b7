namespace Panoptic.Sdk.Http;

/// <summary>A provider the HTTP handler recognised, and whether its responses carry LLM token usage.</summary>
internal sealed record ProviderMatch(string Provider, bool IsLlm);

/// <summary>
/// Which provider a request goes to, by its host: exact hosts, host suffixes (Azure OpenAI resources, S3 buckets),
/// and the application's own additions (host or host:port → provider, e.g. an OpenAI-compatible proxy).
/// </summary>
internal sealed class ProviderHosts
{
    private static readonly HashSet<string> LlmProviders = new(StringComparer.Ordinal)
    {
        "openai", "azure_openai", "anthropic", "gemini", "vertex_ai", "mistral", "groq", "openrouter", "deepseek", "together",
        "cohere", "xai", "perplexity", "fireworks",
    };

    private static readonly Dictionary<string, string> Exact = new(StringComparer.OrdinalIgnoreCase)
    {
        ["api.openai.com"] = "openai",
        ["api.anthropic.com"] = "anthropic",
        ["generativelanguage.googleapis.com"] = "gemini",
        ["api.mistral.ai"] = "mistral",
        ["api.groq.com"] = "groq",
        ["openrouter.ai"] = "openrouter",
        ["api.deepseek.com"] = "deepseek",
        ["api.together.xyz"] = "together",
        ["api.together.ai"] = "together",
        ["api.cohere.com"] = "cohere",
        ["api.cohere.ai"] = "cohere",
        ["api.x.ai"] = "xai",
        ["api.perplexity.ai"] = "perplexity",
        ["api.fireworks.ai"] = "fireworks",
        ["api.stripe.com"] = "stripe",
        ["files.stripe.com"] = "stripe",
        ["api.resend.com"] = "resend",
        ["api.sendgrid.com"] = "sendgrid",
        ["api.postmarkapp.com"] = "postmark",
        ["api.mailgun.net"] = "mailgun",
        ["api.eu.mailgun.net"] = "mailgun",
        ["api.twilio.com"] = "twilio",
        ["storage.googleapis.com"] = "gcs",
    };

    // Suffixes, longest first is not needed: none of them overlaps another.
    private static readonly (string Suffix, string Provider)[] Suffixes =
    [
        (".openai.azure.com", "azure_openai"),
        (".cognitiveservices.azure.com", "azure_openai"),
        ("-aiplatform.googleapis.com", "vertex_ai"),
        (".r2.cloudflarestorage.com", "r2"),
        (".blob.core.windows.net", "azure_blob"),
        (".digitaloceanspaces.com", "s3"),
        (".backblazeb2.com", "s3"),
    ];

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
            return new ProviderMatch(provider, LlmProviders.Contains(provider));
        if (Exact.TryGetValue(host, out provider) || (provider = BySuffix(host)) is not null) return new ProviderMatch(provider, LlmProviders.Contains(provider));
        return null;
    }

    private static string? BySuffix(string host)
    {
        foreach (var (suffix, provider) in Suffixes)
            if (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return provider;
        // S3: s3.amazonaws.com, s3.eu-west-1.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, s3-eu-west-1.amazonaws.com.
        if (host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase)
            && (host.StartsWith("s3.", StringComparison.OrdinalIgnoreCase) || host.StartsWith("s3-", StringComparison.OrdinalIgnoreCase)
                || host.Contains(".s3.", StringComparison.OrdinalIgnoreCase) || host.Contains(".s3-", StringComparison.OrdinalIgnoreCase)))
            return "s3";
        return null;
    }
}
