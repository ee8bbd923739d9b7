using System.Globalization;
using System.Security.Cryptography;
using Panoptic.Server.Budgets;
using Panoptic.Storage;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Alerts;

/// <summary>
/// Raises alerts from the ledger: a budget crossing one of its thresholds, a budget projected to overspend, and a day
/// that spent far above its weekday norm. Each alert has a dedupe key (budget, period and threshold; workspace and
/// day), so a crossing alerts once however often — and on however many servers — this runs.
/// </summary>
internal sealed class AlertEvaluator(PanopticStore store, TimeProvider time)
{

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var raised = 0;
        var workspaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (workspaceId, budget) in await store.AllBudgetsAsync(cancellationToken))
        {
            workspaces.Add(workspaceId);
            var status = await BudgetEndpoints.StatusAsync(store, workspaceId, budget, now, cancellationToken);
            var period = status.PeriodStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var amount = Money(status.Amount, status.Unit);
            foreach (var threshold in status.ThresholdsCrossed)
            {
                raised += await RaiseAsync(workspaceId, $"budget:{budget.Id}:{period}:{threshold}", "budget_threshold", budget.Name,
                    $"Budget \"{budget.Name}\" passed {threshold}%: {Money((double)status.Spent, status.Unit)} of {amount} ({status.PercentUsed:0.#}%) since {period}.", now, cancellationToken);
            }
            if (status.ProjectedOverspend)
            {
                raised += await RaiseAsync(workspaceId, $"budget:{budget.Id}:{period}:projected", "budget_projected_overspend", budget.Name,
                    $"Budget \"{budget.Name}\" is projected to reach {Money((double)status.Projection.Projected, status.Unit)} of {amount} by {status.PeriodEnd:yyyy-MM-dd} (range {Money((double)status.Projection.Low, status.Unit)} to {Money((double)status.Projection.High, status.Unit)}).",
                    now, cancellationToken);
            }
        }
        foreach (var workspaceId in workspaces) raised += await AnomalyAsync(workspaceId, now, cancellationToken);
        return raised;
    }

    /// <summary>Yesterday (a whole day) against the same weekday over the four weeks before it.</summary>
    private async Task<int> AnomalyAsync(string workspaceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var yesterday = today.AddDays(-1);
        var rows = await store.QueryCostsAsync(new CostQuery(workspaceId, yesterday.AddDays(-28), today, [], RollupGrain.Day, new Dictionary<CostDimension, string>()),
            RollupTable.TenantDay, cancellationToken);
        var byDay = rows.ToDictionary(r => r.Bucket, r => Nanos.ToUsd(r.CostNanos));
        var norm = Enumerable.Range(1, 4).Select(w => yesterday.AddDays(-7 * w).ToUnixTimeMilliseconds()).Where(byDay.ContainsKey).Select(d => byDay[d]).ToList();
        if (!byDay.TryGetValue(yesterday.ToUnixTimeMilliseconds(), out var spent) || !SpendAnomaly.Is(spent, norm)) return 0;
        var average = norm.Average();
        return await RaiseAsync(workspaceId, $"anomaly:{yesterday:yyyy-MM-dd}", "spend_anomaly", "daily spend",
            $"Spend on {yesterday:dddd yyyy-MM-dd} was {Money((double)spent, "usd")}, {spent / Math.Max(average, 0.01m):0.#} times the usual {yesterday:dddd} ({Money((double)average, "usd")} on average over {norm.Count} weeks).",
            now, cancellationToken);
    }

    private async Task<int> RaiseAsync(string workspaceId, string key, string kind, string subject, string message, DateTimeOffset now, CancellationToken cancellationToken) =>
        await store.RaiseAlertAsync(new Alert(workspaceId, "alr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), key, kind, subject, message, now, null, 0, now, null),
            cancellationToken) ? 1 : 0;

    private static string Money(double amount, string unit) => unit == "usd"
        ? amount.ToString("$#,##0.00", CultureInfo.InvariantCulture)
        : amount.ToString("#,##0.##", CultureInfo.InvariantCulture) + " " + unit;
}
