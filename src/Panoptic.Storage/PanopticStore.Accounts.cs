using Dapper;
using Panoptic.Storage.Accounts;

namespace Panoptic.Storage;

public abstract partial class PanopticStore
{
    /// <summary>Adds a user; false when the email is taken (emails are stored lower-cased by the caller).</summary>
    public Task<bool> CreateUserAsync(User user, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("INSERT INTO users (id, email, password_hash, created_at) VALUES (@Id, @Email, @PasswordHash, @at) ON CONFLICT (email) DO NOTHING",
            new { user.Id, user.Email, user.PasswordHash, at = Ms(user.CreatedAt) }, cancellationToken)) == 1, cancellationToken);

    public Task<User?> FindUserByEmailAsync(string email, CancellationToken cancellationToken = default) =>
        FindUserAsync("email", email, cancellationToken);

    public Task<User?> FindUserAsync(string id, CancellationToken cancellationToken = default) =>
        FindUserAsync("id", id, cancellationToken);

    public Task<bool> AnyUserAsync(CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteScalarAsync<long>(Command("SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) AS one", null, cancellationToken)) > 0, cancellationToken);

    private Task<User?> FindUserAsync(string column, string value, CancellationToken cancellationToken) => WithConnectionAsync(async c =>
    {
        var row = await c.QuerySingleOrDefaultAsync<(string Id, string Email, string PasswordHash, long CreatedAt)?>(
            Command($"SELECT id, email, password_hash, created_at FROM users WHERE {column} = @value", new { value }, cancellationToken));
        return row is { } r ? new User(r.Id, r.Email, r.PasswordHash, Time(r.CreatedAt)) : null;
    }, cancellationToken);

    public Task CreateSessionAsync(Session session, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (@TokenHash, @UserId, @created, @expires)",
            new { session.TokenHash, session.UserId, created = Ms(session.CreatedAt), expires = Ms(session.ExpiresAt) }, cancellationToken)), cancellationToken);

    /// <summary>The session for a token hash, when it exists and has not expired at <paramref name="now"/>.</summary>
    public Task<Session?> FindSessionAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
    {
        var row = await c.QuerySingleOrDefaultAsync<(string TokenHash, string UserId, long CreatedAt, long ExpiresAt)?>(
            Command("SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = @tokenHash AND expires_at > @now",
                new { tokenHash, now = Ms(now) }, cancellationToken));
        return row is { } r ? new Session(r.TokenHash, r.UserId, Time(r.CreatedAt), Time(r.ExpiresAt)) : null;
    }, cancellationToken);

    public Task DeleteSessionAsync(string tokenHash, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("DELETE FROM sessions WHERE token_hash = @tokenHash", new { tokenHash }, cancellationToken)), cancellationToken);

    /// <summary>Records one login attempt for <paramref name="email"/> from <paramref name="address"/> (the client's address, or its network for IPv6).</summary>
    public Task RecordLoginAttemptAsync(string email, string address, DateTimeOffset at, bool succeeded, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("INSERT INTO login_attempts (email, address, at, succeeded) VALUES (@email, @address, @at, @succeeded)",
            new { email, address, at = Ms(at), succeeded = succeeded ? 1 : 0 }, cancellationToken)), cancellationToken);

    /// <summary>
    /// Failed logins for an email from one address after <paramref name="since"/> and after its last successful one
    /// from there, with the latest failure's time.
    /// </summary>
    public Task<(int Count, DateTimeOffset? Latest)> RecentLoginFailuresAsync(string email, string address, DateTimeOffset since, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
    {
        var row = await c.QuerySingleAsync<(long Count, long? Latest)>(Command("""
            SELECT COUNT(*), MAX(at) FROM login_attempts
            WHERE email = @email AND address = @address AND succeeded = 0 AND at > @since
              AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE email = @email AND address = @address AND succeeded = 1), 0)
            """, new { email, address, since = Ms(since) }, cancellationToken));
        return ((int)row.Count, row.Latest is { } l ? Time(l) : (DateTimeOffset?)null);
    }, cancellationToken);

    /// <summary>
    /// Failed logins from one address for any email after <paramref name="since"/>, with the latest failure's time. A
    /// success does not reset it: a sprayer with one account of its own could otherwise clear it at will.
    /// </summary>
    public Task<(int Count, DateTimeOffset? Latest)> RecentAddressLoginFailuresAsync(string address, DateTimeOffset since, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
    {
        var row = await c.QuerySingleAsync<(long Count, long? Latest)>(Command(
            "SELECT COUNT(*), MAX(at) FROM login_attempts WHERE address = @address AND succeeded = 0 AND at > @since",
            new { address, since = Ms(since) }, cancellationToken));
        return ((int)row.Count, row.Latest is { } l ? Time(l) : (DateTimeOffset?)null);
    }, cancellationToken);

    /// <summary>Creates a workspace with <paramref name="ownerId"/> as its owner.</summary>
    public Task CreateWorkspaceAsync(Workspace workspace, string ownerId, CancellationToken cancellationToken = default) => InTransactionAsync(async (c, t) =>
    {
        await c.ExecuteAsync(Command("INSERT INTO workspaces (id, name, created_at) VALUES (@Id, @Name, @at)",
            new { workspace.Id, workspace.Name, at = Ms(workspace.CreatedAt) }, cancellationToken, t));
        return await c.ExecuteAsync(Command("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (@Id, @ownerId, 'owner', @at)",
            new { workspace.Id, ownerId, at = Ms(workspace.CreatedAt) }, cancellationToken, t));
    }, cancellationToken);

    public Task<IReadOnlyList<Membership>> MembershipsAsync(string userId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
    {
        var rows = await c.QueryAsync<(string Id, string Name, long CreatedAt, string Role)>(Command("""
            SELECT w.id, w.name, w.created_at, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
            WHERE m.user_id = @userId ORDER BY w.created_at, w.id
            """, new { userId }, cancellationToken));
        return (IReadOnlyList<Membership>)[.. rows.Select(r => new Membership(new Workspace(r.Id, r.Name, Time(r.CreatedAt)), r.Role))];
    }, cancellationToken);

    /// <summary>The user's membership of one workspace, or null when the user is not a member (or it does not exist).</summary>
    public async Task<Membership?> MembershipAsync(string workspaceId, string userId, CancellationToken cancellationToken = default) =>
        (await MembershipsAsync(userId, cancellationToken)).FirstOrDefault(m => m.Workspace.Id == workspaceId);

    /// <summary>The workspace's members, the owner first, then by when they joined.</summary>
    public Task<IReadOnlyList<Member>> MembersAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (IReadOnlyList<Member>)[.. (await c.QueryAsync<(string UserId, string Email, string Role, long CreatedAt)>(Command("""
            SELECT u.id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.workspace_id = @workspaceId ORDER BY CASE m.role WHEN 'owner' THEN 0 ELSE 1 END, m.created_at, u.email
            """, new { workspaceId }, cancellationToken))).Select(r => new Member(r.UserId, r.Email, r.Role, Time(r.CreatedAt)))], cancellationToken);

    /// <summary>Adds an existing user to a workspace as a member; false when already one.</summary>
    public Task<bool> AddMemberAsync(string workspaceId, string userId, DateTimeOffset at, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (@workspaceId, @userId, 'member', @at) ON CONFLICT DO NOTHING",
            new { workspaceId, userId, at = Ms(at) }, cancellationToken)) == 1, cancellationToken);

    public Task CreateIngestionKeyAsync(IngestionKey key, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("INSERT INTO ingestion_keys (id, workspace_id, name, prefix, key_hash, created_at) VALUES (@Id, @WorkspaceId, @Name, @Prefix, @KeyHash, @at)",
            new { key.Id, key.WorkspaceId, key.Name, key.Prefix, key.KeyHash, at = Ms(key.CreatedAt) }, cancellationToken)), cancellationToken);

    public Task<IReadOnlyList<IngestionKey>> IngestionKeysAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (IReadOnlyList<IngestionKey>)[.. (await c.QueryAsync<KeyRow>(Command($"{KeyColumns} WHERE workspace_id = @workspaceId ORDER BY created_at, id", new { workspaceId }, cancellationToken)))
            .Select(r => r.ToKey())], cancellationToken);

    public Task<IngestionKey?> FindIngestionKeyAsync(string keyHash, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (await c.QuerySingleOrDefaultAsync<KeyRow>(Command($"{KeyColumns} WHERE key_hash = @keyHash", new { keyHash }, cancellationToken)))?.ToKey(), cancellationToken);

    /// <summary>Revokes a key of this workspace; false when the workspace has no such key (another workspace's key included).</summary>
    public Task<bool> RevokeIngestionKeyAsync(string workspaceId, string keyId, DateTimeOffset at, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("UPDATE ingestion_keys SET revoked_at = COALESCE(revoked_at, @at) WHERE workspace_id = @workspaceId AND id = @keyId",
            new { workspaceId, keyId, at = Ms(at) }, cancellationToken)) == 1, cancellationToken);

    private const string KeyColumns = "SELECT id AS Id, workspace_id AS WorkspaceId, name AS Name, prefix AS Prefix, key_hash AS KeyHash, created_at AS CreatedAt, revoked_at AS RevokedAt FROM ingestion_keys";

    private sealed record KeyRow(string Id, string WorkspaceId, string Name, string Prefix, string KeyHash, long CreatedAt, long? RevokedAt)
    {
        public IngestionKey ToKey() => new(Id, WorkspaceId, Name, Prefix, KeyHash, Time(CreatedAt), RevokedAt is { } r ? Time(r) : null);
    }
}
