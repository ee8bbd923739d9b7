using System.Globalization;
using Panoptic.Sdk.Pricing;
using Panoptic.Storage.Advisor;

namespace Panoptic.Server.Advisor;

/// <summary>
/// Prompt caching read from the share of prompt tokens the provider served from its cache, for gateway traffic whose
/// bodies are not logged (no prefix fingerprints). A model and feature whose best day had a share of its prompt cached
/// has a prefix that repeats; the days below that share paid full price for the difference, which a cache kept warm
/// (steady traffic, the stable part of the prompt first, an explicit cache breakpoint) would have served. A model and
/// feature with long prompts and nothing ever cached shows no such figure: it gets advice without a saving and the
/// upper bound in its evidence.
/// </summary>
internal static class CacheRatios
{
    public static IEnumerable<Recommendation> Find(AdvisorInputs inputs)
    {
        var fingerprinted = inputs.Repeats.Where(r => r.Kind == "prefix").Select(r => (r.Model, r.Feature)).ToHashSet();
        var limits = inputs.Rules.Thresholds;
        foreach (var group in inputs.FeatureUsage.GroupBy(u => (u.Model, u.Feature)).Where(g => !fingerprinted.Contains(g.Key)).OrderBy(g => g.Key))
        {
            var (model, feature) = group.Key;
            var provider = inputs.ProviderOf(model);
            // Days with enough long-prompt traffic to read a share from; streamed or not makes no difference to a cache.
            var days = group.GroupBy(u => u.Day).Select(d => new Day(d.Key, d.Sum(u => u.Requests), d.Sum(u => u.InputTokens), d.Sum(u => u.CachedTokens)))
                .Where(d => d.Requests >= limits.CacheRatioMinRequests && d.InputTokens >= d.Requests * limits.CacheMinPromptTokens).OrderBy(d => d.At).ToList();
            if (days.Count == 0) continue;
            var where = feature.Length > 0 ? $" in feature '{feature}'" : "";
            var best = days.MaxBy(d => d.Share)!;
            if (best.Share <= 0)
            {
                if (NeverCached(inputs, provider, model, where, feature, days) is { } advice) yield return advice;
                continue;
            }
            long tokens = 0;
            decimal current = 0, proposed = 0;
            var priced = true;
            foreach (var day in days)
            {
                var missed = (long)Math.Floor((best.Share - day.Share) * day.InputTokens);
                if (missed <= 0) continue;
                if (Prices(inputs, provider, model, missed, day.At) is not { } price)
                {
                    priced = false;
                    break;
                }
                tokens += missed;
                current += price.Full;
                proposed += price.Cached;
            }
            var savings = Recommendation.Usd(current - proposed);
            if (!priced || savings < limits.MinSavingsUsd) continue;
            yield return new Recommendation(Recommendation.PromptCaching, $"Keep the prompt cache of {model}{where} warm",
                string.Create(CultureInfo.InvariantCulture,
                    $"On its best day the provider served {best.Share:P0} of the {model} prompt tokens{where} from its cache; on other days less, and "
                    + $"{tokens:N0} prompt tokens it could have served were paid at the full input price (${Recommendation.Usd(current):N2}) instead of "
                    + $"the cached-input price (${Recommendation.Usd(proposed):N2})."),
                savings, Recommendation.Usd(current), Recommendation.Usd(proposed), new Dictionary<string, object?>
                {
                    ["source"] = "cached_tokens", ["best_day"] = Date(best.At), ["best_cached_share"] = Math.Round(best.Share, 4), ["days"] = days.Count,
                    ["requests"] = days.Sum(d => d.Requests), ["prompt_tokens"] = days.Sum(d => d.InputTokens), ["cached_tokens"] = days.Sum(d => d.CachedTokens),
                    ["cacheable_tokens"] = tokens, ["rate_card"] = inputs.Card.Version,
                })
            { Provider = provider, Model = model, Feature = feature };
        }
    }

    /// <summary>Long prompts the provider never served from its cache: advice without a saving, the most caching could save as its evidence.</summary>
    private static Recommendation? NeverCached(AdvisorInputs inputs, string provider, string model, string where, string feature, List<Day> days)
    {
        decimal full = 0, cached = 0;
        foreach (var day in days)
        {
            if (Prices(inputs, provider, model, day.InputTokens, day.At) is not { } price) return null;
            full += price.Full;
            cached += price.Cached;
        }
        var most = Recommendation.Usd(full - cached);
        if (most < inputs.Rules.Thresholds.MinSavingsUsd) return null;
        long requests = days.Sum(d => d.Requests), prompt = days.Sum(d => d.InputTokens);
        return new Recommendation(Recommendation.PromptCaching, $"Try prompt caching on {model}{where}",
            string.Create(CultureInfo.InvariantCulture,
                $"{requests:N0} {model} requests{where} sent prompts of {prompt / requests:N0} tokens on average and the provider served none from its cache; "
                + $"if they share a prefix, caching it saves part of ${Recommendation.Usd(full):N2} of prompt spend (at most ${most:N2}). Log bodies to measure the prefix."),
            null, Recommendation.Usd(full), null, new Dictionary<string, object?>
            {
                ["source"] = "cached_tokens", ["requests"] = requests, ["prompt_tokens"] = prompt, ["cached_tokens"] = 0L, ["days"] = days.Count,
                ["max_savings_usd"] = most, ["rate_card"] = inputs.Card.Version,
            })
        { Provider = provider, Model = model, Feature = feature };
    }

    /// <summary>What <paramref name="tokens"/> prompt tokens cost at the full and at the cached-input price, or null when unpriced or without a cached price.</summary>
    private static (decimal Full, decimal Cached)? Prices(AdvisorInputs inputs, string provider, string model, long tokens, long day)
    {
        var at = AdvisorInputs.Midnight(day);
        var full = inputs.Card.Price(provider, model, new Usage { InputTokens = tokens }, at);
        var cached = inputs.Card.Price(provider, model, new Usage { InputTokens = tokens, CachedInputTokens = tokens }, at);
        return full is { } f && cached is { } c && c < f ? (f, c) : null;
    }

    private static string Date(long day) => DateOnly.FromDateTime(AdvisorInputs.Midnight(day).UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record Day(long At, long Requests, long InputTokens, long CachedTokens)
    {
        public double Share => InputTokens == 0 ? 0 : Math.Min(1, (double)CachedTokens / InputTokens);
    }
}
