namespace Panoptic.Server;

/// <summary>
/// A background loop that claims and runs its due work every tick (leases in the store, so several servers never run
/// one item at once). A tick that fails is logged; the claimed items' leases run out and a later tick takes them again.
/// </summary>
internal abstract partial class DueWorkService(TimeSpan tick, TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    /// <summary>What a tick does, for the log: "Syncing cost sources".</summary>
    protected abstract string Work { get; }

    /// <summary>Claims and runs every due item once; returns how many ran. Tests call it on their own clock.</summary>
    public abstract Task<int> RunDueAsync(CancellationToken cancellationToken);

    /// <summary>The failures a tick survives: the store, the network, a timeout.</summary>
    protected virtual bool Survives(Exception e) => e is System.Data.Common.DbException or TimeoutException or InvalidOperationException;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(tick, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunDueAsync(stoppingToken);
                }
                catch (Exception e) when (Survives(e))
                {
                    LogFailed(logger, Work, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Work} failed; retrying on the next tick")]
    private static partial void LogFailed(ILogger logger, string work, Exception exception);
}
