using Panoptic.Storage;

namespace Panoptic.Server;

/// <summary>Creates or migrates the store before the server accepts requests.</summary>
internal sealed partial class StoreStartup(PanopticStore store, ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        LogStore(logger, store.Kind, store.Description);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Store: {Kind} at {Where}, schema up to date")]
    private static partial void LogStore(ILogger logger, string kind, string where);

}
