namespace Panoptic.Storage.Advisor;

/// <summary>One day of <c>cost_rollups_shape_day</c>: the events of a provider, model and feature that were small calls, or the others.</summary>
public sealed record ShapeRow(long Day, string Provider, string Model, string Feature, bool Small, long Events, long CostNanos, long InputTokens, long OutputTokens);

/// <summary>
/// Gateway traffic of a feature and model on one UTC day, split by whether it streamed: requests, cost, prompt tokens
/// and those the provider served from its cache, and the requests (and their cost) that named no end user.
/// </summary>
public sealed record FeatureUsageRow(long Day, string Feature, string Model, bool Stream, long Requests, long CostNanos, long InputTokens, long CachedTokens,
    long UserlessRequests, long UserlessCostNanos);

/// <summary>
/// The repeated fingerprints of one day, kind ('request' or 'prefix'), model and feature: how many distinct ones
/// (<see cref="Groups"/>), their requests, what they cost, what the first of each cost, the prompt characters a cache
/// would have served ((requests − 1) × prefix length, summed) and the cached tokens the provider already reported.
/// </summary>
public sealed record RepeatRow(long Day, string Kind, string Model, string Feature, long Groups, long Requests, long CostNanos, long FirstCostNanos,
    long RepeatedPrefixChars, long CachedTokens);

/// <summary>A cached advisor answer: when it was computed, and the JSON document.</summary>
public sealed record CachedRecommendations(DateTimeOffset ComputedAt, string Document);
