using Microsoft.Extensions.Options;
using Panoptic.Storage;

namespace Panoptic.Server.CostSources;

/// <summary>
/// Runs due cost sources every <see cref="ServerOptions.CostSyncTick"/>: claims them (a lease in the store, so several
/// servers never sync one source at once) and syncs each on its schedule (hourly by default). A source that fails
/// keeps what it imported and retries at its next run.
/// </summary>
internal sealed class CostSyncService(PanopticStore store, CostImporter importer, TimeProvider time, IOptions<ServerOptions> options,
    ILogger<CostSyncService> logger) : DueWorkService(options.Value.CostSyncTick, time, logger)
{
    private const int MaxPerTick = 8;

    protected override string Work => "Syncing cost sources";

    protected override bool Survives(Exception e) => base.Survives(e) || e is HttpRequestException;

    public override async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var due = await store.ClaimDueCostSourcesAsync(Time.GetUtcNow(), CostImporter.Lease, MaxPerTick, cancellationToken);
        foreach (var source in due) await importer.SyncAsync(source, cancellationToken);
        return due.Count;
    }
}
