using System.Globalization;
using Panoptic.Sdk.Pricing;

namespace Panoptic.Server.Advisor;

/// <summary>
/// What the gateway's fingerprints (workspaces that log bodies) show repeated within a UTC day, per model and feature:
/// exact duplicates a response cache would have answered, and long prompt prefixes a provider's prompt cache would
/// have served at its cached-input price.
/// </summary>
internal static class Repeats
{
    /// <summary>Characters of prompt per token, for prefixes measured in characters.</summary>
    public const int CharsPerToken = 4;

    public static IEnumerable<Recommendation> Duplicates(AdvisorInputs inputs)
    {
        foreach (var group in inputs.Repeats.Where(r => r.Kind == "request").GroupBy(r => (r.Model, r.Feature)).OrderBy(g => g.Key))
        {
            var (model, feature) = group.Key;
            var current = group.Sum(r => r.CostNanos);
            var proposed = group.Sum(r => r.FirstCostNanos);
            var savings = Recommendation.Usd(current - proposed);
            if (savings < inputs.Rules.Thresholds.MinSavingsUsd) continue;
            var requests = group.Sum(r => r.Requests);
            var distinct = group.Sum(r => r.Groups);
            var where = feature.Length > 0 ? $" in feature '{feature}'" : "";
            yield return new Recommendation(Recommendation.ExactDuplicates, $"Cache responses of repeated {model} requests{where}",
                string.Create(CultureInfo.InvariantCulture,
                    $"{requests - distinct:N0} {model} requests{where} repeated one of {distinct:N0} identical requests the same day; a response cache "
                    + $"would have paid ${Recommendation.Usd(proposed):N2} instead of ${Recommendation.Usd(current):N2}."),
                savings, Recommendation.Usd(current), Recommendation.Usd(proposed), new Dictionary<string, object?>
                {
                    ["repeated_requests"] = requests - distinct, ["distinct_requests"] = distinct, ["requests"] = requests, ["window"] = "one UTC day",
                })
            { Provider = inputs.ProviderOf(model), Model = model, Feature = feature };
        }
    }

    public static IEnumerable<Recommendation> PromptCaching(AdvisorInputs inputs)
    {
        foreach (var group in inputs.Repeats.Where(r => r.Kind == "prefix").GroupBy(r => (r.Model, r.Feature)).OrderBy(g => g.Key))
        {
            var (model, feature) = group.Key;
            var provider = inputs.ProviderOf(model);
            decimal savings = 0, current = 0;
            long tokens = 0;
            var priced = true;
            foreach (var day in group)
            {
                // The tokens a cache would have served, less what the provider already served from its cache.
                var cacheable = Math.Max(0, day.RepeatedPrefixChars / CharsPerToken - day.CachedTokens);
                var at = AdvisorInputs.Midnight(day.Day);
                var full = inputs.Card.Price(provider, model, new Usage { InputTokens = cacheable }, at);
                var cached = inputs.Card.Price(provider, model, new Usage { InputTokens = cacheable, CachedInputTokens = cacheable }, at);
                if (full is null || cached is null)
                {
                    priced = false;
                    break;
                }
                tokens += cacheable;
                current += full.Value;
                savings += full.Value - cached.Value;
            }
            var rounded = Recommendation.Usd(savings);
            if (!priced || rounded < inputs.Rules.Thresholds.MinSavingsUsd) continue;
            var requests = group.Sum(r => r.Requests);
            var distinct = group.Sum(r => r.Groups);
            var where = feature.Length > 0 ? $" in feature '{feature}'" : "";
            yield return new Recommendation(Recommendation.PromptCaching, $"Cache the repeated prompt prefixes of {model}{where}",
                string.Create(CultureInfo.InvariantCulture,
                    $"{requests:N0} {model} requests{where} began with one of {distinct:N0} long prompt prefixes seen again the same day; "
                    + $"{tokens:N0} prompt tokens were paid at the full input price (${Recommendation.Usd(current):N2}) that the cached-input price would make "
                    + $"${Recommendation.Usd(current - savings):N2}."),
                rounded, Recommendation.Usd(current), Recommendation.Usd(current - savings), new Dictionary<string, object?>
                {
                    ["requests"] = requests, ["distinct_prefixes"] = distinct, ["cacheable_tokens"] = tokens,
                    ["already_cached_tokens"] = group.Sum(r => r.CachedTokens), ["chars_per_token"] = CharsPerToken, ["rate_card"] = inputs.Card.Version,
                })
            { Provider = provider, Model = model, Feature = feature };
        }
    }
}
