using System.Security.Cryptography;
using Panoptic.Storage;

namespace Panoptic.Server.CostSources;

/// <summary>
/// Raises a billing_drift alert, through the workspace's alert channels, when a provider's bill this month (the days
/// it covers so far) differs from what the ledger recorded by at least the workspace's drift percent and drift
/// minimum in dollars. Once per provider and month: the dedupe key is provider and month.
/// </summary>
internal sealed class DriftCheck(PanopticStore store)
{
    public async Task<int> CheckAsync(string workspaceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = await store.ReconciliationSettingsAsync(workspaceId, cancellationToken);
        if (settings.DriftPercent is not { } percent) return 0;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var data = await ReconciliationData.LoadAsync(store, workspaceId, monthStart, today.AddDays(1), today, cancellationToken);
        var raised = 0;
        foreach (var provider in ReconciliationReport.Of(data, null, today).Providers)
        {
            var f = provider.Figures;
            if (f.DifferenceUsd is not { } difference || f.DifferenceShare is not { } share) continue;
            if (Math.Abs(share) * 100 < percent || Math.Abs(difference) < (decimal)settings.DriftMinUsd) continue;
            var alert = new Alert(workspaceId, "alr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), $"drift:{provider.Provider}:{monthStart:yyyy-MM}", "billing_drift",
                provider.Provider, $"{provider.Summary} The drift alert is set at {percent:0.##} %.", now, null, 0, now, null);
            if (await store.RaiseAlertAsync(alert, cancellationToken)) raised++;
        }
        return raised;
    }
}
