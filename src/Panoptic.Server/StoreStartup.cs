using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Panoptic.Storage;

namespace Panoptic.Server;

/// <summary>Creates or migrates the store before the server accepts requests, and tells a first-time user what to do next.</summary>
internal sealed partial class StoreStartup(PanopticStore store, ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        LogStore(logger, store.Kind, store.Description);
        if (!await store.AnyUserAsync(cancellationToken)) LogFirstRun(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Store: {Kind} at {Where}, schema up to date")]
    private static partial void LogStore(ILogger logger, string kind, string where);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No account yet. Create the first one: curl -X POST <server>/api/v1/auth/signup -H 'Content-Type: application/json' -d (a JSON object with email and password, 12 characters or more), then log in (POST /api/v1/auth/login), create a workspace (POST /api/v1/workspaces) and an ingestion key (POST /api/v1/keys). docs/server.md walks through it.")]
    private static partial void LogFirstRun(ILogger logger);
}
