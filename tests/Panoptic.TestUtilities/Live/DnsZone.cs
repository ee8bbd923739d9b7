using System.Net;

namespace Panoptic.TestUtilities.Live;

/// <summary>A constructed DNS zone for <see cref="LoopbackDns"/>: records by name, each as its type and wire-format data.</summary>
public sealed class DnsZone
{
    internal Dictionary<string, List<(ushort Type, byte[] Data)>> Records { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Answers carry the AD flag (as a validating resolver sets it for a signed zone).</summary>
    public bool Authenticated { get; set; }

    public DnsZone Txt(string name, params string[] values)
    {
        foreach (var value in values)
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(value);
            using var data = new MemoryStream();
            for (var i = 0; i < bytes.Length; i += 255)
            {
                var piece = bytes.AsSpan(i, Math.Min(255, bytes.Length - i));
                data.WriteByte((byte)piece.Length);
                data.Write(piece);
            }
            if (bytes.Length == 0) data.WriteByte(0);
            Add(name, 16, data.ToArray());
        }
        return this;
    }

    public DnsZone Mx(string name, ushort preference, string exchange) => Add(name, 15, [(byte)(preference >> 8), (byte)preference, .. Name(exchange)]);

    public DnsZone Caa(string name, string tag, string value) =>
        Add(name, 257, [0, (byte)tag.Length, .. System.Text.Encoding.ASCII.GetBytes(tag), .. System.Text.Encoding.ASCII.GetBytes(value)]);

    public DnsZone DnsKey(string name) => Add(name, 48, [1, 1, 3, 13, .. new byte[64]]);

    /// <summary>Takes a name and its records out of the zone (a record deleted between two checks).</summary>
    public DnsZone Remove(string name)
    {
        Records.Remove(name.TrimEnd('.'));
        return this;
    }

    public DnsZone A(string name, IPAddress address) => Add(name, 1, address.GetAddressBytes());

    private DnsZone Add(string name, ushort type, byte[] data)
    {
        var key = name.TrimEnd('.');
        if (!Records.TryGetValue(key, out var list)) Records[key] = list = [];
        list.Add((type, data));
        return this;
    }

    internal static byte[] Name(string name)
    {
        using var data = new MemoryStream();
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            data.WriteByte((byte)label.Length);
            data.Write(System.Text.Encoding.ASCII.GetBytes(label));
        }
        data.WriteByte(0);
        return data.ToArray();
    }
}
