using Microsoft.Extensions.Options;
using Panoptic.Storage;

namespace Panoptic.Server.Live;

/// <summary>
/// Runs due live checks every <see cref="ServerOptions.LiveCheckTick"/>: claims workspaces (a lease in the store, so
/// several servers never check one workspace at once) and runs each on its schedule (daily by default).
/// </summary>
internal sealed class LiveCheckService(PanopticStore store, LiveCheckRunner runner, TimeProvider time, IOptions<ServerOptions> options,
    ILogger<LiveCheckService> logger) : DueWorkService(options.Value.LiveCheckTick, time, logger)
{
    private const int MaxPerTick = 4;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    protected override string Work => "Running live checks";

    protected override bool Survives(Exception e) => base.Survives(e) || e is IOException or System.Security.Cryptography.CryptographicException;

    public override async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var due = await store.ClaimDueLiveChecksAsync(Time.GetUtcNow(), Lease, MaxPerTick, cancellationToken);
        foreach (var settings in due) await runner.RunAsync(settings, scheduled: true, cancellationToken);
        return due.Count;
    }
}
