namespace Panoptic.Storage.Ledger;

/// <summary>
/// One rollup table: its dimensions and its time grain. Narrow tables (model, feature, tenant; per hour and per day)
/// answer most questions from a few hundred rows a month; the wide day table answers questions that combine
/// dimensions; the user table answers who spends. <see cref="For"/> picks the narrowest table that can answer.
/// </summary>
public sealed record RollupTable(string Name, IReadOnlyList<string> Dimensions, RollupGrain Grain)
{
    public static readonly RollupTable ModelHour = new("cost_rollups_model_hour", ["provider", "model"], RollupGrain.Hour);
    public static readonly RollupTable ModelDay = new("cost_rollups_model_day", ["provider", "model"], RollupGrain.Day);
    public static readonly RollupTable FeatureHour = new("cost_rollups_feature_hour", ["service", "feature"], RollupGrain.Hour);
    public static readonly RollupTable FeatureDay = new("cost_rollups_feature_day", ["service", "feature"], RollupGrain.Day);
    public static readonly RollupTable TenantHour = new("cost_rollups_tenant_hour", ["tenant_id"], RollupGrain.Hour);
    public static readonly RollupTable TenantDay = new("cost_rollups_tenant_day", ["tenant_id"], RollupGrain.Day);
    public static readonly RollupTable WideDay = new("cost_rollups_wide_day", ["provider", "model", "service", "feature", "tenant_id"], RollupGrain.Day);
    public static readonly RollupTable UserDay = new("cost_rollups_user_day", ["tenant_id", "user_id", "provider"], RollupGrain.Day);

    /// <summary>Per day by provider, model, feature and the size bands of prompt and answer (<see cref="SizeBands"/>): the savings advisor's table.</summary>
    public static readonly RollupTable ShapeDay = new("cost_rollups_shape_day", ["provider", "model", "feature", "input_band", "output_band"], RollupGrain.Day);

    /// <summary>The tables cost queries choose from (<see cref="For"/>).</summary>
    public static IReadOnlyList<RollupTable> All { get; } = [ModelHour, ModelDay, FeatureHour, FeatureDay, TenantHour, TenantDay, WideDay, UserDay];

    /// <summary>Every table the rollup job folds events into: <see cref="All"/> and the advisor's <see cref="ShapeDay"/>.</summary>
    public static IReadOnlyList<RollupTable> Folded { get; } = [.. All, ShapeDay];

    public long BucketSize => Grain == RollupGrain.Hour ? 3_600_000L : 86_400_000L;

    /// <summary>
    /// The table with the fewest dimensions that has every one in <paramref name="dimensions"/>, at day grain when
    /// <paramref name="hourly"/> is false and one exists, else at hour grain; null when no table combines them.
    /// </summary>
    public static RollupTable? For(IEnumerable<CostDimension> dimensions, bool hourly)
    {
        var columns = dimensions.Select(CostDimensions.Column).ToHashSet(StringComparer.Ordinal);
        return All.Where(t => columns.IsSubsetOf(t.Dimensions) && (!hourly || t.Grain == RollupGrain.Hour))
            .OrderBy(t => t.Dimensions.Count).ThenBy(t => t.Grain == RollupGrain.Day ? 0 : 1).FirstOrDefault();
    }
}

/// <summary>A new event's figures, as ingestion leaves them in cost_pending for the rollup job.</summary>
internal sealed record PendingRow(string WorkspaceId, long Ts, string Provider, string Model, string Service, string Feature, string TenantId, string UserId,
    long Errors, long Unpriced, long CostNanos, long InputTokens, long OutputTokens, long Requests, double Units)
{
    public const string Columns = "workspace_id, ts, provider, model, service, feature, tenant_id, user_id, errors, unpriced, cost_nanos, input_tokens, output_tokens, requests, units";

    public static PendingRow Of(string workspaceId, LedgerEvent e) => new(workspaceId, e.Timestamp.ToUnixTimeMilliseconds(), e.Provider, e.Model, e.Service, e.Feature,
        e.TenantId, e.UserId, e.IsError ? 1 : 0, e.CostSource == CostSource.Unpriced ? 1 : 0, e.CostNanos ?? 0, e.InputTokens, e.OutputTokens, e.Requests, e.Units);

    public object[] Values() => [WorkspaceId, Ts, Provider, Model, Service, Feature, TenantId, UserId, Errors, Unpriced, CostNanos, InputTokens, OutputTokens, Requests, Units];

    /// <summary>A row read back in <see cref="Columns"/> order, from either store.</summary>
    public static PendingRow Read(System.Data.Common.DbDataReader r) => new(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        r.GetString(6), r.GetString(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12), r.GetInt64(13), r.GetDouble(14));

    public string Dimension(string column) => column switch
    {
        "provider" => Provider,
        "model" => Model,
        "service" => Service,
        "feature" => Feature,
        "tenant_id" => TenantId,
        "input_band" => SizeBands.Input(InputTokens),
        "output_band" => SizeBands.Output(OutputTokens),
        _ => UserId,
    };
}

/// <summary>The size bands of <see cref="RollupTable.ShapeDay"/>, by tokens of one event's prompt and answer.</summary>
public static class SizeBands
{
    public const string InputUnder1000 = "lt1000", InputUnder4000 = "lt4000", InputLarge = "ge4000";
    public const string OutputUnder100 = "lt100", OutputUnder500 = "lt500", OutputLarge = "ge500";

    public static string Input(long tokens) => tokens < 1000 ? InputUnder1000 : tokens < 4000 ? InputUnder4000 : InputLarge;

    public static string Output(long tokens) => tokens < 100 ? OutputUnder100 : tokens < 500 ? OutputUnder500 : OutputLarge;
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

    public static long BucketOf(long ms, long size) => ms - (((ms % size) + size) % size);

    /// <summary>
    /// The rollup rows of a set of pending rows, sorted by key: concurrent writers then lock rows in the same order, so
    /// two replicas folding overlapping rollups cannot deadlock.
    /// </summary>
    public static List<Rollup> Of(IEnumerable<PendingRow> pending, RollupTable table)
    {
        var dimensions = table.Dimensions;
        var size = table.BucketSize;
        // A struct key: folding touches every pending row once per table, and joined-string keys allocated for each.
        var rows = new Dictionary<Key, Rollup>();
        foreach (var p in pending)
        {
            var key = new Key(p.WorkspaceId, BucketOf(p.Ts, size), At(0), At(1), At(2), At(3), At(4));
            if (!rows.TryGetValue(key, out var row)) rows[key] = row = new Rollup(p.WorkspaceId, key.Bucket, [.. dimensions.Select(p.Dimension)]);
            row.Add(p);
            string At(int i) => i < dimensions.Count ? p.Dimension(dimensions[i]) : "";
        }
        return [.. rows.OrderBy(r => r.Key.Workspace, StringComparer.Ordinal).ThenBy(r => r.Key.Bucket).ThenBy(r => r.Key.D0, StringComparer.Ordinal)
            .ThenBy(r => r.Key.D1, StringComparer.Ordinal).ThenBy(r => r.Key.D2, StringComparer.Ordinal).ThenBy(r => r.Key.D3, StringComparer.Ordinal)
            .ThenBy(r => r.Key.D4, StringComparer.Ordinal).Select(r => r.Value)];
    }

    private readonly record struct Key(string Workspace, long Bucket, string D0, string D1, string D2, string D3, string D4);

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
        var name = table.Name;
        var dimensions = string.Join(", ", table.Dimensions);
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
