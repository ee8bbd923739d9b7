using Panoptic.Storage;
using Panoptic.Storage.CostSources;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.CostSources;

/// <summary>
/// Billed and recorded spend over UTC days [From, To), per provider, day and model (models compared without their
/// snapshot dates). A provider's billed figures come from its own API's source when it has one, else from CSV
/// uploads, else from Langfuse, so two sources never add up to one bill. A day counts as billed once a source of the
/// provider imported it and it is over (today never is); recorded spend is the ledger's, exact like every cost query.
/// </summary>
internal sealed class ReconciliationData
{
    /// <summary>Which source kinds a provider's bill is read from first.</summary>
    private static int Rank(string kind) => kind switch { "csv" => 1, "langfuse" => 2, _ => 0 };

    public sealed class Provider(string name)
    {
        public string Name { get; } = name;
        public List<string> Sources { get; } = [];
        public SortedSet<DateOnly> BilledDays { get; } = [];
        public Dictionary<(DateOnly Day, string Model), long> Billed { get; } = [];
        public Dictionary<(DateOnly Day, string Model), long> Recorded { get; } = [];
        public bool HasSource => Sources.Count > 0;
    }

    public required DateOnly From { get; init; }
    public required DateOnly To { get; init; }
    public required IReadOnlyDictionary<string, Provider> Providers { get; init; }

    public static async Task<ReconciliationData> LoadAsync(PanopticStore store, string workspaceId, DateOnly from, DateOnly to, DateOnly today, CancellationToken cancellationToken)
    {
        var providers = new Dictionary<string, Provider>(StringComparer.Ordinal);
        Provider Of(string name) => providers.TryGetValue(name, out var p) ? p : providers[name] = new Provider(name);
        var sources = (await store.CostSourcesAsync(workspaceId, cancellationToken)).ToDictionary(s => s.Id);
        var billed = await store.BilledTotalsAsync(workspaceId, from, to, cancellationToken);
        var imported = (await store.BilledDaysAsync(workspaceId, from, to, cancellationToken)).ToLookup(d => d.SourceId, d => d.Day);

        // Each provider's candidate sources: the API source of its own kind, and every source with lines for it.
        var candidates = billed.Select(b => (b.Provider, b.SourceId)).Concat(sources.Values.Where(s => s.Kind is "openai" or "anthropic").Select(s => (Provider: s.Kind, SourceId: s.Id)))
            .Distinct().GroupBy(c => c.Provider);
        var chosen = new HashSet<(string Provider, string SourceId)>();
        foreach (var group in candidates)
        {
            var best = group.Min(c => Rank(sources[c.SourceId].Kind));
            var provider = Of(group.Key);
            foreach (var (_, sourceId) in group.Where(c => Rank(sources[c.SourceId].Kind) == best).OrderBy(c => sources[c.SourceId].CreatedAt))
            {
                chosen.Add((group.Key, sourceId));
                provider.Sources.Add(sources[sourceId].Name);
                provider.BilledDays.UnionWith(imported[sourceId].Where(d => d < today));
            }
        }
        foreach (var b in billed.Where(b => chosen.Contains((b.Provider, b.SourceId)) && b.Day < today))
            Add(Of(b.Provider).Billed, (b.Day, ProviderNames.Model(b.Model)), b.CostNanos);

        var fromTime = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var toTime = new DateTimeOffset(to.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var recorded = await store.QueryCostsAsync(new CostQuery(workspaceId, fromTime, toTime, [CostDimension.Provider, CostDimension.Model], RollupGrain.Day,
            new Dictionary<CostDimension, string>()), RollupTable.ModelDay, cancellationToken);
        foreach (var r in recorded)
        {
            var day = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(r.Bucket).UtcDateTime);
            Add(Of(r.Keys[0]).Recorded, (day, ProviderNames.Model(r.Keys[1])), r.CostNanos);
        }
        return new ReconciliationData { From = from, To = to, Providers = providers };
    }

    /// <summary>
    /// Spend per day over the window, billed where a provider's bill covers the day and recorded otherwise (for
    /// budgets that use billed figures); <paramref name="provider"/> limits it to one provider.
    /// </summary>
    public Dictionary<DateOnly, decimal> Daily(string? provider)
    {
        var daily = new Dictionary<DateOnly, decimal>();
        foreach (var p in Providers.Values.Where(p => provider is null || p.Name == provider))
        {
            foreach (var ((day, _), nanos) in p.Recorded.Where(r => !p.BilledDays.Contains(r.Key.Day))) daily[day] = daily.GetValueOrDefault(day) + Nanos.ToUsd(nanos);
            foreach (var ((day, _), nanos) in p.Billed.Where(b => p.BilledDays.Contains(b.Key.Day))) daily[day] = daily.GetValueOrDefault(day) + Nanos.ToUsd(nanos);
        }
        return daily;
    }

    private static void Add(Dictionary<(DateOnly, string), long> sums, (DateOnly, string) key, long nanos) => sums[key] = sums.GetValueOrDefault(key) + nanos;
}
