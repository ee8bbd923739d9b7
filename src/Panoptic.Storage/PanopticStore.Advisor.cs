using System.Data.Common;
using Dapper;
using Panoptic.Storage.Advisor;
using Panoptic.Storage.Gateway;

namespace Panoptic.Storage;

/// <summary>What the savings advisor reads: pre-summed per day, so a month of millions of events is a few thousand rows.</summary>
public abstract partial class PanopticStore
{
    /// <summary>
    /// The size-banded daily rollup over whole days [from, to), per day, provider, model and feature, split in two: the
    /// events in the bands <paramref name="smallInput"/> × <paramref name="smallOutput"/> (small calls) and the rest.
    /// </summary>
    public Task<IReadOnlyList<ShapeRow>> ShapeRowsAsync(string workspaceId, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string> smallInput,
        IReadOnlyList<string> smallOutput, CancellationToken cancellationToken = default) =>
        ReadAsync($"""
            SELECT bucket, provider, model, feature, small, SUM(events), SUM(cost_nanos), SUM(input_tokens), SUM(output_tokens) FROM (
                SELECT bucket, provider, model, feature, CASE WHEN input_band IN ({Bands(smallInput)}) AND output_band IN ({Bands(smallOutput)}) THEN 1 ELSE 0 END AS small,
                       events, cost_nanos, input_tokens, output_tokens
                FROM cost_rollups_shape_day WHERE workspace_id = @workspaceId AND bucket >= @from AND bucket < @to) AS banded
            GROUP BY bucket, provider, model, feature, small
            """, new { workspaceId, from = Ms(from), to = Ms(to) },
            r => new ShapeRow(Int(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), Int(r, 4) == 1, Int(r, 5), Int(r, 6), Int(r, 7), Int(r, 8)), cancellationToken);

