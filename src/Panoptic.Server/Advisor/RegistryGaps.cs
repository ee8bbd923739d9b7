using System.Globalization;

namespace Panoptic.Server.Advisor;

/// <summary>
/// The registry against the ledger: external APIs the code declares that no event of the last 30 days touched (a
/// subscription to cancel, or dead code), and providers the ledger pays that the registry does not list.
/// </summary>
internal static class RegistryGaps
{
    // Operations the SDK records without a provider bill (the ASP.NET middleware's requests).
    private static readonly HashSet<string> Internal = new(StringComparer.Ordinal) { "http.server", "" };

    public static IEnumerable<Recommendation> Find(AdvisorInputs inputs)
    {
        if (inputs.RegistryApis is not { } apis) yield break;
        var days = inputs.Rules.Thresholds.IdleDays;
        foreach (var api in apis.OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            if (inputs.RecentProviders.TryGetValue(api.Provider, out var seen) && seen.Events > 0) continue;
            yield return new Recommendation(Recommendation.IdleApi, $"{api.Name} is declared but idle",
                string.Create(CultureInfo.InvariantCulture, $"The registry lists {api.Name} ({api.Id}), but no call to {api.Provider} was recorded in the last {days} days: "
                    + $"cancel its plan or remove the code that still references it."),
                null, null, null, new Dictionary<string, object?> { ["registry_id"] = api.Id, ["idle_days"] = days, ["evidence"] = api.Evidence })
            { Provider = api.Provider };
        }
        var declared = apis.Select(a => a.Provider).ToHashSet(StringComparer.Ordinal);
        foreach (var (provider, (cost, events)) in inputs.RecentProviders.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (declared.Contains(provider) || Internal.Contains(provider) || cost <= 0) continue;
            yield return new Recommendation(Recommendation.UndeclaredSpend, $"Spend on {provider}, which the registry does not list",
                string.Create(CultureInfo.InvariantCulture, $"${Recommendation.Usd(cost):N2} over {events:N0} events went to {provider} in the last {days} days, "
                    + $"but the latest registry declares no external API of it: scan the code that calls it, or find who does."),
                null, Recommendation.Usd(cost), null, new Dictionary<string, object?> { ["events"] = events, ["days"] = days })
            { Provider = provider };
        }
    }
}
