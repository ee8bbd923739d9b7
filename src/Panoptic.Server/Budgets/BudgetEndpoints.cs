using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Server.Accounts;
using Panoptic.Storage;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Budgets;

/// <summary>Budgets of the workspace: spend to date, percent used and the period-end projection with its band.</summary>
internal static class BudgetEndpoints
{
    public sealed record NewBudget(string? Name, string? Scope, string? ScopeValue, double? Amount, string? Unit, string? Period, DateTimeOffset? StartsAt,
        DateTimeOffset? EndsAt, int[]? Thresholds);

    public sealed record ProjectionView(decimal Projected, decimal Low, decimal High);

    public sealed record BudgetView(string Id, string Name, string Scope, string ScopeValue, string Period, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd,
        double Amount, string Unit, decimal Spent, double PercentUsed, ProjectionView Projection, bool ProjectedOverspend, IReadOnlyList<int> Thresholds,
        IReadOnlyList<int> ThresholdsCrossed)
    {
        /// <summary>What the spend is read from: "recorded" (the ledger) or "billed" (a cost source's figures where one covers the day, the ledger elsewhere).</summary>
        public string Basis { get; init; } = "recorded";
    }

    public static void MapBudgets(this IEndpointRouteBuilder app)
    {
        var budgets = app.MapGroup("/api/v1/budgets").WithTags("Budgets").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required());
        budgets.MapGet("/", ListAsync);
        budgets.MapPost("/", CreateAsync);
        budgets.MapDelete("/{id}", DeleteAsync);
    }

    public static async Task<Ok<List<BudgetView>>> ListAsync(WorkspaceScope scope, PanopticStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var views = new List<BudgetView>();
        foreach (var budget in await store.BudgetsAsync(scope.WorkspaceId, cancellationToken)) views.Add(await StatusAsync(store, scope.WorkspaceId, budget, now, cancellationToken));
        return TypedResults.Ok(views);
    }

    public static async Task<Results<Created<BudgetView>, ProblemHttpResult>> CreateAsync(NewBudget body, WorkspaceScope scope, PanopticStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) problems.Add("name: 1 to 100 characters");
        var budgetScope = body.Scope ?? "workspace";
        if (!Budget.Scopes.Contains(budgetScope)) problems.Add($"scope: one of {string.Join(", ", Budget.Scopes)}");
        var scopeValue = body.ScopeValue?.Trim() ?? "";
        if (budgetScope != "workspace" && scopeValue.Length == 0) problems.Add($"scope_value: which {budgetScope} the budget is for");
        if (budgetScope == "workspace" && scopeValue.Length > 0) problems.Add("scope_value: a workspace budget has none");
        if (body.Amount is not (> 0 and < 1e12) || double.IsNaN(body.Amount ?? 0)) problems.Add("amount: a positive number");
        var unit = body.Unit?.Trim().ToLowerInvariant() ?? "usd";
        if (unit.Length is 0 or > 40) problems.Add("unit: \"usd\" or the usage unit a quota counts (\"emails\")");
        var period = body.Period ?? "month";
        if (period is not ("month" or "custom")) problems.Add("period: month or custom");
        if (period == "custom" && (body.StartsAt is null || body.EndsAt is null || body.EndsAt <= body.StartsAt)) problems.Add("starts_at and ends_at: a custom period needs both, end after start");
        if (period == "month" && (body.StartsAt is not null || body.EndsAt is not null)) problems.Add("starts_at and ends_at: only for period=custom");
        var thresholds = body.Thresholds ?? [50, 80, 100];
        if (thresholds.Length > 10 || thresholds.Any(t => t is < 1 or > 1000)) problems.Add("thresholds: up to 10 percentages between 1 and 1000");
        if (problems.Count > 0) return Problems.BadRequest(string.Join("; ", problems));

        var budget = new Budget("bud_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), name!, budgetScope, scopeValue, period,
            body.StartsAt?.ToUniversalTime(), body.EndsAt?.ToUniversalTime(), body.Amount!.Value, unit, [.. thresholds.Distinct().Order()], time.GetUtcNow());
        await store.AddBudgetAsync(scope.WorkspaceId, budget, cancellationToken);
        return TypedResults.Created($"/api/v1/budgets/{budget.Id}", await StatusAsync(store, scope.WorkspaceId, budget, time.GetUtcNow(), cancellationToken));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
        await store.DeleteBudgetAsync(scope.WorkspaceId, id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("budget");

    /// <summary>Spend to date and the projection of one budget, from the daily rollups of its scope (four weeks of history for the weekday pattern).</summary>
    internal static async Task<BudgetView> StatusAsync(PanopticStore store, string workspaceId, Budget budget, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (start, end) = budget.PeriodAt(now);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var historyStart = new DateTimeOffset(Min(DateOnly.FromDateTime(start.UtcDateTime), today.AddDays(-28)).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var (table, filter) = budget.Scope switch
        {
            "provider" => (RollupTable.ModelDay, (CostDimension?)CostDimension.Provider),
            "feature" => (RollupTable.FeatureDay, CostDimension.Feature),
            "tenant" => (RollupTable.TenantDay, CostDimension.Tenant),
            _ => (RollupTable.TenantDay, null),
        };
        var filters = filter is { } f ? new Dictionary<CostDimension, string> { [f] = budget.ScopeValue } : new Dictionary<CostDimension, string>();
        var rows = await store.QueryCostsAsync(new CostQuery(workspaceId, historyStart, new DateTimeOffset(today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), [],
            RollupGrain.Day, filters), table, cancellationToken);
        var daily = rows.ToDictionary(r => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(r.Bucket).UtcDateTime),
            r => budget.IsUsd ? Nanos.ToUsd(r.CostNanos) : (decimal)r.Units);
        var firstDataDay = rows.Where(r => r.Events > 0).Select(r => (DateOnly?)DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(r.Bucket).UtcDateTime)).Min();
        // Behind the workspace's budgets_use_billed setting: dollars of the workspace or a provider come from the bill where a source covers the day.
        var billed = budget.IsUsd && budget.Scope is "workspace" or "provider" && (await store.ReconciliationSettingsAsync(workspaceId, cancellationToken)).BudgetsUseBilled;
        if (billed)
        {
            var data = await CostSources.ReconciliationData.LoadAsync(store, workspaceId, DateOnly.FromDateTime(historyStart.UtcDateTime), today.AddDays(1), today, cancellationToken);
            daily = data.Daily(budget.Scope == "provider" ? budget.ScopeValue : null);
            var firstBilled = daily.Where(d => d.Value != 0).Select(d => (DateOnly?)d.Key).Min();
            if (firstBilled < firstDataDay || firstDataDay is null) firstDataDay = firstBilled;
        }
        var elapsed = (now - new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)).TotalDays;
        var projection = Projection.Project(DateOnly.FromDateTime(start.UtcDateTime), DateOnly.FromDateTime(end.UtcDateTime), today, elapsed, daily, firstDataDay);
        var amount = (decimal)budget.Amount;
        var percent = Math.Round((double)(projection.Spent / amount * 100), 1);
        return new BudgetView(budget.Id, budget.Name, budget.Scope, budget.ScopeValue, budget.Period, start, end, budget.Amount, budget.Unit, Math.Round(projection.Spent, 6), percent,
            new ProjectionView(Math.Round(projection.Projected, 2), Math.Round(projection.Low, 2), Math.Round(projection.High, 2)), projection.Projected > amount,
            budget.Thresholds, [.. budget.Thresholds.Where(t => percent >= t)]) { Basis = billed ? "billed" : "recorded" };
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
