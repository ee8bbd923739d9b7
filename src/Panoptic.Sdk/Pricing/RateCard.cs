using System.Text.Json;

namespace Panoptic.Sdk.Pricing;

/// <summary>
/// Dated prices per provider and model (LLMs, per million tokens) or per provider (services: per request, per GB, per
/// unit). The embedded card ships with the SDK and the server, so both price the same usage the same way.
/// </summary>
public sealed class RateCard
{
    private readonly List<Entry> _llm;
    private readonly Dictionary<string, Entry> _services;
    private readonly RateCard? _overrides;

    private RateCard(string version, List<Entry> llm, Dictionary<string, Entry> services, RateCard? overrides = null)
    {
        Version = version;
        _llm = llm;
        _services = services;
        _overrides = overrides;
    }

    /// <summary>
    /// This card with <paramref name="overrides"/> on top: a model or service the overrides price is priced by them,
    /// anything else by this card. The version names both ("2026-11-01+ws-3f2a…").
    /// </summary>
    public RateCard WithOverrides(RateCard overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        return new RateCard($"{Version}+{overrides.Version}", _llm, _services, overrides);
    }

    /// <summary>True when the card prices at least one model or service.</summary>
    public bool HasEntries => _llm.Count > 0 || _services.Count > 0 || _overrides?.HasEntries == true;

    /// <summary>The card's version, stored with every event it priced.</summary>
    public string Version { get; }

    /// <summary>The card embedded in this assembly.</summary>
    public static RateCard Embedded { get; } = LoadEmbedded();

    /// <summary>
    /// The cost in US dollars of <paramref name="usage"/> at <paramref name="at"/>, or null when no price is known for the
    /// provider and model (an unknown model is unpriced, never free).
    /// </summary>
    public decimal? Price(string provider, string? model, Usage usage, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (_overrides?.Price(provider, model, usage, at) is { } overridden) return overridden;
        var key = Normalize(provider);
        if (!string.IsNullOrEmpty(model) && Match(key, model) is { } llm && llm.At(at) is { } price)
        {
            var cached = Math.Min(usage.CachedInputTokens, usage.InputTokens);
            // Times 10^-6 rather than divided by 10^6: the same exact value, a multiplication instead of a decimal division.
            return ((usage.InputTokens - cached) * price.Input + cached * (price.CachedInput ?? price.Input) + usage.OutputTokens * price.Output) * 0.000001m;
        }
        if (_services.TryGetValue(key, out var service) && service.At(at) is { } rate)
            return usage.Requests * rate.PerRequest + usage.Bytes / 1_000_000_000m * rate.PerGb + (decimal)usage.Units * rate.PerUnit;
        return null;
    }

