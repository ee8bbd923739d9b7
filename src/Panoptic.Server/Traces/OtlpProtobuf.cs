namespace Panoptic.Server.Traces;

/// <summary>
/// Decodes an OTLP ExportTraceServiceRequest in protobuf (opentelemetry-proto, trace/v1 and common/v1; field numbers
/// below). A payload whose structure is broken — truncated, lengths past the end — fails whole with a
/// <see cref="ProtoException"/>; a span that is well framed but wrong inside (ids of the wrong length, invalid UTF-8,
/// a field of the wrong type) is rejected alone and counted, and the rest of the request is kept.
/// </summary>
internal static class OtlpProtobuf
{
    public static TraceBatch Decode(ReadOnlySpan<byte> request)
    {
        var batch = new TraceBatch();
        var reader = new ProtoReader(request);
        while (!reader.End)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1) // ExportTraceServiceRequest.resource_spans
            {
                ProtoReader.Expect(type, WireType.Len, "resource_spans");
                ResourceSpans(reader.ReadBytes(), batch);
            }
            else reader.Skip(type);
        }
        return batch;
    }

    private static void ResourceSpans(ReadOnlySpan<byte> message, TraceBatch batch)
    {
        // Fields may come in any order: find the resource first, then read the spans with it.
        SpanAttributes resource;
        try
        {
            resource = SpanAttributes.Empty;
            var first = new ProtoReader(message);
            while (!first.End)
            {
                var (field, type) = first.ReadTag();
                if (field == 1) // ResourceSpans.resource
                {
                    ProtoReader.Expect(type, WireType.Len, "resource");
                    resource = Resource(first.ReadBytes());
                }
                else first.Skip(type);
            }
        }
        catch (ProtoException e)
        {
            batch.Reject(CountSpans(message), $"resource: {e.Message}");
            return;
        }
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            var (field, type) = reader.ReadTag();
            if (field == 2) // ResourceSpans.scope_spans
            {
                ProtoReader.Expect(type, WireType.Len, "scope_spans");
                ScopeSpans(reader.ReadBytes(), resource, batch);
            }
            else reader.Skip(type);
        }
    }

    private static SpanAttributes Resource(ReadOnlySpan<byte> message)
    {
        var attributes = new SpanAttributes();
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1) // Resource.attributes
            {
                ProtoReader.Expect(type, WireType.Len, "resource attribute");
                attributes.Add(KeyValue(reader.ReadBytes()));
            }
            else reader.Skip(type);
        }
        return attributes;
    }

    private static void ScopeSpans(ReadOnlySpan<byte> message, SpanAttributes resource, TraceBatch batch)
    {
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            var (field, type) = reader.ReadTag();
            if (field != 2) // ScopeSpans.spans; the scope itself (1) and schema_url (3) are not used
            {
                reader.Skip(type);
                continue;
            }
            ProtoReader.Expect(type, WireType.Len, "spans");
            var span = reader.ReadBytes();
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

    private static TraceSpan Span(ReadOnlySpan<byte> message, SpanAttributes resource)
    {
        UInt128? traceId = null;
        ulong? spanId = null;
        ulong parent = 0;
        string name = "";
        var kind = SpanKind.Unspecified;
        ulong start = 0, end = 0;
        var status = SpanStatus.Unset;
        string? statusMessage = null;
        var attributes = new SpanAttributes();
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    ProtoReader.Expect(type, WireType.Len, "trace_id");
                    traceId = TraceId(reader.ReadBytes());
                    break;
                case 2:
                    ProtoReader.Expect(type, WireType.Len, "span_id");
                    spanId = SpanId(reader.ReadBytes(), "span_id");
                    break;
                case 4:
                    ProtoReader.Expect(type, WireType.Len, "parent_span_id");
                    var bytes = reader.ReadBytes();
                    parent = bytes.IsEmpty ? 0 : SpanId(bytes, "parent_span_id");
                    break;
                case 5:
                    ProtoReader.Expect(type, WireType.Len, "name");
                    name = reader.ReadString();
                    break;
                case 6:
                    ProtoReader.Expect(type, WireType.Varint, "kind");
                    var k = reader.ReadVarint();
                    kind = k <= 5 ? (SpanKind)k : SpanKind.Unspecified;
                    break;
                case 7:
                    ProtoReader.Expect(type, WireType.Fixed64, "start_time_unix_nano");
                    start = reader.ReadFixed64();
                    break;
                case 8:
                    ProtoReader.Expect(type, WireType.Fixed64, "end_time_unix_nano");
                    end = reader.ReadFixed64();
                    break;
                case 9:
                    ProtoReader.Expect(type, WireType.Len, "attributes");
                    attributes.Add(KeyValue(reader.ReadBytes()));
                    break;
                case 15:
                    ProtoReader.Expect(type, WireType.Len, "status");
                    (status, statusMessage) = Status(reader.ReadBytes());
                    break;
                default:
                    reader.Skip(type); // trace_state, events, links, dropped counts, flags
                    break;
            }
        }
        if (traceId is null) throw new ProtoException("span without a trace_id");
        if (spanId is null) throw new ProtoException("span without a span_id");
        return new TraceSpan
        {
            TraceId = traceId.Value, SpanId = spanId.Value, ParentSpanId = parent, Name = name, Kind = kind, StartNanos = start, EndNanos = end,
            Status = status, StatusMessage = statusMessage, Attributes = attributes, Resource = resource,
        };
    }

    private static (SpanStatus, string?) Status(ReadOnlySpan<byte> message)
    {
        var code = SpanStatus.Unset;
        string? text = null;
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            var (field, type) = reader.ReadTag();
            if (field == 2) // Status.message
            {
                ProtoReader.Expect(type, WireType.Len, "status.message");
                text = reader.ReadString();
            }
            else if (field == 3) // Status.code
            {
                ProtoReader.Expect(type, WireType.Varint, "status.code");
                var value = reader.ReadVarint();
                code = value <= 2 ? (SpanStatus)value : SpanStatus.Unset;
            }
            else reader.Skip(type);
        }
        return (code, text);
    }

    private static KeyValuePair<string, AttributeValue> KeyValue(ReadOnlySpan<byte> message)
    {
        var key = "";
        AttributeValue value = default;
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1)
            {
                ProtoReader.Expect(type, WireType.Len, "attribute key");
                key = reader.ReadString();
            }
            else if (field == 2)
            {
                ProtoReader.Expect(type, WireType.Len, "attribute value");
                value = AnyValue(reader.ReadBytes(), depth: 0);
            }
            else reader.Skip(type);
        }
        return new(key, value);
    }

    private static AttributeValue AnyValue(ReadOnlySpan<byte> message, int depth)
    {
        if (depth > 8) throw new ProtoException("attribute values nested deeper than 8 levels");
        AttributeValue value = default;
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    ProtoReader.Expect(type, WireType.Len, "string_value");
                    value = AttributeValue.Of(reader.ReadString());
                    break;
                case 2:
                    ProtoReader.Expect(type, WireType.Varint, "bool_value");
                    value = AttributeValue.Of(reader.ReadVarint() != 0);
                    break;
                case 3:
                    ProtoReader.Expect(type, WireType.Varint, "int_value");
                    value = AttributeValue.Of((long)reader.ReadVarint());
                    break;
                case 4:
                    ProtoReader.Expect(type, WireType.Fixed64, "double_value");
                    value = AttributeValue.Of(BitConverter.UInt64BitsToDouble(reader.ReadFixed64()));
                    break;
                case 5 or 6: // array_value, kvlist_value: kept as text
                    ProtoReader.Expect(type, WireType.Len, field == 5 ? "array_value" : "kvlist_value");
                    value = AttributeValue.Of(Composite(reader.ReadBytes(), field == 6, depth + 1));
                    break;
                case 7:
                    ProtoReader.Expect(type, WireType.Len, "bytes_value");
                    value = AttributeValue.Of(Convert.ToBase64String(reader.ReadBytes()));
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }
        return value;
    }

    private static string Composite(ReadOnlySpan<byte> message, bool keyed, int depth)
    {
        var parts = new List<string>();
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            var (field, type) = reader.ReadTag();
            if (field != 1)
            {
                reader.Skip(type);
                continue;
            }
            ProtoReader.Expect(type, WireType.Len, "values");
            var item = reader.ReadBytes();
            if (keyed)
            {
                var (key, value) = KeyValue(item);
                parts.Add($"{key}={value}");
            }
            else parts.Add(AnyValue(item, depth).ToString());
        }
        return keyed ? "{" + string.Join(", ", parts) + "}" : "[" + string.Join(", ", parts) + "]";
    }

    private static UInt128 TraceId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 16) throw new ProtoException($"trace_id is {bytes.Length} bytes; OTLP trace ids are 16");
        var id = new UInt128(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        if (id == UInt128.Zero) throw new ProtoException("trace_id is all zeroes");
        return id;
    }

    private static ulong SpanId(ReadOnlySpan<byte> bytes, string field)
    {
        if (bytes.Length != 8) throw new ProtoException($"{field} is {bytes.Length} bytes; OTLP span ids are 8");
        var id = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        if (id == 0 && field == "span_id") throw new ProtoException("span_id is all zeroes");
        return id;
    }

    /// <summary>How many spans a resource holds, for the rejection count when its resource cannot be read.</summary>
    private static int CountSpans(ReadOnlySpan<byte> message)
    {
        var count = 0;
        var reader = new ProtoReader(message);
        while (!reader.End)
        {
            var (field, type) = reader.ReadTag();
            if (field != 2 || type != WireType.Len)
            {
                reader.Skip(type);
                continue;
            }
            var scope = new ProtoReader(reader.ReadBytes());
            while (!scope.End)
            {
                var (f, t) = scope.ReadTag();
                if (f == 2) count++;
                scope.Skip(t);
            }
        }
        return count;
    }
}
