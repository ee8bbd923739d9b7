using Panoptic.Storage;

namespace Panoptic.Server.Costs;

/// <summary>
/// Folds newly ingested events into the cost rollups every second, and once more at shutdown. Queries are exact
/// without it (they add the pending tail); it keeps that tail short. Every replica runs it; the store lets them
/// take disjoint rows.
/// </summary>
internal sealed partial class RollupService(PanopticStore store, TimeProvider time, ILogger<RollupService> logger) : BackgroundService
{
    private const int BatchSize = 50_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FoldAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FoldAsync(cancellationToken);
    }

    private async Task FoldAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await store.RollUpAsync(BatchSize, cancellationToken) == BatchSize) { }
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            // The boundary of a background loop: the next tick retries; nothing is lost, pending rows stay pending.
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rolling up cost events failed; retrying on the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
