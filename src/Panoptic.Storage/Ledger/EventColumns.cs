namespace Panoptic.Storage.Ledger;

/// <summary>The cost_events columns in insert order, and their values for one event: one list for both stores.</summary>
internal static class EventColumns
{
    public static readonly string[] Names =
    [
        "workspace_id", "id", "ts", "received_at", "provider", "service", "model", "operation", "tenant_id", "user_id", "feature", "attributes",
        "input_tokens", "output_tokens", "cached_input_tokens", "reasoning_tokens", "requests", "bytes", "units", "cost_nanos", "cost_source", "rate_card",
        "total_ms", "execution_ms", "overhead_ms", "status", "error", "trace_id", "span_id",
    ];

    public static object?[] Values(string workspaceId, LedgerEvent e, long receivedAt) =>
    [
        workspaceId, e.Id, e.Timestamp.ToUnixTimeMilliseconds(), receivedAt, e.Provider, e.Service, e.Model, e.Operation, e.TenantId, e.UserId, e.Feature, e.Attributes,
        e.InputTokens, e.OutputTokens, e.CachedInputTokens, e.ReasoningTokens, e.Requests, e.Bytes, e.Units, e.CostNanos, Source(e.CostSource), e.RateCard,
        e.TotalMs, e.ExecutionMs, e.OverheadMs, e.Status, e.Error, e.TraceId, e.SpanId,
    ];

    public static string Source(CostSource source) => source switch
    {
        CostSource.Caller => "caller",
        CostSource.RateCard => "rate_card",
        CostSource.Unpriced => "unpriced",
        _ => "none",
    };
}
