using System.Collections.Frozen;
using System.Text.Json;

namespace Panoptic.Sdk.Providers;

/// <summary>One provider as providers.json describes it: the ledger's id and everything else that names it.</summary>
internal sealed record Provider(string Id, string Name, IReadOnlyList<string> Aliases, IReadOnlyList<string> Otel, IReadOnlyList<string> Hosts,
    IReadOnlyList<string> HostSuffixes, string? PricesAs, bool Llm);

/// <summary>
/// Provider identity, read once from the embedded providers.json: the SDK's host table, the rate card's provider
/// names, OpenTelemetry's <c>gen_ai.provider.name</c> values, invoice names and the scanner catalog's ids all resolve
/// to the one id the ledger records, so a registry's <c>google-gemini</c> and a span's <c>gcp.gemini</c> are the
/// ledger's <c>gemini</c>.
/// </summary>
internal static class ProviderIdentity
{
    public static IReadOnlyList<Provider> All { get; } = Load();

    private static readonly FrozenDictionary<string, Provider> ByName = All
        .SelectMany(p => new[] { p.Id }.Concat(p.Aliases).Concat(p.Otel).Select(n => (Name: n.ToLowerInvariant(), Provider: p)))
        .DistinctBy(n => n.Name).ToFrozenDictionary(n => n.Name, n => n.Provider, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, Provider> ByHost = All
        .SelectMany(p => p.Hosts.Select(h => (Host: h, Provider: p))).ToFrozenDictionary(h => h.Host, h => h.Provider, StringComparer.OrdinalIgnoreCase);

    private static readonly (string Suffix, Provider Provider)[] BySuffix = [.. All.SelectMany(p => p.HostSuffixes.Select(s => (s, p)))];

    /// <summary>The ledger's id for any name of a provider (case-insensitive); a name no entry knows comes back lower-cased and trimmed.</summary>
    public static string Resolve(string name)
    {
        var key = name.Trim().ToLowerInvariant();
        return ByName.TryGetValue(key, out var provider) ? provider.Id : key;
    }

    /// <summary>The provider of a name, or null.</summary>
    public static Provider? Find(string name) => ByName.GetValueOrDefault(name.Trim().ToLowerInvariant());

    /// <summary>The provider whose API answers at a host: an exact host, else a host suffix (Azure OpenAI resources, R2 buckets).</summary>
    public static Provider? OfHost(string host)
    {
        if (ByHost.TryGetValue(host, out var exact)) return exact;
        foreach (var (suffix, provider) in BySuffix)
            if (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return provider;
        return null;
    }

    /// <summary>The rate card's provider for a name: the ledger id, or the provider that prices it (Azure OpenAI at OpenAI's prices).</summary>
    public static string PricingId(string name) => Find(name) is { } provider ? provider.PricesAs ?? provider.Id : name.Trim().ToLowerInvariant();

    private static List<Provider> Load()
    {
        using var stream = typeof(ProviderIdentity).Assembly.GetManifestResourceStream("Panoptic.Sdk.Providers.providers.json")!;
        using var document = JsonDocument.Parse(stream);
        var providers = new List<Provider>();
        foreach (var p in document.RootElement.GetProperty("providers").EnumerateArray())
        {
            IReadOnlyList<string> List(string name) => p.TryGetProperty(name, out var list) ? [.. list.EnumerateArray().Select(v => v.GetString()!)] : [];
            providers.Add(new Provider(p.GetProperty("id").GetString()!, p.GetProperty("name").GetString()!, List("aliases"), List("otel"), List("hosts"), List("host_suffixes"),
                p.TryGetProperty("prices_as", out var prices) ? prices.GetString() : null, p.TryGetProperty("llm", out var llm) && llm.GetBoolean()));
        }
        return providers;
    }
}
