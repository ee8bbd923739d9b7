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

    /// <summary>
    /// Why a JSON document's text cannot be read — bytes that are not UTF-8, or a lone UTF-16 surrogate escape
    /// ("\ud800", which parses and fails only when its string is read) — or null when every string reads.
    /// </summary>
    public static string? JsonTextProblem(ReadOnlySpan<byte> json)
    {
        if (FirstInvalid(json) is >= 0 and var at) return $"not valid UTF-8 (byte {at})";
        // Only escaped strings can hide a lone surrogate; most bodies have none, and skip the second pass.
        if (json.IndexOf("\\u"u8) < 0) return null;
        var reader = new System.Text.Json.Utf8JsonReader(json, new System.Text.Json.JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is System.Text.Json.JsonTokenType.String or System.Text.Json.JsonTokenType.PropertyName && reader.ValueIsEscaped) reader.GetString();
            }
        }
        catch (InvalidOperationException e)
        {
            return $"the string at byte {reader.TokenStartIndex} cannot be read ({e.Message})";
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON at all: the caller's parser says so in its own words.
        }
        return null;
    }
}