    /// <summary>The exact model names the card prices for <paramref name="provider"/> (a pattern names no model one can call), the overrides' included.</summary>
    internal IEnumerable<string> ModelNames(string provider)
    {
        var key = Normalize(provider);
        return _llm.Where(e => e.Provider == key).SelectMany(e => e.Models).Where(m => !m.EndsWith('*'))
            .Concat(_overrides?.ModelNames(provider) ?? []).Distinct(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The most output tokens the model writes in one answer, when the card knows it (the overrides' figure first).</summary>
    internal long? MaxOutputTokens(string provider, string model) =>
        _overrides?.MaxOutputTokens(provider, model) ?? Match(Normalize(provider), model)?.MaxOutput;

    /// <summary>The providers this card prices (models or services), as the card names them.</summary>
    internal IEnumerable<string> PricedProviders => _llm.Select(e => e.Provider).Concat(_services.Keys).Distinct(StringComparer.Ordinal);

    /// <summary>True when the card prices this provider and model at some date.</summary>
    public bool Knows(string provider, string? model) => _overrides?.Knows(provider, model) == true ||
        (!string.IsNullOrEmpty(model) ? Match(Normalize(provider), model) is not null : _services.ContainsKey(Normalize(provider)));

    /// <summary>Reads a card from its JSON form; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static RateCard Parse(string json)
    {
        try
        {
            return ParseUnchecked(json);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"rate card: not the expected shape ({e.Message}); see the embedded rate-card.json", e);
        }
    }

    private static List<JsonElement> Items(JsonElement root, string name) =>
        root.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array ? [.. items.EnumerateArray()] : [];

    private static RateCard ParseUnchecked(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var version = root.TryGetProperty("version", out var v) && v.GetString() is { Length: > 0 } s ? s : throw new FormatException("rate card: version is required");
        var llm = new List<Entry>();
        foreach (var item in Items(root, "llm"))
        {
            var provider = Normalize(item.GetProperty("provider").GetString() ?? throw new FormatException("rate card: llm entry without provider"));
            var patterns = item.GetProperty("models").EnumerateArray().Select(m => m.GetString() ?? "").ToList();
            long? maxOutput = item.TryGetProperty("max_output", out var limit) ? limit.GetInt64() : null;
            if (maxOutput < 1) throw new FormatException($"rate card: {provider} has a max_output below 1");
            llm.Add(new Entry(provider, patterns, Prices(item, provider)) { MaxOutput = maxOutput });
        }
        var services = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var item in Items(root, "services"))
        {
            var provider = Normalize(item.GetProperty("provider").GetString() ?? throw new FormatException("rate card: service entry without provider"));
            services[provider] = new Entry(provider, [], Prices(item, provider));
        }
        return new RateCard(version, llm, services);
    }

    private static RateCard LoadEmbedded()
    {
        using var stream = typeof(RateCard).Assembly.GetManifestResourceStream("Panoptic.Sdk.Pricing.rate-card.json")!;
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    private const decimal MaxPrice = 1_000_000;

    private static List<DatedPrice> Prices(JsonElement item, string provider)
    {
        // A price above a million dollars per unit is a typo, and one past a decimal (1e300) cannot be computed with.
        decimal? Number(JsonElement p, string name)
        {
            if (!p.TryGetProperty(name, out var value)) return null;
            if (value.ValueKind != JsonValueKind.Number) throw new FormatException($"rate card: {provider} prices.{name}: a number of US dollars, not {value.GetRawText()}");
            if (!value.TryGetDecimal(out var price) || price > MaxPrice)
                throw new FormatException($"rate card: {provider} prices.{name}: {value.GetRawText()} is too large (at most {MaxPrice} US dollars)");
            return price;
        }
        var prices = item.GetProperty("prices").EnumerateArray().Select(p => new DatedPrice(
            DateTimeOffset.Parse(p.GetProperty("from").GetString()! + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            Number(p, "input") ?? 0, Number(p, "cached_input"), Number(p, "output") ?? 0, Number(p, "per_request") ?? 0, Number(p, "per_gb") ?? 0, Number(p, "per_unit") ?? 0))
            .OrderBy(p => p.From).ToList();
        if (prices.Count == 0) throw new FormatException($"rate card: {provider} has no prices");
        if (prices.Any(p => p.Input < 0 || p.Output < 0 || p.CachedInput < 0 || p.PerRequest < 0 || p.PerGb < 0 || p.PerUnit < 0))
            throw new FormatException($"rate card: {provider} has a negative price");
        return prices;
    }

    // Model lookups seen so far; bounded, so hostile model names sent to the server cannot grow it without end.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Provider, string Model), Entry?> _matches = new();
    private const int MaxCachedMatches = 4096;

    /// <summary>The entry for a model: an exact name first, then the longest matching prefix pattern ("gpt-4o-mini-*").</summary>
    private Entry? Match(string provider, string model)
    {
        if (_matches.TryGetValue((provider, model), out var cached)) return cached;
        var found = MatchUncached(provider, model);
        if (_matches.Count < MaxCachedMatches) _matches.TryAdd((provider, model), found);
        return found;
    }

    private Entry? MatchUncached(string provider, string model)
    {
        Entry? best = null;
        var bestLength = -1;
        foreach (var entry in _llm)
        {
            if (entry.Provider != provider) continue;
            foreach (var pattern in entry.Models)
            {
                var length = pattern.EndsWith('*')
                    ? model.AsSpan().StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.OrdinalIgnoreCase) ? pattern.Length - 1 : -1
                    : string.Equals(pattern, model, StringComparison.OrdinalIgnoreCase) ? int.MaxValue : -1;
                if (length > bestLength) (best, bestLength) = (entry, length);
            }
        }
        return best;
    }

    /// <summary>The rate card's provider for any name of one (providers.json): Azure OpenAI is priced as OpenAI, Vertex AI as Gemini.</summary>
    internal static string Normalize(string provider) => Providers.ProviderIdentity.PricingId(provider);

    private sealed record Entry(string Provider, List<string> Models, List<DatedPrice> Prices)
    {
        public long? MaxOutput { get; init; }

        /// <summary>The price in force at a time: the latest that started on or before it.</summary>
        public DatedPrice? At(DateTimeOffset at)
        {
            // Called for every priced event: a loop, not a LINQ closure.
            for (var i = Prices.Count - 1; i >= 0; i--)
                if (Prices[i].From <= at) return Prices[i];
            return null;
        }
    }

    private sealed record DatedPrice(DateTimeOffset From, decimal Input, decimal? CachedInput, decimal Output, decimal PerRequest, decimal PerGb, decimal PerUnit);
}
