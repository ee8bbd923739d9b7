using System.Net;

namespace Panoptic.Server.Accounts;

/// <summary>
/// The key login limits count by: the client's IPv4 address, or the /64 network of an IPv6 one (a single host
/// usually holds a whole /64, so counting its addresses apart would not limit it at all).
/// </summary>
internal static class ClientAddress
{
    public static string Of(HttpContext http) => Of(http.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null) return "";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
