using System.Text.Json;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Export;

/// <summary>
/// Writes each event as one line of JSON (the server's event shape) to a stream: standard output or a file, for
/// local debugging or for shipping with a log collector. A write error is retryable (a full disk may clear).
/// </summary>
public sealed class JsonLinesTransport : IEventTransport, IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly MemoryStream _buffer = new();

    /// <summary>Writes to <paramref name="stream"/>; disposes it with the transport when <paramref name="ownsStream"/>.</summary>
    public JsonLinesTransport(Stream stream, bool ownsStream = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _ownsStream = ownsStream;
    }

    /// <summary>A transport appending to the file at <paramref name="path"/> (created with its folder when missing).</summary>
    public static JsonLinesTransport Append(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new JsonLinesTransport(new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete));
    }

    /// <summary>Writes the batch, one line per event, and flushes.</summary>
    public async Task<SendResult> SendAsync(IReadOnlyList<CostEvent> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _buffer.SetLength(0);
        using (var json = new Utf8JsonWriter(_buffer))
        {
            foreach (var e in batch)
            {
                EventJson.Write(json, e);
                json.Flush();
                _buffer.WriteByte((byte)'\n');
                json.Reset();
            }
        }
        try
        {
            await _stream.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return SendResult.Ok;
        }
        catch (IOException e)
        {
            return SendResult.Retryable("writing events failed: " + e.Message);
        }
    }

    /// <summary>Closes the stream when the transport owns it.</summary>
    public void Dispose()
    {
        if (_ownsStream) _stream.Dispose();
        _buffer.Dispose();
    }
}
