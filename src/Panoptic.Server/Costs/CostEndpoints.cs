using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Server.Accounts;
using Panoptic.Storage;

namespace Panoptic.Server.Costs;

/// <summary>GET /api/v1/costs: totals, a time series and the top consumers with their share, read from the rollups.</summary>
internal static class CostEndpoints
{
    public static void MapCosts(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1").WithTags("Costs").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required())
            .MapGet("/costs", QueryAsync);

    public static async Task<Results<Ok<CostReport>, ProblemHttpResult>> QueryAsync(HttpContext http, WorkspaceScope scope, PanopticStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var request = CostRequest.Parse(http.Request.Query, time.GetUtcNow());
        if (request.Error is { } error) return Problems.BadRequest(error);
        var query = request.Query! with { WorkspaceId = scope.WorkspaceId };
        var rows = await store.QueryCostsAsync(query, request.Table!, cancellationToken);
        return TypedResults.Ok(CostReport.Of(query, request.Interval, request.Top, rows));
    }
}
