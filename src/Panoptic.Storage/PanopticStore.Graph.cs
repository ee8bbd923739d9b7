using System.Data.Common;
using Dapper;
using Panoptic.Storage.Graph;

namespace Panoptic.Storage;

public abstract partial class PanopticStore
{
    private static readonly string EdgeColumns = "workspace_id, minute, client, server, connection_type, requests, failed, client_seconds, server_seconds, "
        + string.Join(", ", GraphEdge.BucketColumns);

    private static readonly string[] EdgeSums = ["requests", "failed", "client_seconds", "server_seconds", .. GraphEdge.BucketColumns];

    private static readonly string UpsertEdgeSql = $"""
        INSERT INTO graph_edges ({EdgeColumns}) VALUES ({string.Join(", ", Enumerable.Range(0, 9 + 2 * GraphEdge.Buckets).Select(i => $"@p{i}"))})
        ON CONFLICT (workspace_id, minute, client, server, connection_type) DO UPDATE SET
        {string.Join(", ", EdgeSums.Select(c => $"{c} = graph_edges.{c} + excluded.{c}"))};
        INSERT INTO graph_edge_totals ({EdgeColumns.Replace("minute, ", "", StringComparison.Ordinal)})
        VALUES ({string.Join(", ", Enumerable.Range(0, 9 + 2 * GraphEdge.Buckets).Where(i => i != 1).Select(i => $"@p{i}"))})
        ON CONFLICT (workspace_id, client, server, connection_type) DO UPDATE SET
        {string.Join(", ", EdgeSums.Select(c => $"{c} = graph_edge_totals.{c} + excluded.{c}"))}
        """;

    /// <summary>Adds edge figures to the stored ones (per workspace, minute and edge, and to each edge's totals), in one transaction.</summary>
    public Task AddGraphEdgesAsync(IReadOnlyList<GraphEdge> edges, CancellationToken cancellationToken = default) => edges.Count == 0 ? Task.CompletedTask
        : InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var edge in edges.OrderBy(e => e.WorkspaceId, StringComparer.Ordinal).ThenBy(e => e.Minute).ThenBy(e => e.Client, StringComparer.Ordinal)
                .ThenBy(e => e.Server, StringComparer.Ordinal).ThenBy(e => e.ConnectionType, StringComparer.Ordinal))
            {
                var parameters = new DynamicParameters();
                object[] values = [edge.WorkspaceId, edge.Minute, edge.Client, edge.Server, edge.ConnectionType, edge.Requests, edge.Failed, edge.ClientSeconds, edge.ServerSeconds,
                    .. edge.ClientBuckets.Cast<object>(), .. edge.ServerBuckets.Cast<object>()];
                for (var i = 0; i < values.Length; i++) parameters.Add($"p{i}", values[i]);
                await connection.ExecuteAsync(Command(UpsertEdgeSql, parameters, cancellationToken, transaction));
            }
            return 0;
        }, cancellationToken);

    /// <summary>The edges of a workspace summed over [from, to) (whole minutes). Minute is the first minute summed.</summary>
    public Task<IReadOnlyList<GraphEdge>> GraphEdgesAsync(string workspaceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        ReadEdgesAsync("graph_edges", workspaceId, from, to, perMinute: false, cancellationToken);

    /// <summary>Every workspace's edges summed since the graph began (for /metrics; Minute is 0), read from the totals table.</summary>
    public Task<IReadOnlyList<GraphEdge>> GraphEdgeTotalsAsync(CancellationToken cancellationToken = default) =>
        ReadEdgesAsync("graph_edge_totals", null, null, null, perMinute: false, cancellationToken);

    /// <summary>The edges of a workspace in [from, to), one row per edge and minute, in time order.</summary>
    public Task<IReadOnlyList<GraphEdge>> GraphEdgeMinutesAsync(string workspaceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        ReadEdgesAsync("graph_edges", workspaceId, from, to, perMinute: true, cancellationToken);

    private Task<IReadOnlyList<GraphEdge>> ReadEdgesAsync(string table, string? workspaceId, DateTimeOffset? from, DateTimeOffset? to, bool perMinute,
        CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            var sums = string.Join(", ", EdgeSums.Select(c => c is "client_seconds" or "server_seconds" ? $"SUM({c})" : $"CAST(SUM({c}) AS BIGINT)"));
            var keys = perMinute ? "workspace_id, minute, client, server, connection_type" : "workspace_id, client, server, connection_type";
            await using var command = connection.CreateCommand();
            var window = from is null ? "1 = 1" : "minute >= @from AND minute < @to";
            command.CommandText = $"""
                SELECT workspace_id, {(from is null ? "0" : "MIN(minute)")}, client, server, connection_type, {sums} FROM {table}
                WHERE {window} {(workspaceId is null ? "" : "AND workspace_id = @w")}
                GROUP BY {keys} ORDER BY {keys}
                """;
            if (from is { } start && to is { } end)
            {
                Add(command, "from", Ms(start));
                Add(command, "to", Ms(end));
            }
            if (workspaceId is not null) Add(command, "w", workspaceId);
            var edges = new List<GraphEdge>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var client = new long[GraphEdge.Buckets];
                var server = new long[GraphEdge.Buckets];
                for (var i = 0; i < GraphEdge.Buckets; i++)
                {
                    client[i] = reader.GetInt64(9 + i);
                    server[i] = reader.GetInt64(9 + GraphEdge.Buckets + i);
                }
                edges.Add(new GraphEdge(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5),
                    reader.GetInt64(6), reader.GetDouble(7), reader.GetDouble(8), client, server));
            }
            return (IReadOnlyList<GraphEdge>)edges;
        }, cancellationToken);

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
