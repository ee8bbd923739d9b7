using System.Diagnostics.Metrics;
using System.Collections.Concurrent;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Export;

/// <summary>How the exporter batches, queues and retries.</summary>
public sealed record ExporterOptions
{
    /// <summary>Events held while the transport is slow or down; past it new events are dropped (and counted), so memory stays bounded.</summary>
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>Most events in one batch.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>How long a partial batch waits for more events.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>First retry delay; each next one doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between retries.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Sends tracked events in the background, never blocking the caller: a bounded queue, batches by size and time,
/// retries with exponential backoff and jitter on retryable failures (honouring Retry-After) — a batch is retried
/// until it is sent, so an outage delays events instead of losing them while the queue has room — and counters on
/// the "Panoptic.Sdk" meter: panoptic.sdk.events.queued, .sent, .dropped, .failed, .sampled_out.
/// </summary>
public sealed class EventExporter : IAsyncDisposable
{
    private static readonly Meter Meter = new("Panoptic.Sdk");
    private static readonly Counter<long> Queued = Meter.CreateCounter<long>("panoptic.sdk.events.queued");
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("panoptic.sdk.events.sent");
    private static readonly Counter<long> DroppedCount = Meter.CreateCounter<long>("panoptic.sdk.events.dropped");
    private static readonly Counter<long> FailedCount = Meter.CreateCounter<long>("panoptic.sdk.events.failed");
    private static readonly Counter<long> SampledOutCounter = Meter.CreateCounter<long>("panoptic.sdk.events.sampled_out");

    private readonly IEventTransport _transport;
    private readonly ExporterOptions _options;
    // The caller's side is a lock-free queue and a counter: no lock, no wake-up per event. The sender wakes when a
    // batch is full or the flush interval is up.
    private readonly ConcurrentQueue<CostEvent> _queue = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _queued;
    private volatile bool _completed;
    private long _pending;
    private long _sent, _dropped, _failed, _sampledOut;

    /// <summary>Starts the background sender over <paramref name="transport"/>.</summary>
    public EventExporter(IEventTransport transport, ExporterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _options = options ?? new ExporterOptions();
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Events sent, dropped because the queue was full, and failed for good (a permanent transport error).</summary>
    public (long Sent, long Dropped, long Failed) Counts => (Interlocked.Read(ref _sent), Interlocked.Read(ref _dropped), Interlocked.Read(ref _failed));

    /// <summary>Operations the sampler left out (never queued).</summary>
    public long SampledOut => Interlocked.Read(ref _sampledOut);

    internal void CountSampledOut()
    {
        Interlocked.Increment(ref _sampledOut);
        SampledOutCounter.Add(1);
    }

    /// <summary>Queues an event; false (and counted as dropped) when the queue is full or the exporter is stopping.</summary>
    public bool Enqueue(CostEvent e)
    {
        var queued = Interlocked.Increment(ref _queued);
        if (queued > _options.QueueCapacity || _completed)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
            DroppedCount.Add(1);
            SdkEventSource.Log.Dropped();
            return false;
        }
        Interlocked.Increment(ref _pending);
        _queue.Enqueue(e);
        Queued.Add(1);
        if (queued == _options.BatchSize) _wake.Release();
        return true;
    }

    /// <summary>Waits until every queued event is sent (or failed for good), at most <paramref name="timeout"/>; true when done.</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        if (Interlocked.Read(ref _pending) > 0) _wake.Release();
        while (Interlocked.Read(ref _pending) > 0)
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(10).ConfigureAwait(false);
        }
        return true;
    }

    private async Task RunAsync()
    {
        var batch = new List<CostEvent>(_options.BatchSize);
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                // A partial batch waits up to the flush interval for more events; a full one (or a flush) wakes it.
                if (Volatile.Read(ref _queued) < _options.BatchSize) await _wake.WaitAsync(_options.FlushInterval, _stopping.Token).ConfigureAwait(false);
                while (batch.Count < _options.BatchSize && _queue.TryDequeue(out var e)) batch.Add(e);
                if (batch.Count == 0) continue;
                Interlocked.Add(ref _queued, -batch.Count);
                await SendAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // disposed
        }
    }

    private async Task SendAsync(List<CostEvent> batch)
    {
        var delay = _options.RetryDelay;
        while (true)
        {
            SendResult result;
            try
            {
                result = await _transport.SendAsync(batch, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result = SendResult.Retryable(e.GetType().Name + ": " + e.Message);
            }
            if (result.Sent)
            {
                Interlocked.Add(ref _sent, batch.Count);
                Sent.Add(batch.Count);
                Interlocked.Add(ref _pending, -batch.Count);
                return;
            }
            if (!result.Retry)
            {
                Interlocked.Add(ref _failed, batch.Count);
                FailedCount.Add(batch.Count);
                Interlocked.Add(ref _pending, -batch.Count);
                SdkEventSource.Log.SendFailed(batch.Count, result.Error ?? "");
                return;
            }
            var wait = result.RetryAfter is { } after && after > TimeSpan.Zero ? after : delay * (0.8 + Random.Shared.NextDouble() * 0.4);
            SdkEventSource.Log.SendRetrying(batch.Count, result.Error ?? "", (long)wait.TotalMilliseconds);
            await Task.Delay(wait, _stopping.Token).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
        }
    }

    /// <summary>Sends what is queued (for up to five seconds), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _completed = true;
        await FlushAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped mid-retry
        }
        _stopping.Dispose();
        _wake.Dispose();
    }
}
