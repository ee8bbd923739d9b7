using Microsoft.AspNetCore.Components;
using Panoptic.Storage.Accounts;

namespace Panoptic.Server.Dashboard;

/// <summary>
/// A dashboard page about one workspace: it needs a signed-in member. Nobody signed in → the login page; a workspace
/// the user is not a member of (another id in the URL) → 404, the same answer as an id that does not exist.
/// </summary>
public abstract class DashboardPage : ComponentBase
{
    [CascadingParameter] protected HttpContext HttpContext { get; set; } = null!;
    [Inject] protected NavigationManager Navigation { get; set; } = null!;
    [Parameter] public string? WorkspaceId { get; set; }

    /// <summary>The workspace the page shows, once <see cref="OnInitializedAsync"/> found the user a member of it.</summary>
    protected Workspace? Workspace { get; private set; }

    /// <summary>The signed-in user.</summary>
    protected User? User { get; private set; }

    /// <summary>
    /// True once the page has read what it shows. A store that answers asynchronously (PostgreSQL) lets the renderer
    /// draw the page while <see cref="LoadAsync"/> is still reading: until then the page shows nothing, not half its data.
    /// </summary>
    protected bool Ready => Workspace is not null && _loaded;

    private bool _loaded;

    /// <summary>The page's workspace with the signed-in user acting, as the API's handlers take it (so their owner-only rules apply here too).</summary>
    private protected Accounts.WorkspaceScope Scope => new(Workspace!.Id, User!.Id, null);

    protected override async Task OnInitializedAsync()
    {
        var session = await DashboardSession.LoadAsync(HttpContext, WorkspaceId);
        if (session.User is null)
        {
            Navigation.NavigateTo("/login", forceLoad: true);
            return;
        }
        if (session.Workspace is null)
        {
            HttpContext.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        (Workspace, User) = (session.Workspace, session.User);
        await LoadAsync();
        _loaded = true;
    }

    /// <summary>Reads what the page shows (only called for a member).</summary>
    protected abstract Task LoadAsync();

    protected static string Usd(decimal amount) => amount.ToString(amount < 1 ? "$0.0000" : "$#,##0.00", System.Globalization.CultureInfo.InvariantCulture);
}
