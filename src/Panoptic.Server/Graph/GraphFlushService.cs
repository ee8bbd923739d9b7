using Microsoft.Extensions.Options;
using Panoptic.Storage;
using Panoptic.Storage.Graph;

namespace Panoptic.Server.Graph;

/// <summary>
/// Moves the service graph's per-minute edges from memory into the store every <see cref="ServerOptions.GraphFlushInterval"/>
/// (adding to what is there, so several servers add up), expiring unpaired spans as it goes; at shutdown it expires
/// and flushes everything. A failed write keeps the edges for the next round: nothing is dropped on a database hiccup.
/// </summary>
internal sealed partial class GraphFlushService(ServiceGraph graph, PanopticStore store, TimeProvider time, IOptions<ServerOptions> options,
    ILogger<GraphFlushService> logger) : BackgroundService
{
    private Dictionary<EdgeKey, EdgeFigures> _unwritten = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.GraphFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(everything: false, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down; StopAsync flushes
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(everything: true, cancellationToken);
    }

    /// <summary>Expires due halves (all of them when <paramref name="everything"/>) and writes the edges; tests call it to skip the timer.</summary>
    public async Task FlushAsync(bool everything, CancellationToken cancellationToken)
    {
        foreach (var (key, figures) in graph.Drain(everything))
        {
            if (_unwritten.TryGetValue(key, out var existing)) existing.Add(figures);
            else _unwritten[key] = figures;
        }
        if (_unwritten.Count == 0) return;
        var edges = _unwritten.Select(e => new GraphEdge(e.Key.Workspace, e.Key.Minute, e.Key.Client, e.Key.Server, e.Key.ConnectionType, e.Value.Requests,
            e.Value.Failed, e.Value.ClientSeconds, e.Value.ServerSeconds, e.Value.Client, e.Value.Server)).ToList();
        try
        {
            await store.AddGraphEdgesAsync(edges, cancellationToken);
            _unwritten = [];
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            LogFailed(logger, edges.Count, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} service-graph edges failed; retrying on the next flush")]
    private static partial void LogFailed(ILogger logger, int count, Exception exception);
}
