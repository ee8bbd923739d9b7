using System.Data.Common;
using System.Text;
using Dapper;
using Panoptic.Storage.Ledger;

namespace Panoptic.Storage;

public abstract partial class PanopticStore
{
    /// <summary>
    /// Adds events to the ledger, skipping every event whose id the workspace already has (a retried batch never
    /// double-counts), and queues the new ones for the rollups, in one transaction. Returns how many were new. When
    /// this returns, the events are committed. Concurrent calls share transactions (<see cref="GroupCommit"/>).
    /// </summary>
    public Task<int> AppendEventsAsync(string workspaceId, IReadOnlyList<LedgerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0) return Task.FromResult(0);
        return Appends.AppendAsync(workspaceId, events, receivedAt, cancellationToken);
    }

    private readonly Lock _appendsLock = new();
    private GroupCommit? _appends;

    private GroupCommit Appends
    {
        get
        {
            if (_appends is { } appends) return appends;
            lock (_appendsLock) return _appends ??= new GroupCommit(WriteAppendsAsync, AppendWriters);
        }
    }

    /// <summary>How many append groups may be written at once: 1 where the database has one writer.</summary>
    private protected abstract int AppendWriters { get; }

    private Task<int[]> WriteAppendsAsync(IReadOnlyList<GroupCommit.Append> group) => InTransactionAsync(async (connection, transaction) =>
    {
        var counts = new int[group.Count];
        var rows = new List<PendingRow>();
        for (var i = 0; i < group.Count; i++)
        {
            var (workspaceId, events, receivedAt) = group[i];
            var inserted = await InsertNewEventsAsync(connection, transaction, workspaceId, events, receivedAt, CancellationToken.None);
            rows.AddRange(inserted.Select(e => PendingRow.Of(workspaceId, e)));
            counts[i] = inserted.Count;
        }
        if (rows.Count > 0) await InsertPendingAsync(connection, transaction, rows, CancellationToken.None);
        return counts;
    }, CancellationToken.None);

    /// <summary>Waits until every append already accepted is committed; later appends are refused.</summary>
    private protected async ValueTask FlushAppendsAsync()
    {
        await Appends.DisposeAsync();
    }

    /// <summary>
    /// Folds up to <paramref name="max"/> pending events into the rollups and removes them from the queue, in one
    /// transaction; several servers may run this at once. Returns how many were folded.
    /// </summary>
    public virtual async Task<int> RollUpAsync(int max = 50_000, CancellationToken cancellationToken = default) => await InTransactionAsync(async (connection, transaction) =>
    {
        var pending = await TakePendingAsync(connection, transaction, max, cancellationToken);
        if (pending.Count == 0) return 0;
        foreach (var table in RollupTable.Folded)
            await UpsertRollupsAsync(connection, transaction, table, Rollup.Of(pending, table), cancellationToken);
        return pending.Count;
    }, cancellationToken);

    /// <summary>Inserts the events the workspace does not have yet and returns them.</summary>
    private protected abstract Task<List<LedgerEvent>> InsertNewEventsAsync(DbConnection connection, DbTransaction transaction, string workspaceId,
        IReadOnlyList<LedgerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>Queues new events for the rollup job (a store that tracks pending events otherwise may do nothing).</summary>
    private protected abstract Task InsertPendingAsync(DbConnection connection, DbTransaction transaction, List<PendingRow> rows, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="max"/> pending rows no other transaction is taking, and returns them.</summary>
    private protected abstract Task<List<PendingRow>> TakePendingAsync(DbConnection connection, DbTransaction transaction, int max, CancellationToken cancellationToken);

    private protected abstract Task UpsertRollupsAsync(DbConnection connection, DbTransaction transaction, RollupTable table, List<Rollup> rows, CancellationToken cancellationToken);

    /// <summary>A read-only transaction that sees one snapshot, so rollups and the pending tail are read consistently.</summary>
    private protected abstract Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>How many events a workspace has in [from, to), read from the ledger itself (for tests and checks, not dashboards).</summary>
    public Task<long> CountEventsAsync(string workspaceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteScalarAsync<long>(Command("SELECT COUNT(*) FROM cost_events WHERE workspace_id = @workspaceId AND ts >= @from AND ts < @to",
            new { workspaceId, from = Ms(from), to = Ms(to) }, cancellationToken)), cancellationToken);

    public Task<long> PendingCountAsync(CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteScalarAsync<long>(Command($"SELECT COUNT(*) FROM {PendingSource}", null, cancellationToken)), cancellationToken);

    /// <summary>The events not rolled up yet, as a FROM-clause source with the cost_pending columns.</summary>
    private protected virtual string PendingSource => "cost_pending";

    /// <summary>
    /// Sums over [From, To) from <paramref name="table"/> plus the events not rolled up yet, read in one snapshot:
    /// exact whenever it runs. The caller aligns the window to the table's grain and uses the user table only for
    /// the dimensions it has (tenant, user, provider). An hourly table asked for days or totals reads only the
    /// window's partial first and last days by the hour, and the whole days between from a day table: month-to-now
    /// by tenant reads ~30 rows a tenant instead of ~700.
    /// </summary>
    public Task<IReadOnlyList<CostRow>> QueryCostsAsync(CostQuery query, RollupTable table, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
    {
        var missing = query.GroupBy.Concat(query.Filters.Keys).Select(CostDimensions.Column).FirstOrDefault(d => !table.Dimensions.Contains(d));
        if (missing is not null) throw new ArgumentException($"{table.Name} has no {missing} column", nameof(table));
        await using var transaction = await BeginSnapshotAsync(c, cancellationToken);
        var merged = new Dictionary<string, CostRow>(StringComparer.Ordinal);
        // The rollup tables over their parts of the window, then the events not rolled up yet over all of it.
        foreach (var (part, source, pending) in Parts(query, table).Select(p => (p.Query, p.Table, false)).Append((query, table, true)))
        {
            var (sql, parameters) = CostSql(part, source, pending);
            await using var reader = await c.ExecuteReaderAsync(Command(sql, parameters, cancellationToken, transaction));
            var n = query.GroupBy.Count;
            while (await reader.ReadAsync(cancellationToken))
            {
                var keys = new string[n];
                for (var i = 0; i < n; i++) keys[i] = reader.GetString(1 + i);
                var row = new CostRow(reader.GetInt64(0), keys, reader.GetInt64(n + 1), reader.GetInt64(n + 2), reader.GetInt64(n + 3), reader.GetInt64(n + 4),
                    reader.GetInt64(n + 5), reader.GetInt64(n + 6), reader.GetInt64(n + 7), reader.GetDouble(n + 8));
                var id = row.Bucket + "\u0001" + string.Join('\u0001', keys);
                merged[id] = merged.TryGetValue(id, out var seen) ? seen.Plus(row) : row;
            }
        }
        return (IReadOnlyList<CostRow>)[.. merged.Values];
    }, cancellationToken);

    /// <summary>Spend since <paramref name="from"/> per workspace and provider, across all workspaces (for /metrics), exact like every cost query.</summary>
    public Task<IReadOnlyList<(string WorkspaceId, string Provider, long CostNanos, long Events)>> SpendByProviderAsync(DateTimeOffset from, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async c =>
        {
            await using var transaction = await BeginSnapshotAsync(c, cancellationToken);
            var rows = await c.QueryAsync<(string, string, long, long)>(Command($"""
                SELECT workspace_id, provider, CAST(SUM(cost_nanos) AS BIGINT), CAST(SUM(events) AS BIGINT) FROM (
                    SELECT workspace_id, provider, cost_nanos, events FROM cost_rollups_model_day WHERE bucket >= @from
                    UNION ALL
                    SELECT workspace_id, provider, cost_nanos, 1 FROM {PendingSource} WHERE ts >= @from) AS spend
                GROUP BY workspace_id, provider ORDER BY workspace_id, provider
                """, new { from = Ms(from) }, cancellationToken, transaction));
            return (IReadOnlyList<(string, string, long, long)>)[.. rows];
        }, cancellationToken);

    /// <summary>
    /// The window split by table: whole UTC days from a day table with the dimensions asked for, the partial days at
    /// either end from the hourly one; the whole window from <paramref name="table"/> when no split saves anything
    /// (a day table already, an hourly series, no whole day inside, or no day table for these dimensions).
    /// </summary>
    internal static IEnumerable<(CostQuery Query, RollupTable Table)> Parts(CostQuery query, RollupTable table)
    {
        const long day = 86_400_000;
        var from = query.From.ToUnixTimeMilliseconds();
        var to = query.To.ToUnixTimeMilliseconds();
        var firstWholeDay = from % day == 0 ? from : from - from % day + day;
        var endOfWholeDays = to - to % day;
        var days = table.Grain == RollupGrain.Hour && query.Bucket != RollupGrain.Hour && firstWholeDay < endOfWholeDays
            ? RollupTable.For(query.GroupBy.Concat(query.Filters.Keys), hourly: false) : null;
        // Every rollup table sums every event, so any day table with the dimensions asked for gives the same numbers.
        if (days is not { Grain: RollupGrain.Day })
        {
            yield return (query, table);
            yield break;
        }
        if (from < firstWholeDay) yield return (query with { To = DateTimeOffset.FromUnixTimeMilliseconds(firstWholeDay) }, table);
        yield return (query with { From = DateTimeOffset.FromUnixTimeMilliseconds(firstWholeDay), To = DateTimeOffset.FromUnixTimeMilliseconds(endOfWholeDays) }, days);
        if (endOfWholeDays < to) yield return (query with { From = DateTimeOffset.FromUnixTimeMilliseconds(endOfWholeDays) }, table);
    }

    private (string Sql, DynamicParameters Parameters) CostSql(CostQuery query, RollupTable table, bool pending)
    {
        var time = pending ? "ts" : "bucket";
        var sql = new StringBuilder("SELECT ");
        sql.Append(query.Bucket switch
        {
            null => "0",
            RollupGrain.Hour => $"{time} - ({time} % 3600000)",
            _ => $"{time} - ({time} % 86400000)",
        }).Append(" AS b");
        foreach (var dimension in query.GroupBy) sql.Append(", ").Append(CostDimensions.Column(dimension));
        sql.Append(pending ? ", CAST(COUNT(*) AS BIGINT)" : ", CAST(SUM(events) AS BIGINT)");
        sql.Append("""
            , CAST(SUM(errors) AS BIGINT), CAST(SUM(unpriced) AS BIGINT), CAST(SUM(cost_nanos) AS BIGINT),
              CAST(SUM(input_tokens) AS BIGINT), CAST(SUM(output_tokens) AS BIGINT), CAST(SUM(requests) AS BIGINT), SUM(units)
            """);
        sql.Append(" FROM ").Append(pending ? PendingSource : table.Name).Append(" WHERE workspace_id = @w AND ").Append(time).Append(" >= @from AND ").Append(time).Append(" < @to");
        var parameters = new DynamicParameters(new { w = query.WorkspaceId, from = Ms(query.From), to = Ms(query.To) });
        foreach (var (dimension, value) in query.Filters)
        {
            sql.Append(" AND ").Append(CostDimensions.Column(dimension)).Append(" = @f_").Append(CostDimensions.Name(dimension));
            parameters.Add("f_" + CostDimensions.Name(dimension), value);
        }
        sql.Append(" GROUP BY b");
        foreach (var dimension in query.GroupBy) sql.Append(", ").Append(CostDimensions.Column(dimension));
        return (sql.ToString(), parameters);
    }
}
