using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Server.Accounts;
using Panoptic.Storage;

namespace Panoptic.Server.Alerts;

/// <summary>GET /api/v1/alerts and the workspace's webhook.</summary>
internal static class AlertEndpoints
{
    public sealed record AlertView(string Id, string Kind, string Subject, string Message, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, int Attempts, string? LastError);

    public sealed record Webhook(string? Url);

    public static void MapAlerts(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/alerts").WithTags("Alerts").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required());
        alerts.MapGet("/", ListAsync);
        alerts.MapGet("/webhook", async (WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok(new Webhook(await store.WebhookAsync(scope.WorkspaceId, cancellationToken))));
        alerts.MapPut("/webhook", SetWebhookAsync);
    }

    public static async Task<Ok<List<AlertView>>> ListAsync(WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.AlertsAsync(scope.WorkspaceId, 200, cancellationToken))
            .Select(a => new AlertView(a.Id, a.Kind, a.Subject, a.Message, a.CreatedAt, a.DeliveredAt, a.Attempts, a.LastError)).ToList());

    public static async Task<Results<NoContent, ProblemHttpResult>> SetWebhookAsync(Webhook body, WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken)
    {
        if (body.Url is not null && !(Uri.TryCreate(body.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            return Problems.BadRequest("url: an http(s) address, or null to stop deliveries");
        await store.SetWebhookAsync(scope.WorkspaceId, body.Url, cancellationToken);
        return TypedResults.NoContent();
    }
}
