using Dapper;
using Panoptic.Storage.Live;

namespace Panoptic.Storage;

public abstract partial class PanopticStore
{
    private const string LiveSettingsColumns = """
        SELECT workspace_id AS WorkspaceId, targets AS Targets, interval_ms AS IntervalMs, resolver AS Resolver, updated_at AS UpdatedAt, next_run_at AS NextRunAt,
               last_run_at AS LastRunAt
        FROM live_check_settings
        """;

    /// <summary>Sets a workspace's live targets, interval and resolver; the next run is <paramref name="settings"/>' NextRunAt.</summary>
    public Task SetLiveSettingsAsync(LiveCheckSettings settings, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("""
            INSERT INTO live_check_settings (workspace_id, targets, interval_ms, resolver, updated_at, next_run_at)
            VALUES (@WorkspaceId, @targets, @interval, @Resolver, @updated, @next)
            ON CONFLICT (workspace_id) DO UPDATE SET targets = excluded.targets, interval_ms = excluded.interval_ms, resolver = excluded.resolver,
                updated_at = excluded.updated_at, next_run_at = excluded.next_run_at
            """, new
        {
            settings.WorkspaceId, targets = string.Join('\n', settings.Targets), interval = (long)settings.Interval.TotalMilliseconds, settings.Resolver,
            updated = Ms(settings.UpdatedAt), next = Ms(settings.NextRunAt),
        }, cancellationToken)), cancellationToken);

    public Task<LiveCheckSettings?> LiveSettingsAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (await c.QueryAsync<LiveSettingsRow>(Command($"{LiveSettingsColumns} WHERE workspace_id = @workspaceId", new { workspaceId }, cancellationToken))).FirstOrDefault()?.ToSettings(),
        cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> workspaces whose live checks are due by moving their next run a lease ahead
    /// (the run sets the real next run when it records its results); one claimed elsewhere first is skipped.
    /// </summary>
    public Task<IReadOnlyList<LiveCheckSettings>> ClaimDueLiveChecksAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (c, t) =>
        {
            var due = (await c.QueryAsync<LiveSettingsRow>(Command($"{LiveSettingsColumns} WHERE next_run_at <= @now ORDER BY next_run_at LIMIT {max}", new { now = Ms(now) }, cancellationToken, t))).ToList();
            var claimed = new List<LiveCheckSettings>();
            foreach (var row in due)
            {
                var moved = await c.ExecuteAsync(Command("UPDATE live_check_settings SET next_run_at = @until WHERE workspace_id = @WorkspaceId AND next_run_at = @NextRunAt",
                    new { until = Ms(now + lease), row.WorkspaceId, row.NextRunAt }, cancellationToken, t));
                if (moved == 1) claimed.Add(row.ToSettings());
            }
            return (IReadOnlyList<LiveCheckSettings>)claimed;
        }, cancellationToken);

    /// <summary>Stores one run's results and, when given, the workspace's next run, in one transaction.</summary>
    public Task RecordLiveRunAsync(string workspaceId, string runId, DateTimeOffset checkedAt, IReadOnlyList<StoredLiveResult> results, DateTimeOffset? nextRunAt,
        CancellationToken cancellationToken = default) => InTransactionAsync(async (c, t) =>
    {
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            await c.ExecuteAsync(Command("""
                INSERT INTO live_results (workspace_id, run_id, seq, checked_at, target, check_id, status, message, readiness)
                VALUES (@workspaceId, @runId, @seq, @at, @Target, @Check, @Status, @Message, @Readiness)
                """, new { workspaceId, runId, seq = i, at = Ms(checkedAt), r.Target, r.Check, r.Status, r.Message, r.Readiness }, cancellationToken, t));
        }
        return await c.ExecuteAsync(Command(nextRunAt is null
                ? "UPDATE live_check_settings SET last_run_at = @at WHERE workspace_id = @workspaceId"
                : "UPDATE live_check_settings SET last_run_at = @at, next_run_at = @next WHERE workspace_id = @workspaceId",
            new { workspaceId, at = Ms(checkedAt), next = nextRunAt is { } n ? Ms(n) : 0 }, cancellationToken, t));
    }, cancellationToken);

    /// <summary>The results of a workspace's latest <paramref name="runs"/> runs, newest run first, each run's results in their order.</summary>
    public Task<IReadOnlyList<StoredLiveResult>> LiveResultsAsync(string workspaceId, int runs, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
    {
        var latest = (await c.QueryAsync<(string RunId, long At)>(Command($"""
            SELECT run_id, MAX(checked_at) FROM live_results WHERE workspace_id = @workspaceId GROUP BY run_id ORDER BY MAX(checked_at) DESC, run_id DESC LIMIT {runs}
            """, new { workspaceId }, cancellationToken))).ToList();
        var results = new List<StoredLiveResult>();
        foreach (var (runId, _) in latest)
        {
            results.AddRange((await c.QueryAsync<LiveResultRow>(Command("""
                SELECT run_id AS RunId, checked_at AS CheckedAt, target AS Target, check_id AS CheckId, status AS Status, message AS Message, readiness AS Readiness
                FROM live_results WHERE workspace_id = @workspaceId AND run_id = @runId ORDER BY seq
                """, new { workspaceId, runId }, cancellationToken))).Select(r => r.ToResult()));
        }
        return (IReadOnlyList<StoredLiveResult>)results;
    }, cancellationToken);

    private sealed record LiveSettingsRow(string WorkspaceId, string Targets, long IntervalMs, string? Resolver, long UpdatedAt, long NextRunAt, long? LastRunAt)
    {
        public LiveCheckSettings ToSettings() => new(WorkspaceId, Targets.Split('\n', StringSplitOptions.RemoveEmptyEntries), TimeSpan.FromMilliseconds(IntervalMs), Resolver,
            Time(UpdatedAt), Time(NextRunAt), LastRunAt is { } at ? Time(at) : null);
    }

    private sealed record LiveResultRow(string RunId, long CheckedAt, string Target, string CheckId, string Status, string Message, string? Readiness)
    {
        public StoredLiveResult ToResult() => new(RunId, Time(CheckedAt), Target, CheckId, Status, Message, Readiness);
    }
}
