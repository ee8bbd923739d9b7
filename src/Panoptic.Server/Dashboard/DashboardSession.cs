using System.Security.Claims;
using Panoptic.Server.Accounts;
using Panoptic.Storage;
using Panoptic.Storage.Accounts;

namespace Panoptic.Server.Dashboard;

/// <summary>
/// Who is looking at the dashboard and which workspace the page is about: the signed-in user (from the session cookie
/// the authentication handler already checked), and the workspace in the URL — only when the user is a member, so
/// changing the id in the address shows "not found", never another workspace.
/// </summary>
internal sealed class DashboardSession
{
    public User? User { get; private set; }
    public Workspace? Workspace { get; private set; }
    public IReadOnlyList<Membership> Memberships { get; private set; } = [];

    /// <summary>The workspace id in a dashboard path (/w/{id}/...), or null.</summary>
    public static string? WorkspaceIdIn(PathString path) =>
        path.StartsWithSegments("/w", out var rest) && rest.Value is { Length: > 1 } tail ? tail[1..].Split('/')[0] : null;

    /// <summary>Gives the browser the session of a successful log-in: HttpOnly, SameSite=Strict, Secure over HTTPS, until the session expires.</summary>
    public static void SetCookie(HttpContext http, AccountEndpoints.LoggedIn login) =>
        http.Response.Cookies.Append(PanopticAuthentication.CookieName, login.Token, new CookieOptions
        {
            HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict, Expires = login.ExpiresAt, Path = "/",
        });

    /// <summary>
    /// Loads the user and, when the route names one, the workspace (no user when nobody is signed in). The layout and
    /// the page both ask, at once when the store answers asynchronously (PostgreSQL): the first call reads the store and
    /// every other one waits for that same read, never for a session half filled in.
    /// </summary>
    public static Task<DashboardSession> LoadAsync(HttpContext http, string? workspaceId)
    {
        if (http.Items[typeof(DashboardSession)] is Task<DashboardSession> loading) return loading;
        var task = ReadAsync(http, workspaceId);
        http.Items[typeof(DashboardSession)] = task;
        return task;
    }

    private static async Task<DashboardSession> ReadAsync(HttpContext http, string? workspaceId)
    {
        var session = new DashboardSession();
        if (http.User.Identity?.IsAuthenticated != true || http.User.FindFirstValue(PanopticAuthentication.KindClaim) != "user") return session;
        var store = http.RequestServices.GetRequiredService<PanopticStore>();
        session.User ??= await store.FindUserAsync(http.User.FindFirstValue(ClaimTypes.NameIdentifier)!, http.RequestAborted);
        if (session.User is null) return session;
        session.Memberships = await store.MembershipsAsync(session.User.Id, http.RequestAborted);
        if (workspaceId is not null) session.Workspace = session.Memberships.FirstOrDefault(m => m.Workspace.Id == workspaceId)?.Workspace;
        return session;
    }
}
