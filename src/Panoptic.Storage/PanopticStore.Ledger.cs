using System.Data.Common;
using System.Text;
using Dapper;
using Panoptic.Storage.Ledger;

namespace Panoptic.Storage;

public abstract partial class PanopticStore
{
    /// <summary>
    /// Adds events to the ledger and their sums to the rollups, in one transaction, skipping every event whose id the
    /// workspace already has: a retried batch never double-counts. Returns how many were new. When this returns, the
    /// events are committed.
    /// </summary>
    public async Task<int> AppendEventsAsync(string workspaceId, IReadOnlyList<LedgerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0) return 0;
        return await InTransactionAsync(async (connection, transaction) =>
        {
            var inserted = await InsertNewEventsAsync(connection, transaction, workspaceId, events, receivedAt, cancellationToken);
            if (inserted.Count == 0) return 0;
            foreach (var grain in new[] { RollupGrain.Hour, RollupGrain.Day })
                await UpsertRollupsAsync(connection, transaction, workspaceId, grain, Rollup.Of(inserted, grain), cancellationToken);
            return inserted.Count;
        }, cancellationToken);
    }

    /// <summary>Inserts the events the workspace does not have yet and returns them.</summary>
    private protected abstract Task<List<LedgerEvent>> InsertNewEventsAsync(DbConnection connection, DbTransaction transaction, string workspaceId,
        IReadOnlyList<LedgerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    private protected abstract Task UpsertRollupsAsync(DbConnection connection, DbTransaction transaction, string workspaceId, RollupGrain grain,
        List<Rollup> rows, CancellationToken cancellationToken);

    /// <summary>How many events a workspace has in [from, to), read from the ledger itself (for tests and checks, not dashboards).</summary>
    public Task<long> CountEventsAsync(string workspaceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteScalarAsync<long>(Command("SELECT COUNT(*) FROM cost_events WHERE workspace_id = @workspaceId AND ts >= @from AND ts < @to",
            new { workspaceId, from = Ms(from), to = Ms(to) }, cancellationToken)), cancellationToken);

    /// <summary>
    /// Sums from the rollups: the day table when the window is whole days and no hourly bucket is asked for, else the
    /// hour table. The caller aligns the window to the table's grain.
    /// </summary>
    public Task<IReadOnlyList<CostRow>> QueryCostsAsync(CostQuery query, RollupGrain table, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
    {
        var sql = new StringBuilder("SELECT ");
        sql.Append(query.Bucket switch
        {
            null => "0",
            RollupGrain.Hour => "bucket",
            _ => "bucket - (bucket % 86400000)",
        }).Append(" AS b");
        foreach (var dimension in query.GroupBy) sql.Append(", ").Append(CostDimensions.Column(dimension));
        sql.Append("""
            , CAST(SUM(events) AS BIGINT), CAST(SUM(errors) AS BIGINT), CAST(SUM(unpriced) AS BIGINT), CAST(SUM(cost_nanos) AS BIGINT),
              CAST(SUM(input_tokens) AS BIGINT), CAST(SUM(output_tokens) AS BIGINT), CAST(SUM(requests) AS BIGINT), SUM(units)
            """);
        sql.Append(" FROM ").Append(Rollup.Table(table)).Append(" WHERE workspace_id = @w AND bucket >= @from AND bucket < @to");
        var parameters = new DynamicParameters(new { w = query.WorkspaceId, from = Ms(query.From), to = Ms(query.To) });
        foreach (var (dimension, value) in query.Filters)
        {
            sql.Append(" AND ").Append(CostDimensions.Column(dimension)).Append(" = @f_").Append(CostDimensions.Name(dimension));
            parameters.Add("f_" + CostDimensions.Name(dimension), value);
        }
        sql.Append(" GROUP BY b");
        foreach (var dimension in query.GroupBy) sql.Append(", ").Append(CostDimensions.Column(dimension));
        var rows = new List<CostRow>();
        await using var reader = await c.ExecuteReaderAsync(Command(sql.ToString(), parameters, cancellationToken));
        var n = query.GroupBy.Count;
        while (await reader.ReadAsync(cancellationToken))
        {
            var keys = new string[n];
            for (var i = 0; i < n; i++) keys[i] = reader.GetString(1 + i);
            rows.Add(new CostRow(reader.GetInt64(0), keys, reader.GetInt64(n + 1), reader.GetInt64(n + 2), reader.GetInt64(n + 3), reader.GetInt64(n + 4),
                reader.GetInt64(n + 5), reader.GetInt64(n + 6), reader.GetInt64(n + 7), reader.GetDouble(n + 8)));
        }
        return (IReadOnlyList<CostRow>)rows;
    }, cancellationToken);
}
