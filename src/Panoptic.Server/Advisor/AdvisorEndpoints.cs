using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Server.Accounts;

namespace Panoptic.Server.Advisor;

/// <summary>GET /api/v1/recommendations: the savings advisor's answer for the workspace, kept per UTC day.</summary>
internal static class AdvisorEndpoints
{
    public const int DefaultDays = 30, MinDays = 1, MaxDays = 90;
    private static readonly string[] Known = ["days", "kind", "refresh"];

    public static void MapRecommendations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/recommendations").WithTags("Advisor").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required());
        group.MapGet("/", GetAsync);
    }

    /// <summary>?days (1–90, default 30: the whole UTC days before today), ?kind (one or more kinds, comma separated), ?refresh=true (recompute now).</summary>
    public static async Task<Results<Ok<AdvisorReport>, ProblemHttpResult>> GetAsync(HttpRequest request, WorkspaceScope scope, SavingsAdvisor advisor, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var name in request.Query.Keys.Where(k => !Known.Contains(k)).Order(StringComparer.Ordinal))
            problems.Add($"{name}: not a parameter here (days, kind, refresh)");
        var days = DefaultDays;
        if (request.Query.TryGetValue("days", out var d)
            && (d.Count != 1 || !int.TryParse(d[0], NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < MinDays or > MaxDays))
            problems.Add($"days: a whole number of days from {MinDays} to {MaxDays}");
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in request.Query["kind"].SelectMany(k => (k ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (Recommendation.Kinds.Contains(kind)) kinds.Add(kind);
            else problems.Add($"kind: '{Clip(kind)}' is not one of {string.Join(", ", Recommendation.Kinds)}");
        }
        var refresh = false;
        if (request.Query.TryGetValue("refresh", out var r) && (r.Count != 1 || !bool.TryParse(r[0], out refresh))) problems.Add("refresh: true or false");
        if (problems.Count > 0) return Problems.BadRequest(string.Join("; ", problems));
        var report = await advisor.AdviseAsync(scope.WorkspaceId, days, refresh, cancellationToken);
        if (kinds.Count == 0) return TypedResults.Ok(report);
        var kept = report.Recommendations.Where(x => kinds.Contains(x.Kind)).ToList();
        return TypedResults.Ok(report with { Recommendations = kept, SavingsUsd = kept.Sum(x => x.SavingsUsd ?? 0) });
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
