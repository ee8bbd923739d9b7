using System.Diagnostics.Metrics;
using System.Threading.Channels;
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
    private readonly Channel<CostEvent> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _pending;
    private long _sent, _dropped, _failed, _sampledOut;

    /// <summary>Starts the background sender over <paramref name="transport"/>.</summary>
    public EventExporter(IEventTransport transport, ExporterOptions? options = null)
    {
        _transport = transport;
        _options = options ?? new ExporterOptions();
        _queue = Channel.CreateBounded<CostEvent>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
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
        Interlocked.Increment(ref _pending);
        // In Wait mode TryWrite never waits: it refuses when the queue is full.
        if (_queue.Writer.TryWrite(e))
        {
            Queued.Add(1);
            return true;
        }
        Interlocked.Decrement(ref _pending);
        Interlocked.Increment(ref _dropped);
        DroppedCount.Add(1);
        SdkEventSource.Log.Dropped();
        return false;
    }

    /// <summary>Waits until every queued event is sent (or failed for good), at most <paramref name="timeout"/>; true when done.</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
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
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                // A partial batch waits up to the flush interval for more events.
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
                {
                    wait.CancelAfter(_options.FlushInterval);
                    try
                    {
                        while (batch.Count < _options.BatchSize)
                        {
                            while (batch.Count < _options.BatchSize && reader.TryRead(out var e)) batch.Add(e);
                            if (batch.Count >= _options.BatchSize || !await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false)) break;
                        }
                    }
                    catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
                    {
                        // the interval is up: send what there is
                    }
                }
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
        _queue.Writer.TryComplete();
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
    }
}
