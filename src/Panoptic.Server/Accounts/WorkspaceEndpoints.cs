using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Storage;
using Panoptic.Storage.Accounts;

namespace Panoptic.Server.Accounts;

/// <summary>Workspaces a person owns or belongs to, and the ingestion keys of the current workspace.</summary>
internal static class WorkspaceEndpoints
{
    public sealed record WorkspaceView(string Id, string Name, string Role, DateTimeOffset CreatedAt);

    public sealed record MemberView(string Email, string Role, DateTimeOffset Since);

    public sealed record NewWorkspace(string? Name);

    public sealed record NewKey(string? Name);

    /// <summary>The key itself appears here, once, and never again.</summary>
    public sealed record CreatedKey(string Id, string Name, string Prefix, string Key, DateTimeOffset CreatedAt);

    public sealed record KeyView(string Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    public sealed record NewMember(string? Email);

    public static WorkspaceView View(Membership m) => new(m.Workspace.Id, m.Workspace.Name, m.Role, m.Workspace.CreatedAt);

    public static void MapWorkspaces(this IEndpointRouteBuilder app)
    {
        var workspaces = app.MapGroup("/api/v1/workspaces").WithTags("Workspaces").RequireAuthorization(PanopticAuthentication.UserPolicy);
        workspaces.MapGet("/", ListAsync);
        workspaces.MapPost("/", CreateAsync);

        var scoped = app.MapGroup("/api/v1").WithTags("Workspaces").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required());
        scoped.MapGet("/members", async (WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok((await store.MembersAsync(scope.WorkspaceId, cancellationToken)).Select(m => new MemberView(m.Email, m.Role, m.Since)).ToList()));
        scoped.MapPost("/members", AddMemberAsync);
        scoped.MapGet("/keys", ListKeysAsync);
        scoped.MapPost("/keys", CreateKeyAsync);
        scoped.MapDelete("/keys/{id}", RevokeKeyAsync);
    }

    public static async Task<Ok<List<WorkspaceView>>> ListAsync(ClaimsPrincipal principal, PanopticStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.MembershipsAsync(principal.FindFirstValue(ClaimTypes.NameIdentifier)!, cancellationToken)).Select(View).ToList());

    public static async Task<Results<Created<WorkspaceView>, ProblemHttpResult>> CreateAsync(NewWorkspace body, ClaimsPrincipal principal, PanopticStore store,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) return Problems.BadRequest("name: 1 to 100 characters");
        var workspace = new Workspace(Secrets.NewId("ws_"), name, time.GetUtcNow());
        await store.CreateWorkspaceAsync(workspace, principal.FindFirstValue(ClaimTypes.NameIdentifier)!, cancellationToken);
        return TypedResults.Created($"/api/v1/workspaces/{workspace.Id}", new WorkspaceView(workspace.Id, workspace.Name, "owner", workspace.CreatedAt));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> AddMemberAsync(NewMember body, WorkspaceScope scope, PanopticStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var membership = await store.MembershipAsync(scope.WorkspaceId, scope.UserId!, cancellationToken);
        if (membership?.Role != "owner") return Problems.Of(StatusCodes.Status403Forbidden, "Forbidden", "only the workspace's owner can add members");
        var email = AccountEndpoints.NormalizeEmail(body.Email);
        var user = email is null ? null : await store.FindUserByEmailAsync(email, cancellationToken);
        if (user is null) return Problems.NotFound("account with that email (they sign up first)");
        await store.AddMemberAsync(scope.WorkspaceId, user.Id, time.GetUtcNow(), cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<List<KeyView>>> ListKeysAsync(WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.IngestionKeysAsync(scope.WorkspaceId, cancellationToken)).Select(k => new KeyView(k.Id, k.Name, k.Prefix, k.CreatedAt, k.RevokedAt)).ToList());

    public static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> CreateKeyAsync(NewKey body, WorkspaceScope scope, PanopticStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) return Problems.BadRequest("name: 1 to 100 characters (say which app or customer uses the key)");
        var secret = Secrets.NewToken(Secrets.IngestionKeyPrefix);
        var key = new IngestionKey(Secrets.NewId("key_"), scope.WorkspaceId, name, Secrets.VisiblePrefix(secret), Secrets.Hash(secret), time.GetUtcNow(), null);
        await store.CreateIngestionKeyAsync(key, cancellationToken);
        return TypedResults.Created($"/api/v1/keys/{key.Id}", new CreatedKey(key.Id, key.Name, key.Prefix, secret, key.CreatedAt));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(string id, WorkspaceScope scope, PanopticStore store, TimeProvider time,
        CancellationToken cancellationToken) =>
        await store.RevokeIngestionKeyAsync(scope.WorkspaceId, id, time.GetUtcNow(), cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("key");
}
