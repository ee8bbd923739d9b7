using System.Buffers.Binary;
using System.Text;

namespace Panoptic.Server.Tests.Traces;

/// <summary>
/// Writes OTLP protobuf by hand, field by field, so tests can send what no well-behaved SDK sends: fields out of
/// order, unknown fields, ids of the wrong length, invalid UTF-8, truncated messages.
/// </summary>
public sealed class OtlpWriter
{
    private readonly List<byte> _bytes = [];

    public OtlpWriter Varint(int field, ulong value) => Tag(field, 0).Raw(value);

    public OtlpWriter Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        var buffer = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        _bytes.AddRange(buffer);
        return this;
    }

    public OtlpWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2).Raw((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public OtlpWriter Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public OtlpWriter Message(int field, OtlpWriter message) => Bytes(field, message.ToArray());

    public byte[] ToArray() => _bytes.ToArray();

    private OtlpWriter Tag(int field, int wireType) => Raw(((ulong)field << 3) | (uint)wireType);

    private OtlpWriter Raw(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.Add((byte)value);
        return this;
    }

    /// <summary>A KeyValue with a string value.</summary>
    public static OtlpWriter Attribute(string key, string value) => new OtlpWriter().Text(1, key).Message(2, new OtlpWriter().Text(1, value));

    public static OtlpWriter Attribute(string key, long value) => new OtlpWriter().Text(1, key).Message(2, new OtlpWriter().Varint(3, (ulong)value));

    /// <summary>An ExportTraceServiceRequest with one resource (service.name) and one scope holding <paramref name="spans"/>.</summary>
    public static byte[] Request(string service, params OtlpWriter[] spans)
    {
        var scope = new OtlpWriter().Message(1, new OtlpWriter().Text(1, "test"));
        foreach (var span in spans) scope.Message(2, span);
        var resourceSpans = new OtlpWriter().Message(2, scope).Message(1, new OtlpWriter().Message(1, Attribute("service.name", service)));
        return new OtlpWriter().Message(1, resourceSpans).ToArray();
    }

    public static byte[] Id(int length, byte fill) => Enumerable.Repeat(fill, length).ToArray();
}
