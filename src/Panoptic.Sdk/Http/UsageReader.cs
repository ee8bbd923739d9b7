using System.Buffers;
using System.Text.Json;
using Panoptic.Sdk.Pricing;

namespace Panoptic.Sdk.Http;

/// <summary>
/// Reads the model and token usage out of LLM responses as their bytes go by: a whole JSON body, or a stream of
/// server-sent events (OpenAI chat and Responses chunks, Anthropic message events, Gemini <c>alt=sse</c>). It keeps
/// only the current line of a stream (and at most <see cref="MaxBodyBytes"/> of a JSON body), so a long stream costs
/// no memory, and it never throws: a chunk it cannot read is skipped.
/// </summary>
internal sealed class UsageReader
{
    public const int MaxBodyBytes = 8 << 20;
    private const int MaxLineBytes = 1 << 20;

    private readonly bool _stream;
    private byte[] _pending = [];
    private int _pendingLength;
    private bool _overflow;

    // The last non-zero value seen for each field: streams repeat usage cumulatively (Anthropic, Gemini) or once at the end (OpenAI).
    private long _input, _output, _cached, _reasoning, _cacheRead, _cacheCreation, _thoughts;

    private readonly bool _validate;

    /// <summary>A reader for a JSON body or (<paramref name="stream"/>) server-sent events; <paramref name="validate"/> parses every chunk, so <see cref="BrokenChunks"/> counts the ones that are not JSON.</summary>
    public UsageReader(bool stream, bool validate = false)
    {
        _stream = stream;
        _validate = validate;
    }

    /// <summary>Data lines that were not JSON (counted when validating).</summary>
    public int BrokenChunks { get; private set; }

    public string? Model { get; private set; }

    /// <summary>Streamed chunks that carried generated text: the estimate of output tokens when no usage arrives.</summary>
    public int TextChunks { get; private set; }

    public bool SawUsage { get; private set; }

    /// <summary>The stream said it was over (OpenAI's <c>[DONE]</c>, Anthropic's <c>message_stop</c>): clients may stop reading there.</summary>
    public bool SawEnd { get; private set; }

