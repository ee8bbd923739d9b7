using System.Collections.Concurrent;
using System.Threading.Channels;
using Panoptic.Storage;
using Panoptic.Storage.Gateway;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Gateway;

/// <summary>
/// Writes gateway log rows and their cost events in the background, in batches, so the database is never on a
/// request's path. The queue is bounded: when the store cannot keep up, rows past it are dropped and counted
/// (<see cref="Dropped"/>, on /metrics) rather than holding memory or requests. Shutdown writes what is queued.
/// </summary>
internal sealed partial class GatewayLogWriter(PanopticStore store, TimeProvider time, ILogger<GatewayLogWriter> logger) : BackgroundService
{
    public const int Capacity = 100_000;
    private readonly Channel<(GatewayLog Log, LedgerEvent? Cost)> _queue = Channel.CreateBounded<(GatewayLog, LedgerEvent?)>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private long _dropped, _written;

    public long Dropped => Interlocked.Read(ref _dropped);
    public long Written => Interlocked.Read(ref _written);

    public void Enqueue(GatewayLog log, LedgerEvent? cost)
    {
        if (!_queue.Writer.TryWrite((log, cost))) Interlocked.Increment(ref _dropped);
    }

    // Bodies (opt-in) wait in their own bounded queue and are written after the log rows of the same pass.
    private readonly ConcurrentQueue<(string WorkspaceId, string LogId, GatewayBodies Bodies)> _bodies = new();
    private int _bodyCount;

    public void EnqueueBodies(string workspaceId, string logId, GatewayBodies bodies)
    {
        if (Interlocked.Increment(ref _bodyCount) > 10_000)
        {
            Interlocked.Decrement(ref _bodyCount);
            return;
        }
        _bodies.Enqueue((workspaceId, logId, bodies));
        _queue.Writer.TryWrite((null!, null)); // wake the writer; an empty item carries no row
    }


    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(GatewayLog Log, LedgerEvent? Cost)>(500);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await WriteAvailableAsync(batch, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: write what is left
            await WriteAvailableAsync(batch, CancellationToken.None);
        }
    }

    private async Task WriteAvailableAsync(List<(GatewayLog Log, LedgerEvent? Cost)> batch, CancellationToken cancellationToken)
    {
        while (_queue.Reader.TryRead(out var item))
        {
            if (item.Log is not null) batch.Add(item);
            if (batch.Count == 500 || !_queue.Reader.TryPeek(out _)) await WriteAsync(batch, cancellationToken);
        }
        var bodies = new List<(string, string, GatewayBodies)>();
        while (_bodies.TryDequeue(out var body))
        {
            Interlocked.Decrement(ref _bodyCount);
            bodies.Add(body);
        }
        if (bodies.Count == 0) return;
        try
        {
            await store.AppendGatewayBodiesAsync(bodies, cancellationToken);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            LogWriteFailed(logger, bodies.Count, e.Message);
        }
    }

    /// <summary>
    /// Writes a batch, retrying a store that is briefly unavailable (up to five tries over ~6 s). Both writes are
    /// idempotent — log ids and ledger ids are fixed — so a retry after a half-done try counts nothing twice.
    /// </summary>
    private async Task WriteAsync(List<(GatewayLog Log, LedgerEvent? Cost)> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.AppendGatewayLogsAsync([.. batch.Select(b => b.Log)], cancellationToken);
                foreach (var workspace in batch.Where(b => b.Cost is not null).GroupBy(b => b.Log.WorkspaceId))
                    await store.AppendEventsAsync(workspace.Key, [.. workspace.Select(b => b.Cost!)], time.GetUtcNow(), cancellationToken);
                Interlocked.Add(ref _written, batch.Count);
                break;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
            {
                if (attempt >= 5)
                {
                    Interlocked.Add(ref _dropped, batch.Count);
                    LogWriteFailed(logger, batch.Count, e.Message);
                    break;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt)), CancellationToken.None);
            }
        }
        batch.Clear();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} gateway log rows failed: {Error}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string error);
}
