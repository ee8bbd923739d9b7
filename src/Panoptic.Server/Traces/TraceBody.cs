using System.Buffers;

namespace Panoptic.Server.Traces;

/// <summary>
/// One export's (decompressed) body in memory, every byte of it reserved from the process-wide budget first:
/// 16 gzip exports in flight once reached ~1.2 GB (32 MiB decompressed each, and the growing buffers beside them).
/// Dispose returns the buffer and the reservation.
/// </summary>
internal sealed class TraceBody : IDisposable
{
    // Pooled arrays come in powers of two; past this size one exact allocation wastes nothing (a 32 MiB + 1 body
    // would rent 64 MiB).
    private const int MaxPooled = 1024 * 1024;
    private readonly TraceLoad _load;
    private byte[] _buffer = [];
    private long _reserved;

    private TraceBody(TraceLoad load) => _load = load;

    public enum Outcome { Read, TooLarge, OverBudget }

    public Outcome Result { get; private set; }

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, Length);

    private int Length { get; set; }

    /// <summary>Reads <paramref name="body"/> to its end, or stops at the first byte past <paramref name="max"/> or past the budget.</summary>
    public static async Task<TraceBody> ReadAsync(Stream body, long max, TraceLoad load, CancellationToken cancellationToken)
    {
        var read = new TraceBody(load);
        try
        {
            await using var _ = body;
            if (!read.Grow((int)Math.Min(64 * 1024, max + 1))) return read.Stop(Outcome.OverBudget);
            while (true)
            {
                if (read.Length == read._buffer.Length && !read.Grow((int)Math.Min((long)read._buffer.Length * 2, max + 1))) return read.Stop(Outcome.OverBudget);
                var count = await body.ReadAsync(read._buffer.AsMemory(read.Length), cancellationToken);
                if (count == 0) return read;
                read.Length += count;
                if (read.Length > max) return read.Stop(Outcome.TooLarge);
            }
        }
        catch
        {
            read.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Return(_buffer);
        _buffer = [];
        _load.ReleaseBytes(_reserved);
        _reserved = 0;
    }

    private TraceBody Stop(Outcome outcome)
    {
        Result = outcome;
        return this;
    }

    /// <summary>Moves to a buffer of <paramref name="size"/> bytes; both are held, and reserved, while the bytes are copied.</summary>
    private bool Grow(int size)
    {
        var larger = size <= MaxPooled ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
        if (!_load.TryReserveBytes(larger.Length))
        {
            Return(larger);
            return false;
        }
        _reserved += larger.Length;
        _buffer.AsSpan(0, Length).CopyTo(larger);
        Return(_buffer);
        _load.ReleaseBytes(_buffer.Length);
        _reserved -= _buffer.Length;
        _buffer = larger;
        return true;
    }

    private static void Return(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= MaxPooled) ArrayPool<byte>.Shared.Return(buffer);
    }
}
