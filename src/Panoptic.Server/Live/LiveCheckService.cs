using Microsoft.Extensions.Options;
using Panoptic.Storage;

namespace Panoptic.Server.Live;

/// <summary>
/// Runs due live checks every <see cref="ServerOptions.LiveCheckTick"/>: claims workspaces (a lease in the store, so
/// several servers never check one workspace at once) and runs each on its schedule (daily by default).
/// </summary>
internal sealed partial class LiveCheckService(PanopticStore store, LiveCheckRunner runner, TimeProvider time, IOptions<ServerOptions> options,
    ILogger<LiveCheckService> logger) : BackgroundService
{
    private const int MaxPerTick = 4;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LiveCheckTick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException or IOException
                    or System.Security.Cryptography.CryptographicException)
                {
                    // The boundary of a background loop: logged; a claimed workspace's lease runs out and a later tick takes it again.
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>Claims and runs every due workspace once; returns how many ran. Tests call it on their own clock.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var due = await store.ClaimDueLiveChecksAsync(time.GetUtcNow(), Lease, MaxPerTick, cancellationToken);
        foreach (var settings in due) await runner.RunAsync(settings, scheduled: true, cancellationToken);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Running live checks failed; retrying on the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
