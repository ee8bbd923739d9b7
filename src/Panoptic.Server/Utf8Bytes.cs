using System.Buffers;
using System.Text;

namespace Panoptic.Server;

/// <summary>
/// Where bytes stop being UTF-8. System.Text.Json parses a document without checking the bytes inside its strings
/// and throws only when one is read, deep in a handler; checking first turns that into a clear 400 or a rejection.
/// </summary>
internal static class Utf8Bytes
{
    /// <summary>The offset of the first byte that is not part of valid UTF-8, or -1 when all are.</summary>
    public static int FirstInvalid(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            // Vectorized over the ASCII runs; only the other bytes are decoded one character at a time.
            var nonAscii = bytes[offset..].IndexOfAnyInRange((byte)0x80, (byte)0xFF);
            if (nonAscii < 0) return -1;
            offset += nonAscii;
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != OperationStatus.Done) return offset;
            offset += consumed;
        }
        return -1;
    }
}
