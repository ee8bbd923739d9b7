using Microsoft.Extensions.Options;
using Panoptic.Storage;

namespace Panoptic.Server.CostSources;

/// <summary>
/// Runs due cost sources every <see cref="ServerOptions.CostSyncTick"/>: claims them (a lease in the store, so several
/// servers never sync one source at once) and syncs each on its schedule (hourly by default). A source that fails
/// keeps what it imported and retries at its next run.
/// </summary>
internal sealed partial class CostSyncService(PanopticStore store, CostImporter importer, TimeProvider time, IOptions<ServerOptions> options,
    ILogger<CostSyncService> logger) : BackgroundService
{
    private const int MaxPerTick = 8;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CostSyncTick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException or HttpRequestException)
                {
                    // The boundary of a background loop: logged; a claimed source's lease runs out and the next tick takes it again.
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>Claims and syncs every due source once; returns how many ran. Tests call it on their own clock.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var due = await store.ClaimDueCostSourcesAsync(time.GetUtcNow(), CostImporter.Lease, MaxPerTick, cancellationToken);
        foreach (var source in due) await importer.SyncAsync(source, cancellationToken);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Syncing cost sources failed; retrying on the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
