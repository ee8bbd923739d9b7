using System.Globalization;
using System.Text.Json;

namespace Panoptic.Server.Traces;

/// <summary>
/// Decodes an OTLP ExportTraceServiceRequest in OTLP/JSON: the protobuf schema in JSON, lowerCamelCase names (the
/// proto's snake_case names accepted too), trace and span ids as hex, 64-bit integers as strings or numbers, enums as
/// numbers (or their names). Unknown fields are ignored. A document that is not JSON, or not shaped like a request,
/// fails whole with a <see cref="ProtoException"/>; a span wrong inside is rejected alone and counted.
/// </summary>
internal static class OtlpJson
{
    public static TraceBatch Decode(ReadOnlySpan<byte> request)
    {
        // The reader does not check the bytes inside strings; reading one later would throw from deep inside (a 500).
        if (Utf8Bytes.FirstInvalid(request) is >= 0 and var at) throw new ProtoException($"the body is not valid UTF-8 (byte {at})");
        try
        {
            return DecodeUtf8(request);
        }
        catch (InvalidOperationException e)
        {
            // A lone UTF-16 surrogate escape ("\ud800") passes the parser and fails when its string is read.
            throw new ProtoException($"the body holds text that cannot be read ({e.Message})");
        }
    }

    private static TraceBatch DecodeUtf8(ReadOnlySpan<byte> request)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(request, new JsonReaderOptions { MaxDepth = 64 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new ProtoException($"the body is not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ProtoException("the body is not a JSON object");
            var batch = new TraceBatch();
            foreach (var resourceSpans in Array(root, "resourceSpans", "resource_spans"))
            {
                SpanAttributes resource;
                try
                {
                    resource = Property(resourceSpans, "resource") is { } r ? Attributes(r) : SpanAttributes.Empty;
                }
                catch (ProtoException e)
                {
                    batch.Reject(Array(resourceSpans, "scopeSpans", "scope_spans").Sum(s => Array(s, "spans").Count()), $"resource: {e.Message}");
                    continue;
                }
                foreach (var scopeSpans in Array(resourceSpans, "scopeSpans", "scope_spans"))
                {
                    foreach (var span in Array(scopeSpans, "spans"))
                    {
                        try
                        {
                            batch.Spans.Add(Span(span, resource));
                        }
                        catch (ProtoException e)
                        {
                            batch.Reject(1, $"span: {e.Message}");
                        }
                    }
                }
            }
            return batch;
        }
    }

    private static TraceSpan Span(JsonElement span, SpanAttributes resource)
    {
        if (span.ValueKind != JsonValueKind.Object) throw new ProtoException("a span is not a JSON object");
        var traceId = Hex(Property(span, "traceId", "trace_id"), 16, "traceId") ?? throw new ProtoException("span without a traceId");
        var spanId = Hex(Property(span, "spanId", "span_id"), 8, "spanId") ?? throw new ProtoException("span without a spanId");
        var parent = Hex(Property(span, "parentSpanId", "parent_span_id"), 8, "parentSpanId");
        if (traceId == UInt128.Zero) throw new ProtoException("traceId is all zeroes");
        if (spanId == UInt128.Zero) throw new ProtoException("spanId is all zeroes");
        var (status, message) = Property(span, "status") is { ValueKind: JsonValueKind.Object } s
            ? ((SpanStatus)Enum(Property(s, "code"), "STATUS_CODE_", typeof(SpanStatus), 2), Property(s, "message") is { ValueKind: JsonValueKind.String } m ? m.GetString() : null)
            : (SpanStatus.Unset, null);
        return new TraceSpan
        {
            TraceId = traceId, SpanId = (ulong)spanId, ParentSpanId = (ulong)(parent ?? 0),
            Name = Property(span, "name") is { ValueKind: JsonValueKind.String } name ? name.GetString()! : "",
            Kind = (SpanKind)Enum(Property(span, "kind"), "SPAN_KIND_", typeof(SpanKind), 5),
            StartNanos = Unsigned(Property(span, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano"),
            EndNanos = Unsigned(Property(span, "endTimeUnixNano", "end_time_unix_nano"), "endTimeUnixNano"),
            Status = status, StatusMessage = message, Attributes = Attributes(span), Resource = resource,
        };
    }

    /// <summary>The key-value pairs under <paramref name="name"/>: a span's or resource's attributes, or a kvlist's values.</summary>
    private static SpanAttributes Attributes(JsonElement owner, string name = "attributes")
    {
        var attributes = new SpanAttributes();
        foreach (var pair in Array(owner, name))
        {
            if (pair.ValueKind != JsonValueKind.Object || Property(pair, "key") is not { ValueKind: JsonValueKind.String } key)
                throw new ProtoException("an attribute is not {\"key\": ..., \"value\": ...}");
            attributes.Add(new(key.GetString()!, Property(pair, "value") is { ValueKind: JsonValueKind.Object } value ? Any(value, 0) : default));
        }
        return attributes;
    }

    private static AttributeValue Any(JsonElement value, int depth)
    {
        if (depth > 8) throw new ProtoException("attribute values nested deeper than 8 levels");
        foreach (var property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case "stringValue" or "string_value" when property.Value.ValueKind == JsonValueKind.String:
                    return AttributeValue.Of(property.Value.GetString()!);
                case "boolValue" or "bool_value" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    return AttributeValue.Of(property.Value.GetBoolean());
                case "intValue" or "int_value":
                    return AttributeValue.Of(Integer(property.Value, "intValue"));
                case "doubleValue" or "double_value" when property.Value.ValueKind == JsonValueKind.Number:
                    return AttributeValue.Of(property.Value.GetDouble());
                case "bytesValue" or "bytes_value" when property.Value.ValueKind == JsonValueKind.String:
                    return AttributeValue.Of(property.Value.GetString()!);
                case "arrayValue" or "array_value":
                    return AttributeValue.Of("[" + string.Join(", ", Array(property.Value, "values").Select(v => Any(v, depth + 1).ToString())) + "]");
                case "kvlistValue" or "kvlist_value":
                    return AttributeValue.Of("{" + string.Join(", ", Attributes(property.Value, "values").Select(p => $"{p.Key}={p.Value}")) + "}");
                case "stringValue" or "boolValue" or "doubleValue" or "bytesValue" or "string_value" or "bool_value" or "double_value" or "bytes_value":
                    throw new ProtoException($"{property.Name} has the wrong JSON type");
            }
        }
        return default;
    }

    private static JsonElement? Property(JsonElement element, string name, string? alternative = null)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        if (element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null) return value;
        if (alternative is not null && element.TryGetProperty(alternative, out value) && value.ValueKind != JsonValueKind.Null) return value;
        return null;
    }

    private static readonly JsonElement EmptyArray = JsonDocument.Parse("[]").RootElement.Clone();

    private static JsonElement.ArrayEnumerator Array(JsonElement element, string name, string? alternative = null) => Property(element, name, alternative) switch
    {
        null => EmptyArray.EnumerateArray(),
        { ValueKind: JsonValueKind.Array } array => array.EnumerateArray(),
        _ => throw new ProtoException($"{name} is not an array"),
    };

    private static UInt128? Hex(JsonElement? element, int bytes, string name)
    {
        if (element is not { } value) return null;
        if (value.ValueKind != JsonValueKind.String) throw new ProtoException($"{name} is not a hex string");
        var text = value.GetString()!;
        if (text.Length == 0 && name == "parentSpanId") return null;
        if (text.Length != bytes * 2 || !UInt128.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
            throw new ProtoException($"{name} is not {bytes * 2} hex digits");
        return id;
    }

    private static long Integer(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var n) => n,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ => throw new ProtoException($"{name} is not a 64-bit integer"),
    };

    private static ulong Unsigned(JsonElement? element, string name) => element switch
    {
        null => 0,
        { ValueKind: JsonValueKind.Number } n when n.TryGetUInt64(out var v) => v,
        { ValueKind: JsonValueKind.String } s when ulong.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new ProtoException($"{name} is not an unsigned 64-bit integer"),
    };

    private static int Enum(JsonElement? element, string prefix, Type type, int max)
    {
        switch (element)
        {
            case null:
                return 0;
            case { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var v):
                return v >= 0 && v <= max ? v : 0;
            case { ValueKind: JsonValueKind.String } s:
                var name = s.GetString()!;
                var bare = name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
                return System.Enum.TryParse(type, bare.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) ? (int)parsed! : 0;
            default:
                throw new ProtoException($"{prefix.TrimEnd('_').ToLowerInvariant()} is not a number");
        }
    }
}
