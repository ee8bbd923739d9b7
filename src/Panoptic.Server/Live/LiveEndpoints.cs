using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Live;
using Panoptic.Server.Accounts;
using Panoptic.Storage;
using Panoptic.Storage.Live;

namespace Panoptic.Server.Live;

/// <summary>
/// /api/v1/live: a workspace's live readiness checks of its deployed product — the targets and schedule (PUT), the
/// latest results (GET), "check now" (POST /run) and the history of runs (GET /runs).
/// </summary>
internal static class LiveEndpoints
{
    public const int MaxTargets = 20;

    public sealed record LiveInput(IReadOnlyList<string>? Targets, double? IntervalHours, string? Resolver);

    public sealed record ResultView(string Target, string Check, string Status, string Message, string? Readiness, string Evidence);

    public sealed record RunView(string RunId, DateTimeOffset CheckedAt, int Pass, int Warn, int Fail, int Error, IReadOnlyList<ResultView> Results);

    public sealed record LiveView(IReadOnlyList<string> Targets, double IntervalHours, string? Resolver, DateTimeOffset? NextRunAt, DateTimeOffset? LastRunAt, RunView? Latest);

    public static void MapLive(this IEndpointRouteBuilder app)
    {
        var live = app.MapGroup("/api/v1/live").WithTags("Live").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required());
        live.MapGet("/", GetAsync);
        live.MapPut("/", PutAsync);
        live.MapPost("/run", RunNowAsync);
        live.MapGet("/runs", async (WorkspaceScope scope, PanopticStore store, int? limit, CancellationToken cancellationToken) =>
            TypedResults.Ok(Runs(await store.LiveResultsAsync(scope.WorkspaceId, Math.Clamp(limit ?? 10, 1, 100), cancellationToken))));
    }

    public static async Task<Results<Ok<LiveView>, ProblemHttpResult>> GetAsync(WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken)
    {
        if (await store.LiveSettingsAsync(scope.WorkspaceId, cancellationToken) is not { } settings) return Problems.NotFound("live check settings (PUT /api/v1/live first)");
        return TypedResults.Ok(View(settings, Runs(await store.LiveResultsAsync(scope.WorkspaceId, 1, cancellationToken)).FirstOrDefault()));
    }

    public static async Task<Results<Ok<LiveView>, ProblemHttpResult>> PutAsync(LiveInput input, WorkspaceScope scope, PanopticStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var targets = (input.Targets ?? []).Select(t => t?.Trim() ?? "").ToList();
        if (targets.Count is 0 or > MaxTargets) errors.Add($"targets: 1 to {MaxTargets} domains (the sending domain) or https URLs (the app, the API)");
        foreach (var target in targets)
        {
            if (LiveTarget.Parse(target, out var error) is null) errors.Add($"targets: {error}");
        }
        var hours = input.IntervalHours ?? 24;
        if (hours is < 1 or > 24 * 30) errors.Add("interval_hours: 1 to 720 (daily is 24)");
        if (input.Resolver is { Length: > 0 } resolver && !IPEndPoint.TryParse(resolver, out _)) errors.Add("resolver: IP[:PORT] of a DNS resolver");
        if (errors.Count > 0) return Problems.BadRequest(string.Join("; ", errors));

        var now = time.GetUtcNow();
        var endpoint = input.Resolver is { Length: > 0 } r ? IPEndPoint.Parse(r) : null;
        if (endpoint is { Port: 0 }) endpoint.Port = 53;
        var settings = new LiveCheckSettings(scope.WorkspaceId, [.. targets.Distinct(StringComparer.OrdinalIgnoreCase)], TimeSpan.FromHours(hours), endpoint?.ToString(), now, now, null);
        await store.SetLiveSettingsAsync(settings, cancellationToken);
        var stored = await store.LiveSettingsAsync(scope.WorkspaceId, cancellationToken);
        return TypedResults.Ok(View(stored!, Runs(await store.LiveResultsAsync(scope.WorkspaceId, 1, cancellationToken)).FirstOrDefault()));
    }

    /// <summary>"Check now": runs the workspace's live checks at once and answers with the run; the schedule is unchanged.</summary>
    public static async Task<Results<Ok<RunView>, ProblemHttpResult>> RunNowAsync(WorkspaceScope scope, PanopticStore store, LiveCheckRunner runner,
        CancellationToken cancellationToken)
    {
        if (await store.LiveSettingsAsync(scope.WorkspaceId, cancellationToken) is not { } settings) return Problems.NotFound("live check settings (PUT /api/v1/live first)");
        var run = await runner.RunAsync(settings, scheduled: false, cancellationToken);
        return TypedResults.Ok(Runs(run.Results).Single());
    }

    private static LiveView View(LiveCheckSettings settings, RunView? latest) =>
        new(settings.Targets, settings.Interval.TotalHours, settings.Resolver, settings.NextRunAt, settings.LastRunAt, latest);

    /// <summary>Stored results grouped by run, newest first.</summary>
    public static List<RunView> Runs(IReadOnlyList<StoredLiveResult> results) => [.. results.GroupBy(r => r.RunId).Select(run =>
    {
        var items = run.ToList();
        return new RunView(run.Key, items[0].CheckedAt, items.Count(r => r.Status == "pass"), items.Count(r => r.Status == "warn"), items.Count(r => r.Status == "fail"),
            items.Count(r => r.Status == "error"), [.. items.Select(r => new ResultView(r.Target, r.Check, r.Status, r.Message, r.Readiness,
                string.Create(CultureInfo.InvariantCulture, $"live: {r.Message} on {r.Target} at {r.CheckedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC")))]);
    }).OrderByDescending(r => r.CheckedAt)];
}
