using System.Text.Json;

namespace Panoptic.Server.Advisor;

/// <summary>
/// The advisor's data (embedded advisor.json): its thresholds, which cheaper model of the same family each premium
/// model is right-sized to, and each provider's batch discount. Adding a pair or a discount is one entry, no code.
/// </summary>
internal sealed record AdvisorRules(AdvisorRules.Limits Thresholds, IReadOnlyList<AdvisorRules.Downgrade> RightSizing, IReadOnlyDictionary<string, decimal> BatchDiscounts)
{
    public sealed record Limits(decimal MinSavingsUsd, double RightSizingMinShare, long RightSizingMinCalls, long BatchMinRequests, int IdleDays,
        long CacheMinPromptTokens, long CacheRatioMinRequests);

    /// <summary>Models (exact names or prefix patterns ending in *) of a provider, and the cheaper model proposed for their small calls.</summary>
    public sealed record Downgrade(string Provider, IReadOnlyList<string> Models, string To)
    {
        public bool Matches(string provider, string model) => string.Equals(provider, Provider, StringComparison.OrdinalIgnoreCase) && Models.Any(p => p.EndsWith('*')
            ? model.StartsWith(p[..^1], StringComparison.OrdinalIgnoreCase) : string.Equals(p, model, StringComparison.OrdinalIgnoreCase));
    }

    // Before Embedded: static initializers run in order.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static AdvisorRules Embedded { get; } = Load();

    public static AdvisorRules Parse(string json) =>
        JsonSerializer.Deserialize<AdvisorRules>(json, Options) ?? throw new FormatException("advisor.json: empty");

    private static AdvisorRules Load()
    {
        using var stream = typeof(AdvisorRules).Assembly.GetManifestResourceStream("Panoptic.Server.Advisor.advisor.json")!;
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>The cheaper model for a provider's model, or null when none is listed.</summary>
    public Downgrade? DowngradeOf(string provider, string model) => RightSizing.FirstOrDefault(d => d.Matches(provider, model) && !string.Equals(d.To, model, StringComparison.OrdinalIgnoreCase));
}
