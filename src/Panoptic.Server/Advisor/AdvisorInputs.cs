using Panoptic.Sdk.Pricing;
using Panoptic.Server.Budgets;
using Panoptic.Storage.Advisor;

namespace Panoptic.Server.Advisor;

/// <summary>Everything the rules read, loaded once per computation: the window's daily sums, the registry and the budgets.</summary>
internal sealed record AdvisorInputs(AdvisorRules Rules, RateCard Card, DateOnly From, DateOnly To, IReadOnlyList<ShapeRow> Shapes, IReadOnlyList<FeatureUsageRow> FeatureUsage,
    IReadOnlyList<RepeatRow> Repeats, bool LogsBodies)
{
    /// <summary>The registry's external APIs (null when the workspace has uploaded no registry).</summary>
    public IReadOnlyList<RegistryApi>? RegistryApis { get; init; }

    /// <summary>Spend and events per provider over the last <see cref="AdvisorRules.Limits.IdleDays"/> days through today.</summary>
    public IReadOnlyDictionary<string, (long CostNanos, long Events)> RecentProviders { get; init; } = new Dictionary<string, (long, long)>();

    /// <summary>Budgets projected to exceed their amount, with the features that spent the most of their scope in the last seven days.</summary>
    public IReadOnlyList<(BudgetEndpoints.BudgetView Budget, IReadOnlyList<(string Feature, long CostNanos)> Drivers)> AtRisk { get; init; } = [];

    /// <summary>The provider the ledger prices a model under (from the window's events), else the one its name says.</summary>
    public string ProviderOf(string model) =>
        Shapes.FirstOrDefault(s => string.Equals(s.Model, model, StringComparison.Ordinal))?.Provider ?? CostSources.ProviderNames.ProviderOfModel(model);

    public static DateTimeOffset Midnight(long dayMs) => DateTimeOffset.FromUnixTimeMilliseconds(dayMs);
}

/// <summary>An external API of the registry: its id, name, the provider it bills under and the first piece of evidence.</summary>
internal sealed record RegistryApi(string Id, string Name, string Provider, string? Evidence);