    /// <summary>Gateway traffic per day, feature, model and streaming over [from, to).</summary>
    public Task<IReadOnlyList<FeatureUsageRow>> GatewayFeatureUsageAsync(string workspaceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        ReadAsync("""
            SELECT day, feature, model, stream, requests, cost_nanos, input_tokens, cached_tokens, userless_requests, userless_cost_nanos FROM gateway_feature_usage
            WHERE workspace_id = @workspaceId AND day >= @from AND day < @to ORDER BY day, feature, model, stream
            """, new { workspaceId, from = Ms(from), to = Ms(to) },
            r => new FeatureUsageRow(Int(r, 0), r.GetString(1), r.GetString(2), Int(r, 3) != 0, Int(r, 4), Int(r, 5), Int(r, 6), Int(r, 7), Int(r, 8), Int(r, 9)), cancellationToken);

    /// <summary>The fingerprints seen more than once a day over [from, to), summed per day, kind, model and feature.</summary>
    public Task<IReadOnlyList<RepeatRow>> GatewayRepeatsAsync(string workspaceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        ReadAsync("""
            SELECT day, kind, model, feature, COUNT(*), SUM(requests), SUM(cost_nanos), SUM(first_cost_nanos), SUM((requests - 1) * prefix_chars), SUM(cached_tokens)
            FROM gateway_fingerprints WHERE workspace_id = @workspaceId AND day >= @from AND day < @to AND requests > 1
            GROUP BY day, kind, model, feature ORDER BY day, kind, model, feature
            """, new { workspaceId, from = Ms(from), to = Ms(to) },
            r => new RepeatRow(Int(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), Int(r, 4), Int(r, 5), Int(r, 6), Int(r, 7), Int(r, 8), Int(r, 9)), cancellationToken);

    // Band names are the store's own constants (SizeBands), checked here, so they go into the SQL as literals: list
    // parameters expand differently in Dapper for SQLite and PostgreSQL.
    private static string Bands(IReadOnlyList<string> bands) => bands.Count == 0 ? "''" : string.Join(", ", bands.Select(b =>
        b.All(char.IsAsciiLetterOrDigit) ? $"'{b}'" : throw new ArgumentException($"not a size band: {b}", nameof(bands))));

    // Sums read by hand: PostgreSQL's SUM of BIGINT is NUMERIC, and SQLite reports no type for an aggregate of no rows, so Dapper cannot map them.
    private Task<IReadOnlyList<T>> ReadAsync<T>(string sql, object parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken) => WithConnectionAsync(async c =>
    {
        var rows = new List<T>();
        await using var reader = await c.ExecuteReaderAsync(Command(sql, parameters, cancellationToken));
        while (await reader.ReadAsync(cancellationToken)) rows.Add(read(reader));
        return (IReadOnlyList<T>)rows;
    }, cancellationToken);

    private static long Int(DbDataReader reader, int i) => Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The advisor's answer for a workspace, UTC day and window, or null when none was computed that day.</summary>
    public Task<CachedRecommendations?> CachedRecommendationsAsync(string workspaceId, DateOnly day, int windowDays, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async c => (await c.QuerySingleOrDefaultAsync<(long At, string Document)?>(Command(
            "SELECT computed_at, document FROM recommendations WHERE workspace_id = @workspaceId AND day = @day AND window_days = @windowDays",
            new { workspaceId, day = DayNumber(day), windowDays }, cancellationToken))) is { } row ? new CachedRecommendations(Time(row.At), row.Document) : null,
            cancellationToken);

    /// <summary>The oldest day the advisor reads, counted back from today: fingerprints older than this are dropped.</summary>
    public const int AdvisorRetentionDays = 91;

    /// <summary>
    /// Keeps the advisor's answer for the day (replacing one computed earlier), drops the workspace's answers of earlier
    /// days, and its gateway fingerprints older than <see cref="AdvisorRetentionDays"/> (one row per logged request).
    /// </summary>
    public Task SaveRecommendationsAsync(string workspaceId, DateOnly day, int windowDays, CachedRecommendations answer, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (c, t) =>
        {
            await c.ExecuteAsync(Command("DELETE FROM recommendations WHERE workspace_id = @workspaceId AND day < @day", new { workspaceId, day = DayNumber(day) }, cancellationToken, t));
            var cutoff = new DateTimeOffset(day.AddDays(-AdvisorRetentionDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            await c.ExecuteAsync(Command("DELETE FROM gateway_fingerprints WHERE workspace_id = @workspaceId AND day < @cutoff", new { workspaceId, cutoff = Ms(cutoff) }, cancellationToken, t));
            return await c.ExecuteAsync(Command("""
                INSERT INTO recommendations (workspace_id, day, window_days, computed_at, document) VALUES (@workspaceId, @day, @windowDays, @at, @Document)
                ON CONFLICT (workspace_id, day, window_days) DO UPDATE SET computed_at = excluded.computed_at, document = excluded.document
                """, new { workspaceId, day = DayNumber(day), windowDays, at = Ms(answer.ComputedAt), answer.Document }, cancellationToken, t));
        }, cancellationToken);

    private static long DayNumber(DateOnly day) => day.DayNumber;

    /// <summary>
    /// Adds a batch's new gateway log rows to the advisor's daily sums, in the transaction that wrote them: summed per key
    /// here first, then one multi-row upsert per table and few hundred rows (a statement per row cost PostgreSQL a round
    /// trip each, and a key twice in one upsert is an error there).
    /// </summary>
    private static async Task AddAdvisorUsageAsync(DbConnection c, DbTransaction t, List<GatewayLog> logs, CancellationToken cancellationToken)
    {
        if (logs.Count == 0) return;
        static long Day(GatewayLog log) => Ms(log.At) / 86_400_000 * 86_400_000;
        static string Model(GatewayLog log) => log.ModelServed.Length > 0 ? log.ModelServed : log.ModelRequested;
        // Keys in a fixed order, so two servers writing overlapping batches lock rows in the same order and cannot deadlock.
        var usage = logs.GroupBy(l => (l.WorkspaceId, Day: Day(l), l.Feature, Model: Model(l), Stream: l.Stream ? 1L : 0L)).OrderBy(g => string.Join('\u0001', g.Key.WorkspaceId, g.Key.Day, g.Key.Feature, g.Key.Model, g.Key.Stream), StringComparer.Ordinal).Select(g => new object[]
        {
            g.Key.WorkspaceId, g.Key.Day, g.Key.Feature, g.Key.Model, g.Key.Stream, (long)g.Count(), g.Sum(l => l.InputTokens), g.Sum(l => l.CachedTokens),
            g.Sum(l => l.OutputTokens), g.Sum(l => l.CostNanos ?? 0), (long)g.Count(l => l.UserId.Length == 0), g.Where(l => l.UserId.Length == 0).Sum(l => l.CostNanos ?? 0),
        }).ToList();
        await UpsertAsync(c, t, "gateway_feature_usage (workspace_id, day, feature, model, stream, requests, input_tokens, cached_tokens, output_tokens, cost_nanos, userless_requests, userless_cost_nanos)", """
            ON CONFLICT (workspace_id, day, feature, model, stream) DO UPDATE SET
                requests = gateway_feature_usage.requests + excluded.requests, input_tokens = gateway_feature_usage.input_tokens + excluded.input_tokens,
                cached_tokens = gateway_feature_usage.cached_tokens + excluded.cached_tokens, output_tokens = gateway_feature_usage.output_tokens + excluded.output_tokens,
                cost_nanos = gateway_feature_usage.cost_nanos + excluded.cost_nanos, userless_requests = gateway_feature_usage.userless_requests + excluded.userless_requests,
                userless_cost_nanos = gateway_feature_usage.userless_cost_nanos + excluded.userless_cost_nanos
            """, usage, cancellationToken);
        // Failed requests are not what a cache would have answered. The first of a key in the batch keeps its cost as the first.
        var fingerprints = logs.Where(l => l.Status < 400)
            .SelectMany(l => new[] { (Log: l, Kind: "request", Hash: l.RequestHash, Chars: 0L), (Log: l, Kind: "prefix", Hash: l.PrefixHash, Chars: l.PrefixChars) })
            .Where(f => f.Hash is not null)
            .GroupBy(f => (f.Log.WorkspaceId, Day: Day(f.Log), f.Kind, Hash: f.Hash!)).OrderBy(g => string.Join('\u0001', g.Key.WorkspaceId, g.Key.Day, g.Key.Kind, g.Key.Hash), StringComparer.Ordinal).Select(g => new object[]
            {
                g.Key.WorkspaceId, g.Key.Day, g.Key.Kind, g.Key.Hash, Model(g.First().Log), g.First().Log.Feature, g.First().Chars, (long)g.Count(),
                g.Sum(f => f.Log.CostNanos ?? 0), g.First().Log.CostNanos ?? 0, g.Sum(f => f.Log.CachedTokens),
            }).ToList();
        await UpsertAsync(c, t, "gateway_fingerprints (workspace_id, day, kind, hash, model, feature, prefix_chars, requests, cost_nanos, first_cost_nanos, cached_tokens)", """
            ON CONFLICT (workspace_id, day, kind, hash) DO UPDATE SET
                requests = gateway_fingerprints.requests + excluded.requests, cost_nanos = gateway_fingerprints.cost_nanos + excluded.cost_nanos,
                cached_tokens = gateway_fingerprints.cached_tokens + excluded.cached_tokens
            """, fingerprints, cancellationToken);
    }

    /// <summary>INSERT INTO <paramref name="into"/> VALUES (…), (…) <paramref name="conflict"/>, up to 200 rows a statement; the same SQL in both stores.</summary>
    private static async Task UpsertAsync(DbConnection c, DbTransaction t, string into, string conflict, List<object[]> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(200))
        {
            var parameters = new DynamicParameters();
            var values = new System.Text.StringBuilder();
            for (var r = 0; r < chunk.Length; r++)
            {
                values.Append(r == 0 ? "(" : ", (");
                for (var v = 0; v < chunk[r].Length; v++)
                {
                    var name = $"p{r}_{v}";
                    parameters.Add(name, chunk[r][v]);
                    values.Append(v == 0 ? "@" : ", @").Append(name);
                }
                values.Append(')');
            }
            await c.ExecuteAsync(Command($"INSERT INTO {into} VALUES {values}\n{conflict}", parameters, cancellationToken, t));
        }
    }
}
