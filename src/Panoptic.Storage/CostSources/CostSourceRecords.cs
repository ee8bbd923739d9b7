namespace Panoptic.Storage.CostSources;

/// <summary>
/// Where billed figures come from: a provider's admin API (openai, anthropic), Langfuse's metrics API, or uploaded CSV
/// (kind csv, no key and no schedule). <see cref="Secret"/> is the key encrypted under the workspace's data key;
/// <see cref="Hint"/> its masked form. <see cref="PublicKey"/> is Langfuse's public key, which is not a secret.
/// </summary>
public sealed record CostSource(string WorkspaceId, string Id, string Name, string Kind, string BaseUrl, string? Secret, string? Hint, string? PublicKey,
    TimeSpan Interval, DateTimeOffset CreatedAt, DateTimeOffset NextRunAt)
{
    public DateTimeOffset? LastAttemptAt { get; init; }
    public DateTimeOffset? LastSuccessAt { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? LastErrorAt { get; init; }

    public bool IsScheduled => Kind != "csv";
}

/// <summary>One billed line of one UTC day: the ledger's provider name, the model ('' when unknown), the line item, cost and usage.</summary>
public sealed record BilledRow(DateOnly Day, string Provider, string Model, string Description, long CostNanos, long InputTokens = 0, long OutputTokens = 0, long Requests = 0);

/// <summary>Whole days a source read, with every line of each: storing it replaces those days of that source.</summary>
public sealed record BilledBatch(IReadOnlyList<DateOnly> Days, IReadOnlyList<BilledRow> Rows);

/// <summary>Billed figures summed per source kind, day, provider and model, for reconciliation.</summary>
public sealed record BilledTotal(string SourceId, string Kind, DateOnly Day, string Provider, string Model, long CostNanos, long InputTokens, long OutputTokens, long Requests);

/// <summary>The workspace's reconciliation settings: the drift that alerts (null: no alert) and whether budgets use billed figures.</summary>
public sealed record ReconciliationSettings(double? DriftPercent, double DriftMinUsd, bool BudgetsUseBilled)
{
    public static readonly ReconciliationSettings Default = new(null, 1, false);
}
