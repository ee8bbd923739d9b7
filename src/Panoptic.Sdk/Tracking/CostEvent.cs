using Panoptic.Sdk.Context;
using Panoptic.Sdk.Pricing;

namespace Panoptic.Sdk.Tracking;

/// <summary>
/// One tracked operation as the SDK exports it: the server's cost event (docs/server.md), with the context it ran in.
/// The id is generated once, so a retried export never double-counts at the server.
/// </summary>
public sealed record CostEvent
{
    /// <summary>Unique per operation; the server ignores an id it already has.</summary>
    public required string Id { get; init; }
    /// <summary>When the operation ended.</summary>
    public required DateTimeOffset Timestamp { get; init; }
    /// <summary>The provider billed (openai, stripe, ...).</summary>
    public required string Provider { get; init; }
    /// <summary>The application service that ran it.</summary>
    public string? Service { get; init; }
    /// <summary>The model or resource used.</summary>
    public string? Model { get; init; }
    /// <summary>What was done (chat, embeddings, send_email).</summary>
    public string? Operation { get; init; }
    /// <summary>The context it ran in: tenant, user, plan, feature, request, attributes.</summary>
    public ContextValues Context { get; init; } = ContextValues.Empty;
    /// <summary>The operation's own attributes (they win over the context's).</summary>
    public IReadOnlyDictionary<string, object?>? Attributes { get; init; }
    /// <summary>What it consumed.</summary>
    public Usage? Usage { get; init; }
    /// <summary>The cost in US dollars when the caller knows it, or the rate card priced the usage; null otherwise (the server prices or flags it).</summary>
    public decimal? CostUsd { get; init; }
    /// <summary>The rate card version that priced it, when the SDK priced it.</summary>
    public string? RateCardVersion { get; init; }
    /// <summary>Wall time of the operation, in milliseconds.</summary>
    public double TotalMs { get; init; }
    /// <summary>Time spent in the provider, when known.</summary>
    public double? ExecutionMs { get; init; }
    /// <summary>Time spent around the provider call, when known.</summary>
    public double? OverheadMs { get; init; }
    /// <summary>Whether it threw or was marked failed.</summary>
    public bool Failed { get; init; }
    /// <summary>The exception's type, when it failed.</summary>
    public string? ErrorType { get; init; }
    /// <summary>The exception's message (at most 500 characters), when it failed.</summary>
    public string? ErrorMessage { get; init; }
    /// <summary>The trace of the Activity current when it ran.</summary>
    public string? TraceId { get; init; }
    /// <summary>The span of the Activity current when it ran.</summary>
    public string? SpanId { get; init; }
}
