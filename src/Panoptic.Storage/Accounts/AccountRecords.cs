namespace Panoptic.Storage.Accounts;

/// <summary>A person who signs in. The password is only ever held as its slow salted hash.</summary>
public sealed record User(string Id, string Email, string PasswordHash, DateTimeOffset CreatedAt);

/// <summary>A signed-in session: the token itself is given to the client once, the store keeps its SHA-256.</summary>
public sealed record Session(string TokenHash, string UserId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>A workspace: the unit everything else (keys, events, budgets, registries) belongs to.</summary>
public sealed record Workspace(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>A workspace as one of its members sees it, with the member's role (owner or member).</summary>
public sealed record Membership(Workspace Workspace, string Role);

/// <summary>A member of a workspace as the workspace sees them: who, with what role, since when.</summary>
public sealed record Member(string UserId, string Email, string Role, DateTimeOffset Since);

/// <summary>
/// A per-workspace ingestion key. The client sees the full key once; the store keeps the visible prefix (to tell keys
/// apart in a list) and the SHA-256 of the key.
/// </summary>
public sealed record IngestionKey(string Id, string WorkspaceId, string Name, string Prefix, string KeyHash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public bool IsActive => RevokedAt is null;
}
