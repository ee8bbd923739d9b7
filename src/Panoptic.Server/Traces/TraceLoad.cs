namespace Panoptic.Server.Traces;

/// <summary>
/// How many trace exports this process is working on and how many bytes their bodies hold, refusing more than the
/// configured numbers (the exporter retries after Retry-After, as OTLP prescribes), and what it received, for /metrics.
/// </summary>
internal sealed class TraceLoad(Microsoft.Extensions.Options.IOptions<ServerOptions> options)
{
    private int _inFlight;
    private long _bytesInFlight;
    private long _spans, _rejected, _costEvents;

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= options.Value.MaxTraceExportsInFlight) return true;
        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes <paramref name="bytes"/> of the exports' shared memory budget (Panoptic:MaxTraceBytesInFlight), or nothing when that would pass it.</summary>
    public bool TryReserveBytes(long bytes)
    {
        if (Interlocked.Add(ref _bytesInFlight, bytes) <= options.Value.MaxTraceBytesInFlight) return true;
        Interlocked.Add(ref _bytesInFlight, -bytes);
        return false;
    }

    public void ReleaseBytes(long bytes) => Interlocked.Add(ref _bytesInFlight, -bytes);

    /// <summary>Bytes of export bodies held in memory now, compressed or not.</summary>
    public long BytesInFlight => Interlocked.Read(ref _bytesInFlight);

    public void Record(int spans, int rejected, int costEvents)
    {
        Interlocked.Add(ref _spans, spans);
        Interlocked.Add(ref _rejected, rejected);
        Interlocked.Add(ref _costEvents, costEvents);
    }

    public (long Spans, long Rejected, long CostEvents) Snapshot() => (Interlocked.Read(ref _spans), Interlocked.Read(ref _rejected), Interlocked.Read(ref _costEvents));
}
