using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Panoptic.Server.Traces;

/// <summary>
/// Writes protobuf fields in order into a growing buffer: what the OTLP responses need, and what the tests and the
/// load client use to build requests (including ones no well-behaved SDK would send).
/// </summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public ProtoWriter Varint(int field, ulong value) => Tag(field, WireType.Varint).Plain(value);

    public ProtoWriter Fixed64(int field, ulong value)
    {
        Tag(field, WireType.Fixed64);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireType.Len).Plain((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message._buffer.WrittenSpan);

    /// <summary>Appends fields another writer already encoded (repeated fields of one message built separately).</summary>
    public ProtoWriter Raw(ProtoWriter fields)
    {
        _buffer.Write(fields._buffer.WrittenSpan);
        return this;
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private ProtoWriter Tag(int field, WireType type) => Plain(((ulong)field << 3) | (ulong)type);

    private ProtoWriter Plain(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[length++] = (byte)value;
        _buffer.Advance(length);
        return this;
    }
}
