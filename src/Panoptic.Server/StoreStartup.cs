using Panoptic.Storage;

namespace Panoptic.Server;

/// <summary>Creates or migrates the store before the server accepts requests.</summary>
internal sealed partial class StoreStartup(PanopticStore store, Gateway.KeyVault vault, ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        LogStore(logger, store.Kind, store.Description);
        // Master key rotation: data keys still wrapped by a previous master key are re-wrapped with the current one.
        if (await vault.RewrapAllAsync(cancellationToken) is > 0 and var rewrapped) LogRewrapped(logger, rewrapped, vault.MasterKeyId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Store: {Kind} at {Where}, schema up to date")]
    private static partial void LogStore(ILogger logger, string kind, string where);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway: re-wrapped {Count} workspace data keys with master key {KeyId}")]
    private static partial void LogRewrapped(ILogger logger, int count, string keyId);

}
