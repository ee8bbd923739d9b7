using Dapper;
using Panoptic.Storage.CostSources;

namespace Panoptic.Storage;

public abstract partial class PanopticStore
{
    private const string CostSourceColumns = """
        SELECT workspace_id AS WorkspaceId, id AS Id, name AS Name, kind AS Kind, base_url AS BaseUrl, secret AS Secret, hint AS Hint, public_key AS PublicKey,
               interval_ms AS IntervalMs, created_at AS CreatedAt, next_run_at AS NextRunAt, last_attempt_at AS LastAttemptAt, last_success_at AS LastSuccessAt,
               last_error AS LastError, last_error_at AS LastErrorAt
        FROM cost_sources
        """;

    /// <summary>Adds a cost source; false when the workspace already has one with its name.</summary>
    public Task<bool> CreateCostSourceAsync(CostSource source, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("""
            INSERT INTO cost_sources (workspace_id, id, name, kind, base_url, secret, hint, public_key, interval_ms, created_at, next_run_at)
            VALUES (@WorkspaceId, @Id, @Name, @Kind, @BaseUrl, @Secret, @Hint, @PublicKey, @interval, @created, @next)
            ON CONFLICT DO NOTHING
            """, new
        {
            source.WorkspaceId, source.Id, source.Name, source.Kind, source.BaseUrl, source.Secret, source.Hint, source.PublicKey,
            interval = (long)source.Interval.TotalMilliseconds, created = Ms(source.CreatedAt), next = Ms(source.NextRunAt),
        }, cancellationToken)) == 1, cancellationToken);

    public Task<IReadOnlyList<CostSource>> CostSourcesAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (IReadOnlyList<CostSource>)[.. (await c.QueryAsync<CostSourceRow>(Command($"{CostSourceColumns} WHERE workspace_id = @workspaceId ORDER BY created_at, id",
            new { workspaceId }, cancellationToken))).Select(r => r.ToSource())], cancellationToken);

    public Task<CostSource?> CostSourceAsync(string workspaceId, string id, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (await c.QuerySingleOrDefaultAsync<CostSourceRow>(Command($"{CostSourceColumns} WHERE workspace_id = @workspaceId AND id = @id", new { workspaceId, id }, cancellationToken)))
            ?.ToSource(), cancellationToken);

    /// <summary>Saves a source's editable fields (name, base URL, key, schedule); false when the workspace has no such source.</summary>
    public Task<bool> UpdateCostSourceAsync(CostSource source, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("""
            UPDATE cost_sources SET name = @Name, base_url = @BaseUrl, secret = @Secret, hint = @Hint, public_key = @PublicKey, interval_ms = @interval, next_run_at = @next
            WHERE workspace_id = @WorkspaceId AND id = @Id
            """, new
        {
            source.WorkspaceId, source.Id, source.Name, source.BaseUrl, source.Secret, source.Hint, source.PublicKey,
            interval = (long)source.Interval.TotalMilliseconds, next = Ms(source.NextRunAt),
        }, cancellationToken)) == 1, cancellationToken);

    /// <summary>Removes a source and everything it imported; false when the workspace has no such source.</summary>
    public Task<bool> DeleteCostSourceAsync(string workspaceId, string id, CancellationToken cancellationToken = default) => InTransactionAsync(async (c, t) =>
    {
        var parameters = new { workspaceId, id };
        await c.ExecuteAsync(Command("DELETE FROM billed_costs WHERE workspace_id = @workspaceId AND source_id = @id", parameters, cancellationToken, t));
        await c.ExecuteAsync(Command("DELETE FROM billed_days WHERE workspace_id = @workspaceId AND source_id = @id", parameters, cancellationToken, t));
        return await c.ExecuteAsync(Command("DELETE FROM cost_sources WHERE workspace_id = @workspaceId AND id = @id", parameters, cancellationToken, t)) == 1;
    }, cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> scheduled sources due at <paramref name="now"/> and not leased by another
    /// sync, leasing each until now + <paramref name="lease"/>; a source another server claimed first is skipped.
    /// </summary>
    public Task<IReadOnlyList<CostSource>> ClaimDueCostSourcesAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (c, t) =>
        {
            var due = (await c.QueryAsync<CostSourceRow>(Command(
                $"{CostSourceColumns} WHERE kind <> 'csv' AND next_run_at <= @now AND (lease_until IS NULL OR lease_until <= @now) ORDER BY next_run_at LIMIT {max}",
                new { now = Ms(now) }, cancellationToken, t))).ToList();
            var claimed = new List<CostSource>();
            foreach (var row in due)
            {
                if (await LeaseAsync(c, t, row.WorkspaceId, row.Id, now, lease, cancellationToken)) claimed.Add(row.ToSource());
            }
            return (IReadOnlyList<CostSource>)claimed;
        }, cancellationToken);

    /// <summary>Claims one source now, whether due or not (sync now, an upload); null when it does not exist or another sync holds it.</summary>
    public Task<CostSource?> ClaimCostSourceAsync(string workspaceId, string id, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (c, t) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<CostSourceRow>(Command($"{CostSourceColumns} WHERE workspace_id = @workspaceId AND id = @id",
                new { workspaceId, id }, cancellationToken, t));
            return row is not null && await LeaseAsync(c, t, workspaceId, id, now, lease, cancellationToken) ? row.ToSource() : null;
        }, cancellationToken);

    private static async Task<bool> LeaseAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, string workspaceId, string id, DateTimeOffset now,
        TimeSpan lease, CancellationToken cancellationToken) =>
        await c.ExecuteAsync(Command("""
            UPDATE cost_sources SET lease_until = @until, last_attempt_at = @now
            WHERE workspace_id = @workspaceId AND id = @id AND (lease_until IS NULL OR lease_until <= @now)
            """, new { until = Ms(now + lease), now = Ms(now), workspaceId, id }, cancellationToken, t)) == 1;

    /// <summary>Ends a sync: releases the lease, sets the next run, and records success (clearing the error) or the error (keeping the last success).</summary>
    public Task RecordCostSyncAsync(string workspaceId, string id, DateTimeOffset at, string? error, DateTimeOffset nextRunAt, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(c => c.ExecuteAsync(Command(error is null
            ? "UPDATE cost_sources SET lease_until = NULL, next_run_at = @next, last_success_at = @at, last_error = NULL, last_error_at = NULL WHERE workspace_id = @workspaceId AND id = @id"
            : "UPDATE cost_sources SET lease_until = NULL, next_run_at = @next, last_error = @error, last_error_at = @at WHERE workspace_id = @workspaceId AND id = @id",
            new { workspaceId, id, at = Ms(at), next = Ms(nextRunAt), error }, cancellationToken)), cancellationToken);

    /// <summary>
    /// Replaces the batch's days of one source with the batch's rows, in one transaction: re-importing a day never
    /// counts it twice, and a batch either lands whole or not at all. Rows with the same key are summed.
    /// </summary>
    public Task StoreBilledBatchAsync(string workspaceId, string sourceId, BilledBatch batch, DateTimeOffset importedAt, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (c, t) =>
        {
            var at = Ms(importedAt);
            var days = batch.Days.Concat(batch.Rows.Select(r => r.Day)).Distinct().Select(DayMs).ToList();
            foreach (var day in days)
            {
                await c.ExecuteAsync(Command("DELETE FROM billed_costs WHERE workspace_id = @workspaceId AND source_id = @sourceId AND day = @day",
                    new { workspaceId, sourceId, day }, cancellationToken, t));
                await c.ExecuteAsync(Command("""
                    INSERT INTO billed_days (workspace_id, source_id, day, imported_at) VALUES (@workspaceId, @sourceId, @day, @at)
                    ON CONFLICT (workspace_id, source_id, day) DO UPDATE SET imported_at = excluded.imported_at
                    """, new { workspaceId, sourceId, day, at }, cancellationToken, t));
            }
            var rows = batch.Rows.GroupBy(r => (r.Day, r.Provider, r.Model, r.Description))
                .Select(g => new
                {
                    workspaceId, sourceId, day = DayMs(g.Key.Day), provider = g.Key.Provider, model = g.Key.Model, description = g.Key.Description,
                    cost = g.Sum(r => r.CostNanos), input = g.Sum(r => r.InputTokens), output = g.Sum(r => r.OutputTokens), requests = g.Sum(r => r.Requests), at,
                });
            await c.ExecuteAsync(Command("""
                INSERT INTO billed_costs (workspace_id, source_id, day, provider, model, description, cost_nanos, input_tokens, output_tokens, requests, imported_at)
                VALUES (@workspaceId, @sourceId, @day, @provider, @model, @description, @cost, @input, @output, @requests, @at)
                """, rows, cancellationToken, t));
            return 0;
        }, cancellationToken);

    /// <summary>Billed sums per source, day, provider and model over the days [from, to), with each source's kind.</summary>
    public Task<IReadOnlyList<BilledTotal>> BilledTotalsAsync(string workspaceId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async c => (IReadOnlyList<BilledTotal>)[.. (await c.QueryAsync<(string, string, long, string, string, long, long, long, long)>(Command("""
            SELECT b.source_id, s.kind, b.day, b.provider, b.model, CAST(SUM(b.cost_nanos) AS BIGINT), CAST(SUM(b.input_tokens) AS BIGINT),
                   CAST(SUM(b.output_tokens) AS BIGINT), CAST(SUM(b.requests) AS BIGINT)
            FROM billed_costs b JOIN cost_sources s ON s.workspace_id = b.workspace_id AND s.id = b.source_id
            WHERE b.workspace_id = @workspaceId AND b.day >= @from AND b.day < @to
            GROUP BY b.source_id, s.kind, b.day, b.provider, b.model
            """, new { workspaceId, from = DayMs(from), to = DayMs(to) }, cancellationToken)))
            .Select(r => new BilledTotal(r.Item1, r.Item2, DayOf(r.Item3), r.Item4, r.Item5, r.Item6, r.Item7, r.Item8, r.Item9))], cancellationToken);

    /// <summary>The days in [from, to) each source of the workspace has imported.</summary>
    public Task<IReadOnlyList<(string SourceId, DateOnly Day)>> BilledDaysAsync(string workspaceId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async c => (IReadOnlyList<(string, DateOnly)>)[.. (await c.QueryAsync<(string, long)>(Command(
            "SELECT source_id, day FROM billed_days WHERE workspace_id = @workspaceId AND day >= @from AND day < @to ORDER BY source_id, day",
            new { workspaceId, from = DayMs(from), to = DayMs(to) }, cancellationToken))).Select(r => (r.Item1, DayOf(r.Item2)))], cancellationToken);

    public Task<ReconciliationSettings> ReconciliationSettingsAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.QuerySingleOrDefaultAsync<(double?, double, long)?>(Command(
            "SELECT drift_percent, drift_min_usd, budgets_use_billed FROM reconciliation_settings WHERE workspace_id = @workspaceId", new { workspaceId }, cancellationToken)) is { } row
            ? new ReconciliationSettings(row.Item1, row.Item2, row.Item3 != 0)
            : ReconciliationSettings.Default, cancellationToken);

    public Task SetReconciliationSettingsAsync(string workspaceId, ReconciliationSettings settings, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(c => c.ExecuteAsync(Command("""
            INSERT INTO reconciliation_settings (workspace_id, drift_percent, drift_min_usd, budgets_use_billed, updated_at) VALUES (@workspaceId, @percent, @min, @billed, @at)
            ON CONFLICT (workspace_id) DO UPDATE SET drift_percent = excluded.drift_percent, drift_min_usd = excluded.drift_min_usd,
                budgets_use_billed = excluded.budgets_use_billed, updated_at = excluded.updated_at
            """, new { workspaceId, percent = settings.DriftPercent, min = settings.DriftMinUsd, billed = settings.BudgetsUseBilled ? 1 : 0, at = Ms(at) }, cancellationToken)),
            cancellationToken);

    private static long DayMs(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static DateOnly DayOf(long ms) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime);

    private sealed record CostSourceRow(string WorkspaceId, string Id, string Name, string Kind, string BaseUrl, string? Secret, string? Hint, string? PublicKey,
        long IntervalMs, long CreatedAt, long NextRunAt, long? LastAttemptAt, long? LastSuccessAt, string? LastError, long? LastErrorAt)
    {
        public CostSource ToSource() => new(WorkspaceId, Id, Name, Kind, BaseUrl, Secret, Hint, PublicKey, TimeSpan.FromMilliseconds(IntervalMs), Time(CreatedAt), Time(NextRunAt))
        {
            LastAttemptAt = LastAttemptAt is { } a ? Time(a) : null,
            LastSuccessAt = LastSuccessAt is { } s ? Time(s) : null,
            LastError = LastError,
            LastErrorAt = LastErrorAt is { } e ? Time(e) : null,
        };
    }
}
