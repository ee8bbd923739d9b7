using System.Security.Claims;
using Panoptic.Storage;

namespace Panoptic.Server.Accounts;

/// <summary>
/// The one workspace a /api/v1 call acts on: an ingestion key's own workspace, or for a person the workspace named in
/// the Panoptic-Workspace header (or their only one). Resolved by <see cref="Middleware"/> before the handler runs,
/// and bound as a handler parameter.
/// </summary>
internal sealed record WorkspaceScope(string WorkspaceId, string? UserId, string? KeyId)
{
    public const string Header = "Panoptic-Workspace";

    /// <summary>Endpoint metadata: this endpoint acts on one workspace.</summary>
    public sealed class Required;

    public static ValueTask<WorkspaceScope?> BindAsync(HttpContext context) =>
        ValueTask.FromResult(context.Items[typeof(WorkspaceScope)] as WorkspaceScope);

    public static async Task Middleware(HttpContext context, Func<Task> next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<Required>() is null || context.User.Identity?.IsAuthenticated != true)
        {
            await next();
            return;
        }
        var id = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        if (context.User.FindFirstValue(PanopticAuthentication.KindClaim) == "key")
        {
            context.Items[typeof(WorkspaceScope)] = new WorkspaceScope(context.User.FindFirstValue(PanopticAuthentication.WorkspaceClaim)!, null, id);
            await next();
            return;
        }
        var store = context.RequestServices.GetRequiredService<PanopticStore>();
        var memberships = await store.MembershipsAsync(id, context.RequestAborted);
        var named = context.Request.Headers[Header].ToString();
        var chosen = named.Length > 0 ? memberships.FirstOrDefault(m => m.Workspace.Id == named)
            : memberships.Count == 1 ? memberships[0] : null;
        if (chosen is null)
        {
            var (status, title, detail) = named.Length > 0 ? (404, "Not found", "no such workspace")
                : memberships.Count == 0 ? (404, "Not found", "you have no workspace yet: create one with POST /api/v1/workspaces")
                : (400, "Bad request", $"you belong to {memberships.Count} workspaces: name one in the {Header} header");
            await Problems.WriteAsync(context, status, title, detail);
            return;
        }
        context.Items[typeof(WorkspaceScope)] = new WorkspaceScope(chosen.Workspace.Id, id, null);
        await next();
    }
}
