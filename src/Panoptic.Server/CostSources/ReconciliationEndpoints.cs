using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Server.Accounts;
using Panoptic.Storage;
using Panoptic.Storage.CostSources;

namespace Panoptic.Server.CostSources;

/// <summary>GET /api/v1/reconciliation (billed against recorded) and its workspace settings (the drift alert, budgets on billed figures).</summary>
internal static class ReconciliationEndpoints
{
    private const int MaxDays = 400;

    public sealed record SettingsView(double? DriftAlertPercent, double DriftMinUsd, bool BudgetsUseBilled);

    /// <summary>PUT's body: what is left out takes its default (no drift alert, $1 minimum, budgets on recorded spend).</summary>
    public sealed record NewSettings(double? DriftAlertPercent, double? DriftMinUsd, bool? BudgetsUseBilled);

    public static void MapReconciliation(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/reconciliation").WithTags("Cost sources").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required());
        group.MapGet("/", QueryAsync);
        group.MapGet("/settings", async (WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok(View(await store.ReconciliationSettingsAsync(scope.WorkspaceId, cancellationToken))));
        group.MapPut("/settings", SetSettingsAsync);
    }

    /// <summary>GET /api/v1/reconciliation?from&amp;to&amp;provider: days [from, to) (dates; default the current UTC month through today).</summary>
    public static async Task<Results<Ok<ReconciliationReport>, ProblemHttpResult>> QueryAsync(string? from, string? to, string? provider, WorkspaceScope scope, PanopticStore store,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (!TryDay(from, new DateOnly(today.Year, today.Month, 1), out var start)) return Problems.BadRequest("from: a date (2026-11-01) or an RFC 3339 time; its UTC day counts");
        if (!TryDay(to, today.AddDays(1), out var end)) return Problems.BadRequest("to: a date (2026-12-01, exclusive) or an RFC 3339 time");
        if (end <= start) return Problems.BadRequest("to must be after from");
        if (end.DayNumber - start.DayNumber > MaxDays) return Problems.BadRequest($"the window is at most {MaxDays} days");
        var name = string.IsNullOrWhiteSpace(provider) ? null : ProviderNames.Provider(provider);
        var data = await ReconciliationData.LoadAsync(store, scope.WorkspaceId, start, end, today, cancellationToken);
        return TypedResults.Ok(ReconciliationReport.Of(data, name, today));
    }

    public static async Task<Results<Ok<SettingsView>, ProblemHttpResult>> SetSettingsAsync(NewSettings body, WorkspaceScope scope, PanopticStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (body.DriftAlertPercent is { } p && (double.IsNaN(p) || p <= 0 || p > 1000)) problems.Add("drift_alert_percent: above 0 and up to 1000, or null for no alert");
        var minimum = body.DriftMinUsd ?? ReconciliationSettings.Default.DriftMinUsd;
        if (double.IsNaN(minimum) || minimum < 0 || minimum > 1e9) problems.Add("drift_min_usd: 0 or more (the smallest difference in dollars that alerts)");
        if (problems.Count > 0) return Problems.BadRequest(string.Join("; ", problems));
        var settings = new ReconciliationSettings(body.DriftAlertPercent, minimum, body.BudgetsUseBilled ?? false);
        await store.SetReconciliationSettingsAsync(scope.WorkspaceId, settings, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(View(settings));
    }

    private static SettingsView View(ReconciliationSettings s) => new(s.DriftPercent, s.DriftMinUsd, s.BudgetsUseBilled);

    private static bool TryDay(string? text, DateOnly fallback, out DateOnly day)
    {
        day = fallback;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day)) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return false;
        day = DateOnly.FromDateTime(time.UtcDateTime);
        return true;
    }
}
