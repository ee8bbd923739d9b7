
namespace Panoptic.Server.Alerts;

/// <summary>Evaluates alerts and delivers them every Panoptic:AlertInterval (30 seconds) on the injected clock.</summary>
internal sealed partial class AlertService(AlertEvaluator evaluator, AlertDelivery delivery, TimeProvider time, Microsoft.Extensions.Options.IOptions<ServerOptions> options,
    ILogger<AlertService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AlertInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await evaluator.RunOnceAsync(stoppingToken);
                    await delivery.RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
                {
                    // The boundary of a background loop: logged, retried on the next tick; alerts are deduplicated.
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating or delivering alerts failed; retrying on the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
