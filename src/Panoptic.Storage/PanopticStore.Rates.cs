using Dapper;

namespace Panoptic.Storage;

public abstract partial class PanopticStore
{
    /// <summary>Sets (or, with null, removes) the workspace's rate-card overrides, stored as the JSON the user sent.</summary>
    public Task SetRateOverridesAsync(string workspaceId, string? card, string? version, DateTimeOffset at, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        card is null
            ? c.ExecuteAsync(Command("DELETE FROM rate_overrides WHERE workspace_id = @workspaceId", new { workspaceId }, cancellationToken))
            : c.ExecuteAsync(Command("""
                INSERT INTO rate_overrides (workspace_id, card, version, updated_at) VALUES (@workspaceId, @card, @version, @at)
                ON CONFLICT (workspace_id) DO UPDATE SET card = excluded.card, version = excluded.version, updated_at = excluded.updated_at
                """, new { workspaceId, card, version, at = Ms(at) }, cancellationToken)), cancellationToken);

    public Task<(string Card, string Version)?> RateOverridesAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.QuerySingleOrDefaultAsync<(string Card, string Version)?>(Command("SELECT card, version FROM rate_overrides WHERE workspace_id = @workspaceId", new { workspaceId }, cancellationToken)),
        cancellationToken);
}
