using Dapper;

namespace Panoptic.Storage;

/// <summary>An alert: what crossed (kind, subject), the message people read, and its delivery state.</summary>
public sealed record Alert(string WorkspaceId, string Id, string DedupeKey, string Kind, string Subject, string Message, DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt, int Attempts, DateTimeOffset NextAttemptAt, string? LastError);

public abstract partial class PanopticStore
{
    /// <summary>Records an alert unless the workspace already has one with its dedupe key; true when it is new.</summary>
    public Task<bool> RaiseAlertAsync(Alert alert, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("""
            INSERT INTO alerts (workspace_id, id, dedupe_key, kind, subject, message, created_at, attempts, next_attempt_at)
            VALUES (@WorkspaceId, @Id, @DedupeKey, @Kind, @Subject, @Message, @created, 0, @created)
            ON CONFLICT (workspace_id, dedupe_key) DO NOTHING
            """, new { alert.WorkspaceId, alert.Id, alert.DedupeKey, alert.Kind, alert.Subject, alert.Message, created = Ms(alert.CreatedAt) }, cancellationToken)) == 1, cancellationToken);

    public Task<IReadOnlyList<Alert>> AlertsAsync(string workspaceId, int limit, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (IReadOnlyList<Alert>)[.. (await c.QueryAsync<AlertRow>(Command($"{AlertColumns} WHERE workspace_id = @workspaceId ORDER BY created_at DESC, id DESC LIMIT {limit}",
            new { workspaceId }, cancellationToken))).Select(r => r.ToAlert())], cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> alerts due for delivery by pushing their next attempt <paramref name="lease"/>
    /// ahead, so another server does not send them too; returns the claimed alerts.
    /// </summary>
    public Task<IReadOnlyList<Alert>> ClaimDueAlertsAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default) => InTransactionAsync(async (c, t) =>
    {
        var due = (await c.QueryAsync<AlertRow>(Command($"{AlertColumns} WHERE delivered_at IS NULL AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT {max}",
            new { now = Ms(now) }, cancellationToken, t))).ToList();
        var claimed = new List<Alert>();
        foreach (var row in due)
        {
            // Only the server whose update still sees the old time has the claim.
            var updated = await c.ExecuteAsync(Command("UPDATE alerts SET next_attempt_at = @until WHERE workspace_id = @WorkspaceId AND id = @Id AND next_attempt_at = @NextAttemptAt AND delivered_at IS NULL",
                new { until = Ms(now + lease), row.WorkspaceId, row.Id, row.NextAttemptAt }, cancellationToken, t));
            if (updated == 1) claimed.Add(row.ToAlert());
        }
        return (IReadOnlyList<Alert>)claimed;
    }, cancellationToken);

    public Task MarkAlertDeliveredAsync(Alert alert, DateTimeOffset at, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("UPDATE alerts SET delivered_at = @at, attempts = attempts + 1, last_error = NULL WHERE workspace_id = @WorkspaceId AND id = @Id",
            new { at = Ms(at), alert.WorkspaceId, alert.Id }, cancellationToken)), cancellationToken);

    public Task MarkAlertFailedAsync(Alert alert, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("UPDATE alerts SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error WHERE workspace_id = @WorkspaceId AND id = @Id",
            new { next = Ms(nextAttempt), error, alert.WorkspaceId, alert.Id }, cancellationToken)), cancellationToken);

    public Task SetWebhookAsync(string workspaceId, string? url, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("INSERT INTO alert_settings (workspace_id, webhook_url) VALUES (@workspaceId, @url) ON CONFLICT (workspace_id) DO UPDATE SET webhook_url = excluded.webhook_url",
            new { workspaceId, url }, cancellationToken)), cancellationToken);

    public Task<string?> WebhookAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteScalarAsync<string?>(Command("SELECT webhook_url FROM alert_settings WHERE workspace_id = @workspaceId", new { workspaceId }, cancellationToken)), cancellationToken);

    /// <summary>Every workspace that has a budget, for the alert evaluator.</summary>
    public Task<IReadOnlyList<(string WorkspaceId, Budget Budget)>> AllBudgetsAsync(CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
    {
        var workspaces = await c.QueryAsync<string>(Command("SELECT DISTINCT workspace_id FROM budgets ORDER BY workspace_id", null, cancellationToken));
        var all = new List<(string, Budget)>();
        foreach (var workspace in workspaces) all.AddRange((await BudgetsAsync(workspace, cancellationToken)).Select(b => (workspace, b)));
        return (IReadOnlyList<(string, Budget)>)all;
    }, cancellationToken);

    private const string AlertColumns = """
        SELECT workspace_id AS WorkspaceId, id AS Id, dedupe_key AS DedupeKey, kind AS Kind, subject AS Subject, message AS Message, created_at AS CreatedAt,
               delivered_at AS DeliveredAt, attempts AS Attempts, next_attempt_at AS NextAttemptAt, last_error AS LastError
        FROM alerts
        """;

    private sealed record AlertRow(string WorkspaceId, string Id, string DedupeKey, string Kind, string Subject, string Message, long CreatedAt, long? DeliveredAt,
        long Attempts, long NextAttemptAt, string? LastError)
    {
        public Alert ToAlert() => new(WorkspaceId, Id, DedupeKey, Kind, Subject, Message, Time(CreatedAt), DeliveredAt is { } d ? Time(d) : null, (int)Attempts,
            Time(NextAttemptAt), LastError);
    }
}
