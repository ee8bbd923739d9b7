namespace Panoptic.Storage.Ledger;

/// <summary>The rollup tables cost queries read: per hour and per day by every dimension but the user, and per day by user.</summary>
public enum RollupTable
{
    Hour,
    Day,
    UserDay,
}

/// <summary>A new event's figures, as ingestion leaves them in cost_pending for the rollup job.</summary>
internal sealed record PendingRow(string WorkspaceId, long Ts, string Provider, string Model, string Service, string Feature, string TenantId, string UserId,
    long Errors, long Unpriced, long CostNanos, long InputTokens, long OutputTokens, long Requests, double Units)
{
    public const string Columns = "workspace_id, ts, provider, model, service, feature, tenant_id, user_id, errors, unpriced, cost_nanos, input_tokens, output_tokens, requests, units";

    public static PendingRow Of(string workspaceId, LedgerEvent e) => new(workspaceId, e.Timestamp.ToUnixTimeMilliseconds(), e.Provider, e.Model, e.Service, e.Feature,
        e.TenantId, e.UserId, e.IsError ? 1 : 0, e.CostSource == CostSource.Unpriced ? 1 : 0, e.CostNanos ?? 0, e.InputTokens, e.OutputTokens, e.Requests, e.Units);

    public object[] Values() => [WorkspaceId, Ts, Provider, Model, Service, Feature, TenantId, UserId, Errors, Unpriced, CostNanos, InputTokens, OutputTokens, Requests, Units];

    public string Dimension(string column) => column switch
    {
        "provider" => Provider,
        "model" => Model,
        "service" => Service,
        "feature" => Feature,
        "tenant_id" => TenantId,
        _ => UserId,
    };
}

/// <summary>One rollup row: its table's key and the sums of the events folded into it.</summary>
internal sealed class Rollup(string workspaceId, long bucket, string[] keys)
{
    public string WorkspaceId { get; } = workspaceId;
    public long Bucket { get; } = bucket;
    public string[] Keys { get; } = keys;
    public long Events { get; private set; }
    public long Errors { get; private set; }
    public long Unpriced { get; private set; }
    public long CostNanos { get; private set; }
    public long InputTokens { get; private set; }
    public long OutputTokens { get; private set; }
    public long Requests { get; private set; }
    public double Units { get; private set; }

    public static string Name(RollupTable table) => table switch
    {
        RollupTable.Hour => "cost_rollups_hour",
        RollupTable.Day => "cost_rollups_day",
        _ => "cost_rollups_user_day",
    };

    /// <summary>The key columns after workspace and bucket.</summary>
    public static string[] Dimensions(RollupTable table) => table == RollupTable.UserDay ? UserDimensions : MainDimensions;

    public static long BucketSize(RollupTable table) => table == RollupTable.Hour ? 3_600_000L : 86_400_000L;

    private static readonly string[] MainDimensions = ["provider", "model", "service", "feature", "tenant_id"];
    private static readonly string[] UserDimensions = ["tenant_id", "user_id", "provider"];

    public static long BucketOf(long ms, long size) => ms - (((ms % size) + size) % size);

    /// <summary>
    /// The rollup rows of a set of pending rows, sorted by key: concurrent writers then lock rows in the same order, so
    /// two replicas folding overlapping rollups cannot deadlock.
    /// </summary>
    public static List<Rollup> Of(IEnumerable<PendingRow> pending, RollupTable table)
    {
        var dimensions = Dimensions(table);
        var size = BucketSize(table);
        var rows = new Dictionary<string, Rollup>(StringComparer.Ordinal);
        foreach (var p in pending)
        {
            var keys = Array.ConvertAll(dimensions, p.Dimension);
            var bucket = BucketOf(p.Ts, size);
            var id = string.Join('\u0001', [p.WorkspaceId, bucket.ToString(System.Globalization.CultureInfo.InvariantCulture), .. keys]);
            if (!rows.TryGetValue(id, out var row)) rows[id] = row = new Rollup(p.WorkspaceId, bucket, keys);
            row.Add(p);
        }
        return [.. rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value)];
    }

    private void Add(PendingRow p)
    {
        Events++;
        Errors += p.Errors;
        Unpriced += p.Unpriced;
        CostNanos += p.CostNanos;
        InputTokens += p.InputTokens;
        OutputTokens += p.OutputTokens;
        Requests += p.Requests;
        Units += p.Units;
    }

    public object[] Values() => [WorkspaceId, Bucket, .. Keys, Events, Errors, Unpriced, CostNanos, InputTokens, OutputTokens, Requests, Units];

    /// <summary>The upsert of rollup rows; the same statement in SQLite and PostgreSQL.</summary>
    public static string UpsertSql(RollupTable table, string values)
    {
        var name = Name(table);
        var dimensions = string.Join(", ", Dimensions(table));
        var sums = string.Join(",\n    ", SumColumns.Select(c => $"{c} = {name}.{c} + excluded.{c}"));
        return $"""
            INSERT INTO {name} (workspace_id, bucket, {dimensions}, events, errors, unpriced, cost_nanos, input_tokens, output_tokens, requests, units)
            {values}
            ON CONFLICT (workspace_id, bucket, {dimensions}) DO UPDATE SET
                {sums}
            """;
    }

    private static readonly string[] SumColumns = ["events", "errors", "unpriced", "cost_nanos", "input_tokens", "output_tokens", "requests", "units"];
}
