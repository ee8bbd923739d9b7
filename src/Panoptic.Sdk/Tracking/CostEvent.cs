using System.Diagnostics;
using Panoptic.Sdk.Context;
using Panoptic.Sdk.Pricing;

namespace Panoptic.Sdk.Tracking;

/// <summary>
/// One tracked operation as the SDK exports it: the server's cost event (docs/server.md), with the context it ran in.
/// The id is generated once, so a retried export never double-counts at the server.
/// </summary>
public sealed record CostEvent
{
    /// <summary>Unique per operation (time-ordered); the server ignores an id it already has. Sent as 32 hex digits.</summary>
    public required Guid Id { get; init; }
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
    /// <summary>Time spent in the tracked work itself (the delegate, the block, the HTTP call), in milliseconds.</summary>
    public double? ExecutionMs { get; init; }
    /// <summary>Time the SDK itself added (context capture, pricing, queueing), in milliseconds: total minus execution.</summary>
    public double? OverheadMs { get; init; }
    /// <summary>Whether it threw or was marked failed.</summary>
    public bool Failed { get; init; }
    /// <summary>The exception's type, when it failed.</summary>
    public string? ErrorType { get; init; }
    /// <summary>The exception's message (at most 500 characters), when it failed.</summary>
    public string? ErrorMessage { get; init; }
    /// <summary>The trace of the Activity current when it ran (default when there was none).</summary>
    public ActivityTraceId TraceId { get; init; }
    /// <summary>The span of the Activity current when it ran (default when there was none).</summary>
    public ActivitySpanId SpanId { get; init; }
    /// <summary>The share of such events the sampler kept (1 when not sampled); a kept event stands for 1/rate events.</summary>
    public double SampleRate { get; init; } = 1;
    /// <summary>True when the usage was estimated (a stream without a usage chunk, or one the caller abandoned).</summary>
    public bool UsageEstimated { get; init; }

    /// <summary>
    /// The attributes a transport sends: the context's attributes, plan and request id, the event's own attributes on
    /// top, and the sampler's rate and the estimated-usage mark when they apply.
    /// </summary>
    public Dictionary<string, object?> AllAttributes()
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in Context.Attributes ?? Empty) attributes[key] = value;
        if (Context.Plan is { } plan) attributes[PanopticContext.PlanKey] = plan;
        if (Context.RequestId is { } request) attributes[PanopticContext.RequestKey] = request;
        foreach (var (key, value) in Attributes ?? Empty) attributes[key] = value;
        if (SampleRate < 1) attributes["sample_rate"] = SampleRate;
        if (UsageEstimated) attributes["usage_estimated"] = true;
        return attributes;
    }

    private static readonly Dictionary<string, object?> Empty = [];
}