    /// <summary>Feeds the next bytes of the body.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_overflow) return;
        if (!_stream)
        {
            if (_pendingLength + bytes.Length > MaxBodyBytes)
            {
                _overflow = true;
                Release();
                return;
            }
            Buffer(bytes);
            return;
        }
        while (!bytes.IsEmpty)
        {
            var newline = bytes.IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (_pendingLength + bytes.Length > MaxLineBytes) _pendingLength = -1; // an absurd line: skip to its end
                else if (_pendingLength >= 0) Buffer(bytes);
                return;
            }
            if (_pendingLength > 0)
            {
                Buffer(bytes[..newline]);
                Line(_pending.AsSpan(0, _pendingLength));
            }
            else if (_pendingLength == 0) Line(bytes[..newline]);
            _pendingLength = 0;
            bytes = bytes[(newline + 1)..];
        }
    }

    /// <summary>The body is complete: reads a JSON body, or a last stream line without its newline.</summary>
    public void Complete()
    {
        if (!_overflow && _pendingLength > 0)
        {
            if (_stream) Line(_pending.AsSpan(0, _pendingLength));
            else Read(_pending.AsSpan(0, _pendingLength), countText: false);
        }
        _pendingLength = 0;
        Release();
    }

    /// <summary>The usage read, or null when the response carried none.</summary>
    public Usage? Usage => SawUsage
        ? new Usage
        {
            // Anthropic counts cache reads and writes outside input_tokens; Gemini counts thoughts outside candidates.
            InputTokens = _input + _cacheRead + _cacheCreation,
            CachedInputTokens = _cacheRead > 0 ? _cacheRead : _cached,
            OutputTokens = _output + _thoughts,
            ReasoningTokens = _thoughts > 0 ? _thoughts : _reasoning,
        }
        : null;

    private void Line(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith("\r"u8)) line = line[..^1];
        if (!line.StartsWith("data:"u8)) return;
        var data = line[5..].TrimStart((byte)' ');
        if (data.IsEmpty) return;
        if (data.SequenceEqual("[DONE]"u8) || data.IndexOf("\"message_stop\""u8) >= 0)
        {
            SawEnd = true;
            return;
        }
        // Once the model is known, a chunk without usage needs no parsing: count its text and move on. This keeps a
        // long stream at a few nanoseconds per chunk instead of a JSON parse each.
        if (!_validate && Model is not null && !MayCarryUsage(data))
        {
            if (CarriesText(data)) TextChunks++;
            return;
        }
        Read(data, countText: true);
    }

    /// <summary>False only when the chunk surely has no usage numbers: no "usage" at all, or only <c>"usage":null</c>.</summary>
    private static bool MayCarryUsage(ReadOnlySpan<byte> data)
    {
        var at = data.IndexOf("sage"u8);
        if (at < 0) return false;
        if (!data[at..].StartsWith("sage\":null"u8)) return true;
        return data[(at + 4)..].IndexOf("sage"u8) >= 0;
    }

    /// <summary>Whether a chunk carries generated text: a non-empty "content", "text" or "delta" string (OpenAI, Anthropic and Gemini, Responses).</summary>
    private static bool CarriesText(ReadOnlySpan<byte> data) =>
        NonEmptyString(data, "\"content\":"u8) || NonEmptyString(data, "\"text\":"u8) || NonEmptyString(data, "\"delta\":"u8);

    private static bool NonEmptyString(ReadOnlySpan<byte> data, ReadOnlySpan<byte> name)
    {
        var at = data.IndexOf(name);
        if (at < 0) return false;
        var value = data[(at + name.Length)..].TrimStart((byte)' ');
        return value.Length >= 2 && value[0] == (byte)'"' && value[1] != (byte)'"';
    }

    private enum Scope : byte { Other, Usage, InputDetails, OutputDetails, Message }

    private void Read(ReadOnlySpan<byte> json, bool countText)
    {
        Span<Scope> scopes = stackalloc Scope[16];
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var depth = 0;
        var property = Scope.Other;
        var name = Name.None;
        try
        {
            while (reader.Read())
            {
                var parent = depth > 0 && depth <= scopes.Length ? scopes[depth - 1] : Scope.Other;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        name = NameOf(ref reader, parent);
                        property = name switch
                        {
                            Name.Usage => Scope.Usage,
                            Name.InputDetails => Scope.InputDetails,
                            Name.OutputDetails => Scope.OutputDetails,
                            Name.Message => Scope.Message,
                            _ => Scope.Other,
                        };
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (depth < scopes.Length) scopes[depth] = reader.TokenType == JsonTokenType.StartObject ? property : Scope.Other;
                        depth++;
                        property = Scope.Other;
                        name = Name.None;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        depth--;
                        break;
                    case JsonTokenType.String:
                        if (name == Name.Model && Model is null && (depth == 1 || parent == Scope.Message)) Model = reader.GetString();
                        else if (name == Name.Text && countText && reader.ValueSpan.Length > 0) TextChunks++;
                        name = Name.None;
                        break;
                    case JsonTokenType.Number:
                        if (name >= Name.Input && reader.TryGetInt64(out var value) && value > 0) Count(name, value);
                        name = Name.None;
                        break;
                    default:
                        name = Name.None;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            BrokenChunks++;
            // A chunk that is not JSON (or is cut off) is skipped; what was read before it stands.
        }
    }

    private enum Name : byte { None, Model, Text, Usage, InputDetails, OutputDetails, Message, Input, Output, Cached, Reasoning, CacheRead, CacheCreation, Thoughts }

    private static Name NameOf(ref Utf8JsonReader reader, Scope parent)
    {
        // Most names in a chunk (id, object, created, choices, index, finish_reason, ...) matter to nobody: outside a
        // usage object, one look at the first byte sets them aside.
        if (parent is Scope.Other or Scope.Message && !reader.ValueIsEscaped && reader.ValueSpan is { Length: > 0 } raw && raw[0] is not ((byte)'u' or (byte)'m' or (byte)'c' or (byte)'t' or (byte)'d' or (byte)'r'))
            return Name.None;
        if (reader.ValueTextEquals("usage"u8) || reader.ValueTextEquals("usageMetadata"u8)) return Name.Usage;
        if (reader.ValueTextEquals("model"u8) || reader.ValueTextEquals("modelVersion"u8)) return Name.Model;
        if (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("delta"u8)) return Name.Text;
        if (reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("response"u8)) return Name.Message;
        switch (parent)
        {
            case Scope.Usage:
                if (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8) || reader.ValueTextEquals("promptTokenCount"u8)) return Name.Input;
                if (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8) || reader.ValueTextEquals("candidatesTokenCount"u8)) return Name.Output;
                if (reader.ValueTextEquals("cachedContentTokenCount"u8)) return Name.Cached;
                if (reader.ValueTextEquals("cache_read_input_tokens"u8)) return Name.CacheRead;
                if (reader.ValueTextEquals("cache_creation_input_tokens"u8)) return Name.CacheCreation;
                if (reader.ValueTextEquals("thoughtsTokenCount"u8)) return Name.Thoughts;
                if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8)) return Name.InputDetails;
                if (reader.ValueTextEquals("completion_tokens_details"u8) || reader.ValueTextEquals("output_tokens_details"u8)) return Name.OutputDetails;
                break;
            case Scope.InputDetails when reader.ValueTextEquals("cached_tokens"u8):
                return Name.Cached;
            case Scope.OutputDetails when reader.ValueTextEquals("reasoning_tokens"u8):
                return Name.Reasoning;
        }
        return Name.None;
    }

    private void Count(Name name, long value)
    {
        SawUsage = true;
        switch (name)
        {
            case Name.Input: _input = value; break;
            case Name.Output: _output = value; break;
            case Name.Cached: _cached = value; break;
            case Name.Reasoning: _reasoning = value; break;
            case Name.CacheRead: _cacheRead = value; break;
            case Name.CacheCreation: _cacheCreation = value; break;
            case Name.Thoughts: _thoughts = value; break;
        }
    }

    private void Buffer(ReadOnlySpan<byte> bytes)
    {
        if (_pendingLength + bytes.Length > _pending.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_pendingLength + bytes.Length, Math.Max(1024, _pending.Length * 2)));
            _pending.AsSpan(0, _pendingLength).CopyTo(grown);
            Release();
            _pending = grown;
        }
        bytes.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += bytes.Length;
    }

    private void Release()
    {
        if (_pending.Length > 0) ArrayPool<byte>.Shared.Return(_pending);
        _pending = [];
    }
}
