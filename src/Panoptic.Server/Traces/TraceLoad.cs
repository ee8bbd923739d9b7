namespace Panoptic.Server.Traces;

/// <summary>
/// How many trace exports this process is working on, refusing more than the configured number (the exporter retries
/// after Retry-After, as OTLP prescribes), and what it received, for /metrics.
/// </summary>
internal sealed class TraceLoad(Microsoft.Extensions.Options.IOptions<ServerOptions> options)
{
    private int _inFlight;
    private long _spans, _rejected, _costEvents;

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= options.Value.MaxTraceExportsInFlight) return true;
        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Record(int spans, int rejected, int costEvents)
    {
        Interlocked.Add(ref _spans, spans);
        Interlocked.Add(ref _rejected, rejected);
        Interlocked.Add(ref _costEvents, costEvents);
    }

    public (long Spans, long Rejected, long CostEvents) Snapshot() => (Interlocked.Read(ref _spans), Interlocked.Read(ref _rejected), Interlocked.Read(ref _costEvents));
}
