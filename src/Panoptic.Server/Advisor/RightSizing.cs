using System.Globalization;
using Panoptic.Sdk.Pricing;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Advisor;

/// <summary>
/// Premium-model calls whose prompt is under 4,000 tokens and whose answer is under 100 tokens, per provider, model
/// and feature: what they cost, and what the same tokens cost on the cheaper model of the family (advisor.json)
/// priced by the workspace's card on each day.
/// </summary>
internal static class RightSizing
{
    public static IEnumerable<Recommendation> Find(AdvisorInputs inputs)
    {
        var limits = inputs.Rules.Thresholds;
        foreach (var group in inputs.Shapes.GroupBy(s => (s.Provider, s.Model, s.Feature)).OrderBy(g => g.Key))
        {
            var (provider, model, feature) = group.Key;
            if (inputs.Rules.DowngradeOf(provider, model) is not { } downgrade || !inputs.Card.Knows(provider, downgrade.To)) continue;
            var calls = group.Sum(s => s.Events);
            var small = group.Where(s => s.Small).ToList();
            var smallCalls = small.Sum(s => s.Events);
            if (calls == 0 || smallCalls < limits.RightSizingMinCalls || (double)smallCalls / calls < limits.RightSizingMinShare) continue;
            var current = Nanos.ToUsd(small.Sum(s => s.CostNanos));
            decimal proposed = 0;
            var priced = true;
            foreach (var s in small)
            {
                var usage = new Usage { InputTokens = s.InputTokens, OutputTokens = s.OutputTokens };
                if (inputs.Card.Price(provider, downgrade.To, usage, AdvisorInputs.Midnight(s.Day)) is { } usd) proposed += usd;
                else priced = false;
            }
            if (!priced) continue;
            var savings = Recommendation.Usd(current - proposed);
            if (savings < limits.MinSavingsUsd) continue;
            var share = (double)smallCalls / calls;
            var where = feature.Length > 0 ? $" in feature '{feature}'" : " without a feature";
            yield return new Recommendation(Recommendation.RightSizing, $"Move small {model} calls{where} to {downgrade.To}",
                string.Create(CultureInfo.InvariantCulture,
                    $"{share * 100:0} % of {model} calls{where} ({smallCalls:N0} of {calls:N0}) have under 100 output tokens and prompts under 4,000 tokens; "
                    + $"the same calls on {downgrade.To} would have cost ${Recommendation.Usd(proposed):N2} instead of ${Recommendation.Usd(current):N2}."),
                savings, Recommendation.Usd(current), Recommendation.Usd(proposed), new Dictionary<string, object?>
                {
                    ["calls"] = calls, ["small_calls"] = smallCalls, ["small_share"] = Math.Round(share, 4),
                    ["small_input_tokens"] = small.Sum(s => s.InputTokens), ["small_output_tokens"] = small.Sum(s => s.OutputTokens),
                    ["proposed_model"] = downgrade.To, ["rate_card"] = inputs.Card.Version,
                })
            { Provider = provider, Model = model, Feature = feature };
        }
    }

    /// <summary>Small: an answer under 100 tokens and a prompt under 4,000 (the two lower input bands).</summary>
    public static readonly string[] SmallInput = [SizeBands.InputUnder1000, SizeBands.InputUnder4000], SmallOutput = [SizeBands.OutputUnder100];
}
