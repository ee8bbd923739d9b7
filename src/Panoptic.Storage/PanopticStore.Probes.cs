using Dapper;
using Panoptic.Storage.Graph;
using Panoptic.Storage.Probes;

namespace Panoptic.Storage;

public abstract partial class PanopticStore
{
    private const string ProbeColumns = """
        SELECT workspace_id AS WorkspaceId, id AS Id, name AS Name, kind AS Kind, target AS Target, expected_status AS ExpectedStatus, interval_ms AS IntervalMs,
               timeout_ms AS TimeoutMs, slo_availability AS SloAvailability, slo_latency_ms AS SloLatencyMs, created_at AS CreatedAt, next_run_at AS NextRunAt,
               status AS Status, status_since AS StatusSince, last_checked_at AS LastCheckedAt, last_error AS LastError, consecutive_failures AS ConsecutiveFailures
        FROM probes
        """;

    private static readonly string ProbeBuckets = string.Join(", ", Enumerable.Range(0, GraphEdge.Buckets).Select(i => $"b{i}"));

    /// <summary>Adds a probe; false when the workspace already has one with its name.</summary>
    public Task<bool> AddProbeAsync(Probe probe, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("""
            INSERT INTO probes (workspace_id, id, name, kind, target, expected_status, interval_ms, timeout_ms, slo_availability, slo_latency_ms, created_at,
                next_run_at, status, status_since, consecutive_failures)
            VALUES (@WorkspaceId, @Id, @Name, @Kind, @Target, @ExpectedStatus, @interval, @timeout, @SloAvailability, @SloLatencyMs, @created, @next, @Status, @since, 0)
            ON CONFLICT (workspace_id, name) DO NOTHING
            """, new
        {
            probe.WorkspaceId, probe.Id, probe.Name, probe.Kind, probe.Target, probe.ExpectedStatus, interval = (long)probe.Interval.TotalMilliseconds,
            timeout = (long)probe.Timeout.TotalMilliseconds, probe.SloAvailability, probe.SloLatencyMs, created = Ms(probe.CreatedAt), next = Ms(probe.NextRunAt),
            probe.Status, since = Ms(probe.StatusSince),
        }, cancellationToken)) == 1, cancellationToken);

    public Task<IReadOnlyList<Probe>> ProbesAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (IReadOnlyList<Probe>)[.. (await c.QueryAsync<ProbeRow>(Command($"{ProbeColumns} WHERE workspace_id = @workspaceId ORDER BY name", new { workspaceId }, cancellationToken)))
            .Select(r => r.ToProbe())], cancellationToken);

    public Task<bool> DeleteProbeAsync(string workspaceId, string id, CancellationToken cancellationToken = default) => InTransactionAsync(async (c, t) =>
    {
        await c.ExecuteAsync(Command("DELETE FROM probe_minutes WHERE workspace_id = @workspaceId AND probe_id = @id", new { workspaceId, id }, cancellationToken, t));
        return await c.ExecuteAsync(Command("DELETE FROM probes WHERE workspace_id = @workspaceId AND id = @id", new { workspaceId, id }, cancellationToken, t)) == 1;
    }, cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> probes due at <paramref name="now"/> by moving each one's next run a lease
    /// ahead (the runner sets the real next run when it records the result); a probe another server claimed first is
    /// skipped, so no target is probed twice at once.
    /// </summary>
    public Task<IReadOnlyList<Probe>> ClaimDueProbesAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default) => InTransactionAsync(async (c, t) =>
    {
        var due = (await c.QueryAsync<ProbeRow>(Command($"{ProbeColumns} WHERE next_run_at <= @now ORDER BY next_run_at LIMIT {max}", new { now = Ms(now) }, cancellationToken, t))).ToList();
        var claimed = new List<Probe>();
        foreach (var row in due)
        {
            var moved = await c.ExecuteAsync(Command("UPDATE probes SET next_run_at = @until WHERE workspace_id = @WorkspaceId AND id = @Id AND next_run_at = @NextRunAt",
                new { until = Ms(now + lease), row.WorkspaceId, row.Id, row.NextRunAt }, cancellationToken, t));
            if (moved == 1) claimed.Add(row.ToProbe());
        }
        return (IReadOnlyList<Probe>)claimed;
    }, cancellationToken);

    /// <summary>Records one check: the minute's counts, and the probe's new state and next run, in one transaction.</summary>
    public Task RecordProbeAsync(Probe probe, DateTimeOffset checkedAt, bool ok, double seconds, int bucket, string status, DateTimeOffset statusSince,
        int consecutiveFailures, string? error, DateTimeOffset nextRunAt, CancellationToken cancellationToken = default) => InTransactionAsync(async (c, t) =>
    {
        var minute = Ms(checkedAt) / 60_000 * 60_000;
        var buckets = string.Join(", ", Enumerable.Range(0, GraphEdge.Buckets).Select(i => i == bucket && ok ? "1" : "0"));
        await c.ExecuteAsync(Command($"""
            INSERT INTO probe_minutes (workspace_id, probe_id, minute, checks, failures, seconds, {ProbeBuckets})
            VALUES (@WorkspaceId, @Id, @minute, 1, @failures, @seconds, {buckets})
            ON CONFLICT (workspace_id, probe_id, minute) DO UPDATE SET checks = probe_minutes.checks + 1, failures = probe_minutes.failures + excluded.failures,
                seconds = probe_minutes.seconds + excluded.seconds, {string.Join(", ", Enumerable.Range(0, GraphEdge.Buckets).Select(i => $"b{i} = probe_minutes.b{i} + excluded.b{i}"))}
            """, new { probe.WorkspaceId, probe.Id, minute, failures = ok ? 0 : 1, seconds = ok ? seconds : 0 }, cancellationToken, t));
        return await c.ExecuteAsync(Command("""
            UPDATE probes SET status = @status, status_since = @since, last_checked_at = @at, last_error = @error, consecutive_failures = @consecutiveFailures,
                next_run_at = @next
            WHERE workspace_id = @WorkspaceId AND id = @Id
            """, new
        {
            status, since = Ms(statusSince), at = Ms(checkedAt), error, consecutiveFailures, next = Ms(nextRunAt), probe.WorkspaceId, probe.Id,
        }, cancellationToken, t));
    }, cancellationToken);

    /// <summary>A probe's checks in [from, to), summed.</summary>
    public async Task<ProbeWindow> ProbeWindowAsync(string workspaceId, string probeId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        (await ProbeWindowsAsync(workspaceId, from, to, probeId, cancellationToken)).GetValueOrDefault(probeId) ?? new ProbeWindow(0, 0, 0, new long[GraphEdge.Buckets]);

    /// <summary>Every probe's checks in [from, to), summed, by probe id (one query for a whole connections list).</summary>
    public Task<IReadOnlyDictionary<string, ProbeWindow>> ProbeWindowsAsync(string workspaceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        ProbeWindowsAsync(workspaceId, from, to, null, cancellationToken);

    private Task<IReadOnlyDictionary<string, ProbeWindow>> ProbeWindowsAsync(string workspaceId, DateTimeOffset from, DateTimeOffset to, string? probeId,
        CancellationToken cancellationToken) => WithConnectionAsync(async c =>
        {
            var sums = string.Join(", ", Enumerable.Range(0, GraphEdge.Buckets).Select(i => $"CAST(SUM(b{i}) AS BIGINT)"));
            await using var command = c.CreateCommand();
            command.CommandText = $"""
                SELECT probe_id, CAST(SUM(checks) AS BIGINT), CAST(SUM(failures) AS BIGINT), SUM(seconds), {sums}
                FROM probe_minutes WHERE workspace_id = @w AND minute >= @from AND minute < @to {(probeId is null ? "" : "AND probe_id = @p")}
                GROUP BY probe_id
                """;
            Add(command, "w", workspaceId);
            Add(command, "from", Ms(from));
            Add(command, "to", Ms(to));
            if (probeId is not null) Add(command, "p", probeId);
            var windows = new Dictionary<string, ProbeWindow>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var buckets = new long[GraphEdge.Buckets];
                for (var i = 0; i < buckets.Length; i++) buckets[i] = reader.GetInt64(4 + i);
                windows[reader.GetString(0)] = new ProbeWindow(reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), buckets);
            }
            return (IReadOnlyDictionary<string, ProbeWindow>)windows;
        }, cancellationToken);

    private sealed record ProbeRow(string WorkspaceId, string Id, string Name, string Kind, string Target, long? ExpectedStatus, long IntervalMs, long TimeoutMs,
        double SloAvailability, double SloLatencyMs, long CreatedAt, long NextRunAt, string Status, long StatusSince, long? LastCheckedAt, string? LastError,
        long ConsecutiveFailures)
    {
        public Probe ToProbe() => new()
        {
            WorkspaceId = WorkspaceId, Id = Id, Name = Name, Kind = Kind, Target = Target, ExpectedStatus = (int?)ExpectedStatus,
            Interval = TimeSpan.FromMilliseconds(IntervalMs), Timeout = TimeSpan.FromMilliseconds(TimeoutMs), SloAvailability = SloAvailability,
            SloLatencyMs = SloLatencyMs, CreatedAt = Time(CreatedAt), NextRunAt = Time(NextRunAt), Status = Status, StatusSince = Time(StatusSince),
            LastCheckedAt = LastCheckedAt is { } at ? Time(at) : null, LastError = LastError, ConsecutiveFailures = (int)ConsecutiveFailures,
        };
    }
}
