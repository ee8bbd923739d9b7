using Panoptic.Storage.Ledger;
using System.Globalization;

namespace Panoptic.Server.Advisor;

/// <summary>
/// Gateway calls no one waited for: those of features that never streamed over the window, made without an end user
/// (no <c>x-panoptic-user</c> header and no <c>user</c> field, as a worker's or a scheduled job's calls are), priced at
/// each provider's batch discount (advisor.json). A call that names its user is taken as one a person waits for, and
/// is left out even when its feature never streams.
/// </summary>
internal static class BatchCandidates
{
    public static IEnumerable<Recommendation> Find(AdvisorInputs inputs)
    {
        foreach (var feature in inputs.FeatureUsage.Where(u => u.Feature.Length > 0).GroupBy(u => u.Feature).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (feature.Any(u => u.Stream && u.Requests > 0)) continue;
            long requests = 0, withUser = 0, cost = 0;
            decimal savings = 0;
            var models = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var usage in feature)
            {
                if (!inputs.Rules.BatchDiscounts.TryGetValue(inputs.ProviderOf(usage.Model), out var discount)) continue;
                requests += usage.UserlessRequests;
                withUser += usage.Requests - usage.UserlessRequests;
                cost += usage.UserlessCostNanos;
                savings += Nanos.ToUsd(usage.UserlessCostNanos) * discount;
                if (usage.UserlessRequests > 0) models.Add(usage.Model);
            }
            var rounded = Recommendation.Usd(savings);
            if (requests < inputs.Rules.Thresholds.BatchMinRequests || rounded < inputs.Rules.Thresholds.MinSavingsUsd) continue;
            var current = Nanos.ToUsd(cost);
            var users = withUser > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({withUser:N0} calls that named an end user are left out)") : "";
            yield return new Recommendation(Recommendation.Batch, $"Send feature '{feature.Key}' through the batch API",
                string.Create(CultureInfo.InvariantCulture,
                    $"None of the gateway calls of feature '{feature.Key}' streamed, and {requests:N0} named no end user, as a worker's do{users}; at the batch "
                    + $"discount those would have cost ${Recommendation.Usd(current - savings):N2} instead of ${Recommendation.Usd(current):N2}."),
                rounded, Recommendation.Usd(current), Recommendation.Usd(current - savings), new Dictionary<string, object?>
                {
                    ["requests"] = requests, ["streamed_requests"] = 0, ["requests_with_end_user"] = withUser, ["models"] = models.ToList(),
                })
            { Feature = feature.Key, Model = models.Count == 1 ? models.Min : null };
        }
    }
}
