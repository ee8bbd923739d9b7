using System.Globalization;

namespace Panoptic.Server.Advisor;

/// <summary>
/// Features whose gateway calls never streamed over the window — nobody watched the answer arrive, so the calls can
/// wait for a provider's batch API — at each provider's batch discount (advisor.json).
/// </summary>
internal static class BatchCandidates
{
    public static IEnumerable<Recommendation> Find(AdvisorInputs inputs)
    {
        foreach (var feature in inputs.FeatureUsage.Where(u => u.Feature.Length > 0).GroupBy(u => u.Feature).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (feature.Any(u => u.Stream && u.Requests > 0)) continue;
            long requests = 0, cost = 0;
            decimal savings = 0;
            var models = new List<string>();
            foreach (var usage in feature)
            {
                if (!inputs.Rules.BatchDiscounts.TryGetValue(inputs.ProviderOf(usage.Model), out var discount)) continue;
                requests += usage.Requests;
                cost += usage.CostNanos;
                savings += usage.CostNanos / 1_000_000_000m * discount;
                models.Add(usage.Model);
            }
            var rounded = Recommendation.Usd(savings);
            if (requests < inputs.Rules.Thresholds.BatchMinRequests || rounded < inputs.Rules.Thresholds.MinSavingsUsd) continue;
            var current = cost / 1_000_000_000m;
            yield return new Recommendation(Recommendation.Batch, $"Send feature '{feature.Key}' through the batch API",
                string.Create(CultureInfo.InvariantCulture,
                    $"None of the {requests:N0} gateway calls of feature '{feature.Key}' streamed; at the batch discount they would have cost "
                    + $"${Recommendation.Usd(current - savings):N2} instead of ${Recommendation.Usd(current):N2}."),
                rounded, Recommendation.Usd(current), Recommendation.Usd(current - savings), new Dictionary<string, object?>
                {
                    ["requests"] = requests, ["streamed_requests"] = 0, ["models"] = models.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                })
            { Feature = feature.Key, Model = models.Count == 1 ? models[0] : null };
        }
    }
}
