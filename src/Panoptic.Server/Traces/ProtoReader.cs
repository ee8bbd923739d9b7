using System.Buffers.Binary;
using System.Text;

namespace Panoptic.Server.Traces;

/// <summary>The protobuf wire types (the encoding of a field's value).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    Len = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>A payload that is not valid protobuf: truncated, a bad tag, a length past the end, a field of the wrong type.</summary>
internal sealed class ProtoException(string message) : Exception(message);

/// <summary>
/// Reads protobuf's wire format forward over a buffer, one field at a time, allocating nothing: the caller switches on
/// field numbers, reads the values it knows and skips the rest, so fields may come in any order and unknown ones
/// (from newer senders) are ignored. Every length is checked against what is left; nothing reads past the end.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool End => _position >= _data.Length;

    /// <summary>The next field's number and wire type.</summary>
    public (int Field, WireType Type) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        var type = (WireType)(tag & 7);
        if (field is 0 or > 536_870_911) throw new ProtoException($"invalid field number {field} at byte {_position}");
        if (type is > WireType.Fixed32) throw new ProtoException($"invalid wire type {(int)type} at byte {_position}");
        return ((int)field, type);
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length) throw new ProtoException("truncated varint");
            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new ProtoException("varint longer than 10 bytes");
    }

    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    /// <summary>A length-delimited value: bytes, a string, or an embedded message to read with a new reader.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position)) throw new ProtoException($"length {length} runs past the end of the message");
        return Take((int)length);
    }

    /// <summary>A string field; protobuf strings are UTF-8, and a value that is not is an error, never silently altered.</summary>
    public string ReadString()
    {
        var bytes = ReadBytes();
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw new ProtoException("a string field is not valid UTF-8");
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Checks a field arrived with the wire type the schema gives it.</summary>
    public static void Expect(WireType actual, WireType expected, string field)
    {
        if (actual != expected) throw new ProtoException($"{field} has wire type {actual}, expected {expected}");
    }

    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: Take(8); break;
            case WireType.Len: ReadBytes(); break;
            case WireType.Fixed32: Take(4); break;
            default: throw new ProtoException($"groups (wire type {(int)type}) are not used by OTLP");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position) throw new ProtoException("truncated value");
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
