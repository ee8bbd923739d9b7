using System.Text.Json;
using System.Text.Json.Nodes;
using Panoptic.Server.Budgets;
using Panoptic.Server.Costs;
using Panoptic.Server.CostSources;
using Panoptic.Storage;
using Panoptic.Storage.Advisor;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Advisor;

/// <summary>
/// The savings advisor: reads the window's daily sums (the ledger's size-banded rollup, the gateway's per-feature
/// usage and fingerprints), the latest registry and the budgets, runs each rule, and keeps the answer for the UTC
/// day, so the dashboard and a weekly CI report ask again for nothing.
/// </summary>
internal sealed class SavingsAdvisor(PanopticStore store, WorkspaceRates rates, TimeProvider time)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DictionaryKeyPolicy = null };

    /// <summary>The day's answer for the window of <paramref name="days"/> whole days before today, computed unless already kept (or <paramref name="refresh"/>).</summary>
    public async Task<AdvisorReport> AdviseAsync(string workspaceId, int days, bool refresh, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (!refresh && await store.CachedRecommendationsAsync(workspaceId, today, days, cancellationToken) is { } cached && Read(cached.Document) is { } kept)
            return kept with { Cached = true };
        var report = await ComputeAsync(workspaceId, now, days, cancellationToken);
        await store.SaveRecommendationsAsync(workspaceId, today, days, new CachedRecommendations(now, JsonSerializer.Serialize(report, Json)), cancellationToken);
        return report;
    }

    /// <summary>A kept answer, or null when it no longer reads as one (written by another version): then it is computed again.</summary>
    private static AdvisorReport? Read(string document)
    {
        try
        {
            return JsonSerializer.Deserialize<AdvisorReport>(document, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task<AdvisorReport> ComputeAsync(string workspaceId, DateTimeOffset now, int days, CancellationToken cancellationToken)
    {
        var inputs = await LoadAsync(workspaceId, now, days, cancellationToken);
        var found = RightSizing.Find(inputs).Concat(Repeats.PromptCaching(inputs)).Concat(CacheRatios.Find(inputs)).Concat(Repeats.Duplicates(inputs)).Concat(BatchCandidates.Find(inputs))
            .Concat(RegistryGaps.Find(inputs)).Concat(BudgetRisk.Find(inputs))
            .OrderByDescending(r => r.SavingsUsd ?? -1).ThenBy(r => Recommendation.Rank(r.Kind)).ThenBy(r => r.Title, StringComparer.Ordinal).ToList();
        var notes = new List<string>();
        if (!inputs.LogsBodies && inputs.Repeats.Count == 0)
            notes.Add("Body logging is off: exact duplicates and prompt prefixes are counted only for gateway requests of workspaces that log bodies (PUT /api/v1/gateway/settings); "
                + "prompt caching is read from the cached-token share the providers report instead.");
        if (inputs.RegistryApis is null) notes.Add("No registry uploaded: idle and undeclared APIs need one (panoptic scan --upload).");
        return new AdvisorReport(inputs.From, inputs.To, days, now, found.Sum(r => r.SavingsUsd ?? 0), found, notes);
    }

    private async Task<AdvisorInputs> LoadAsync(string workspaceId, DateTimeOffset now, int days, CancellationToken cancellationToken)
    {
        var rules = AdvisorRules.Embedded;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var (from, to) = (today.AddDays(-days), today);
        var (start, end) = (Midnight(from), Midnight(to));
        var card = await rates.ForAsync(workspaceId, cancellationToken);
        var shapes = await store.ShapeRowsAsync(workspaceId, start, end, RightSizing.SmallInput, RightSizing.SmallOutput, cancellationToken);
        var features = await store.GatewayFeatureUsageAsync(workspaceId, start, end, cancellationToken);
        var repeats = await store.GatewayRepeatsAsync(workspaceId, start, end, cancellationToken);
        var logsBodies = (await store.GatewaySettingsAsync(workspaceId, cancellationToken)).LogBodies;

        var recentStart = Midnight(today.AddDays(1 - rules.Thresholds.IdleDays));
        var recent = (await store.QueryCostsAsync(new CostQuery(workspaceId, recentStart, Midnight(today.AddDays(1)), [CostDimension.Provider], null,
            new Dictionary<CostDimension, string>()), RollupTable.ModelDay, cancellationToken))
            .GroupBy(r => r.Keys[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => (g.Sum(r => r.CostNanos), g.Sum(r => r.Events)), StringComparer.Ordinal);

        var atRisk = new List<(BudgetEndpoints.BudgetView, IReadOnlyList<(string, long)>)>();
        foreach (var budget in (await store.BudgetsAsync(workspaceId, cancellationToken)).Where(b => b.IsUsd))
        {
            var view = await BudgetEndpoints.StatusAsync(store, workspaceId, budget, now, cancellationToken);
            if (view.ProjectedOverspend) atRisk.Add((view, await DriversAsync(workspaceId, budget, today, cancellationToken)));
        }
        return new AdvisorInputs(rules, card, from, to, shapes, features, repeats, logsBodies)
        {
            RegistryApis = await RegistryApisAsync(workspaceId, cancellationToken), RecentProviders = recent, AtRisk = atRisk,
        };
    }

    /// <summary>Spend per feature within the budget's scope over the last seven days through today, largest first.</summary>
    private async Task<IReadOnlyList<(string, long)>> DriversAsync(string workspaceId, Budget budget, DateOnly today, CancellationToken cancellationToken)
    {
        var filters = new Dictionary<CostDimension, string>();
        if (budget.Scope == "provider") filters[CostDimension.Provider] = budget.ScopeValue;
        if (budget.Scope == "tenant") filters[CostDimension.Tenant] = budget.ScopeValue;
        if (budget.Scope == "feature") filters[CostDimension.Feature] = budget.ScopeValue;
        var query = new CostQuery(workspaceId, Midnight(today.AddDays(-6)), Midnight(today.AddDays(1)), [CostDimension.Feature], null, filters);
        var table = RollupTable.For(query.GroupBy.Concat(filters.Keys), hourly: false)!;
        var rows = await store.QueryCostsAsync(query, table, cancellationToken);
        return [.. rows.GroupBy(r => r.Keys[0], StringComparer.Ordinal).Select(g => (g.Key, g.Sum(r => r.CostNanos))).Where(d => d.Item2 > 0)
            .OrderByDescending(d => d.Item2).ThenBy(d => d.Key, StringComparer.Ordinal)];
    }

    private async Task<IReadOnlyList<RegistryApi>?> RegistryApisAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var stored = await store.RegistryAsync(workspaceId, "latest", cancellationToken);
        if (stored?.Document is not { } document || JsonNode.Parse(document) is not JsonObject registry) return null;
        var apis = new List<RegistryApi>();
        foreach (var api in (registry["external_apis"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Text(api["id"]) is not { } id) continue;
            var evidence = (api["evidence"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
            var place = evidence is not null && Text(evidence["file"]) is { } file ? $"{file}:{evidence["line"]?.ToString() ?? "0"}" : null;
            apis.Add(new RegistryApi(id, Text(api["name"]) ?? id, ProviderNames.OfRegistryApi(id, Text(api["provider"])), place));
        }
        return apis;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
