namespace Panoptic.Storage.Ledger;

/// <summary>
/// One validated, priced cost event as the ledger stores it. Missing dimensions are empty strings, so rollups can key
/// on them; money is in nano-dollars (1e-9 USD), exact under summation.
/// </summary>
public sealed record LedgerEvent
{
    public required string Id { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public required string Provider { get; init; }
    public string Service { get; init; } = "";
    public string Model { get; init; } = "";
    public string Operation { get; init; } = "";
    public string TenantId { get; init; } = "";
    public string UserId { get; init; } = "";
    public string Feature { get; init; } = "";
    /// <summary>Free attributes as a JSON object, or null.</summary>
    public string? Attributes { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CachedInputTokens { get; init; }
    public long ReasoningTokens { get; init; }
    public long Requests { get; init; }
    public long Bytes { get; init; }
    public double Units { get; init; }
    /// <summary>Null when the event could not be priced (an unknown model): never silently zero.</summary>
    public long? CostNanos { get; init; }
    public required CostSource CostSource { get; init; }
    /// <summary>The rate card version that priced the event, when the rate card did.</summary>
    public string? RateCard { get; init; }
    public double? TotalMs { get; init; }
    public double? ExecutionMs { get; init; }
    public double? OverheadMs { get; init; }
    public string Status { get; init; } = "ok";
    public string? Error { get; init; }
    public string? TraceId { get; init; }
    public string? SpanId { get; init; }

    public bool IsError => Status != "ok";
}

/// <summary>Where an event's cost came from.</summary>
public enum CostSource
{
    /// <summary>The caller sent the cost; it wins over any computed one.</summary>
    Caller,
    /// <summary>Computed from usage with the rate card.</summary>
    RateCard,
    /// <summary>Usage with no price known (an unknown model): flagged, not counted as zero.</summary>
    Unpriced,
    /// <summary>No usage and no cost: an event that records an operation, not spend.</summary>
    None,
}
