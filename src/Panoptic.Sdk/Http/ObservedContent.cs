using System.Diagnostics;
using System.Net;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Http;

/// <summary>
/// Watches an LLM response body go by and records the call once: when the body has been read to its end, or when the
/// caller disposes it early (an abandoned stream: priced from what was seen, marked estimated). Thread-safe once.
/// </summary>
internal sealed class ResponseObserver(PanopticSdk.Tracker tracker, ProviderMatch match, HttpRequestMessage request, HttpStatusCode status, long started, bool stream)
{
    private readonly UsageReader _reader = new(stream);
    private readonly Operation _request = PanopticHttpHandler.OperationOf(match, request, null);
    private int _done;
    private bool _broken;

    public void Saw(ReadOnlySpan<byte> bytes)
    {
        if (_broken || _done != 0) return;
        try
        {
            _reader.Append(bytes);
        }
        catch (Exception e)
        {
            // Never the caller's problem: stop reading usage, keep passing bytes through.
            _broken = true;
            SdkEventSource.Log.CallbackFailed("reading usage: " + e.Message);
        }
    }

    /// <summary>The body ended (<paramref name="complete"/>), failed with <paramref name="error"/>, or was abandoned.</summary>
    public void Finish(bool complete, Exception? error = null)
    {
        var ended = Stopwatch.GetTimestamp();
        if (Interlocked.Exchange(ref _done, 1) != 0) return;
        try
        {
            if (!_broken) _reader.Complete();
            complete |= _reader.SawEnd;
            var usage = _reader.Usage;
            var estimated = !complete || usage is null;
            if (usage is null && _reader.TextChunks > 0) usage = new Pricing.Usage { OutputTokens = _reader.TextChunks };
            var operation = _reader.Model is { } model ? _request with { Model = model } : _request;
            tracker.Record(operation, usage, started, ended, error ?? PanopticHttpHandler.Failure(status), estimated && (stream || !complete));
        }
        catch (Exception e)
        {
            SdkEventSource.Log.CallbackFailed("recording a response: " + e.Message);
        }
    }
}

/// <summary>The provider's content, unchanged for the caller, with every byte read shown to the observer on its way.</summary>
internal sealed class ObservedContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly ResponseObserver _observer;

    public ObservedContent(HttpContent inner, ResponseObserver observer)
    {
        _inner = inner;
        _observer = observer;
        foreach (var header in inner.Headers) Headers.TryAddWithoutValidation(header.Key, header.Value);
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new ObservingStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _observer);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) =>
        new ObservingStream(_inner.ReadAsStream(cancellationToken), _observer);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var source = CreateContentReadStream(cancellationToken);
        source.CopyTo(stream);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? 0;
        return _inner.Headers.ContentLength is not null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _observer.Finish(complete: false);
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A read-only pass-through stream that shows the observer what was read and tells it when the body ends.</summary>
internal sealed class ObservingStream(Stream inner, ResponseObserver observer) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception e)
        {
            // A caller that cancels abandons the body; anything else is a failed read.
            observer.Finish(complete: false, e is OperationCanceledException ? null : e);
            throw;
        }
        Seen(buffer.Length, buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A caller that cancels abandons the body; anything else is a failed read.
            observer.Finish(complete: false, e is OperationCanceledException ? null : e);
            throw;
        }
        Seen(buffer.Length, buffer.Span[..read]);
        return read;
    }

    private void Seen(int requested, ReadOnlySpan<byte> bytes)
    {
        // Zero bytes for a non-empty buffer is the end of the body.
        if (bytes.IsEmpty && requested > 0) observer.Finish(complete: true);
        else observer.Saw(bytes);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            observer.Finish(complete: false);
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        observer.Finish(complete: false);
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
