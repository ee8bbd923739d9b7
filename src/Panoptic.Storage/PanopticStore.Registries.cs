using Dapper;

namespace Panoptic.Storage;

/// <summary>An uploaded registry: when, which project and commit, and the JSON document itself.</summary>
public sealed record StoredRegistry(string Id, DateTimeOffset ReceivedAt, string Project, string? Commit, string? Document)
{
    /// <summary>The commercial-readiness score of the document, when it has one (null for uploads stored before it was kept).</summary>
    public double? ReadinessScore { get; init; }
}

public abstract partial class PanopticStore
{
    public Task AddRegistryAsync(string workspaceId, StoredRegistry registry, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("""
            INSERT INTO registries (workspace_id, id, received_at, project, git_commit, document, readiness_score)
            VALUES (@workspaceId, @Id, @at, @Project, @Commit, @Document, @ReadinessScore)
            """, new { workspaceId, registry.Id, at = Ms(registry.ReceivedAt), registry.Project, registry.Commit, registry.Document, registry.ReadinessScore }, cancellationToken)),
        cancellationToken);

    /// <summary>The workspace's uploads, newest first, without their documents.</summary>
    public Task<IReadOnlyList<StoredRegistry>> RegistriesAsync(string workspaceId, int limit, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (IReadOnlyList<StoredRegistry>)[.. (await c.QueryAsync<(string Id, long ReceivedAt, string Project, string? Commit, double? Score)>(Command(
            $"SELECT id, received_at, project, git_commit, readiness_score FROM registries WHERE workspace_id = @workspaceId ORDER BY received_at DESC, id DESC LIMIT {limit}",
            new { workspaceId }, cancellationToken))).Select(r => new StoredRegistry(r.Id, Time(r.ReceivedAt), r.Project, r.Commit, null) { ReadinessScore = r.Score })],
        cancellationToken);

    /// <summary>One upload with its document; "latest" names the newest. Null when the workspace has no such upload.</summary>
    public Task<StoredRegistry?> RegistryAsync(string workspaceId, string id, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
    {
        var sql = id == "latest"
            ? "SELECT id, received_at, project, git_commit, document FROM registries WHERE workspace_id = @workspaceId ORDER BY received_at DESC, id DESC LIMIT 1"
            : "SELECT id, received_at, project, git_commit, document FROM registries WHERE workspace_id = @workspaceId AND id = @id";
        var row = await c.QuerySingleOrDefaultAsync<(string Id, long ReceivedAt, string Project, string? Commit, string Document)?>(Command(sql, new { workspaceId, id }, cancellationToken));
        return row is { } r ? new StoredRegistry(r.Id, Time(r.ReceivedAt), r.Project, r.Commit, r.Document) : null;
    }, cancellationToken);
}
