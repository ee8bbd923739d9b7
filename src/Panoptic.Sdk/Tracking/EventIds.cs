using System.Buffers.Binary;

namespace Panoptic.Sdk.Tracking;

/// <summary>
/// Event ids in the UUID version 7 layout (48 bits of Unix milliseconds, then random bits), so they sort by time like
/// <see cref="Guid.CreateVersion7()"/>'s — but from <see cref="Random.Shared"/> instead of the operating system's
/// cryptographic generator, which costs a system call per id (380 ns here, more than all the rest of Track). An id
/// must be unique, not unguessable: 74 random bits within one millisecond make a collision practically impossible.
/// </summary>
internal static class EventIds
{
    public static Guid New(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], Random.Shared.NextInt64());
        BinaryPrimitives.WriteInt64BigEndian(bytes, Random.Shared.NextInt64());
        var ms = at.ToUnixTimeMilliseconds();
        bytes[0] = (byte)(ms >> 40);
        bytes[1] = (byte)(ms >> 32);
        bytes[2] = (byte)(ms >> 24);
        bytes[3] = (byte)(ms >> 16);
        bytes[4] = (byte)(ms >> 8);
        bytes[5] = (byte)ms;
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F)); // version 7
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
