using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;

namespace Panoptic.Server;

/// <summary>
/// `--trust-proxy` (Panoptic:TrustProxy): the addresses or networks of the proxies in front of the server. Their
/// X-Forwarded-For and X-Forwarded-Proto are believed, so behind a proxy that ends TLS the session cookie is Secure
/// and login limits count the real client; from anyone else those headers are ignored.
/// </summary>
internal static class TrustedProxies
{
    /// <summary>The entries of a comma-separated list, each an address ("10.0.0.5") or a network ("10.0.0.0/8"); null for an entry that is neither.</summary>
    public static IReadOnlyList<(string Text, IPNetwork? Network)> Parse(string? list) =>
        [.. (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry => (entry, Network(entry)))];

    private static IPNetwork? Network(string entry)
    {
        if (IPNetwork.TryParse(entry, out var network)) return network;
        if (IPAddress.TryParse(entry, out var address)) return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return null;
    }

    public static void Configure(ForwardedHeadersOptions options, string? list)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        // Only the listed proxies: the defaults (loopback) would trust any local process, which is not what was asked.
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var (_, network) in Parse(list))
        {
            if (network is { } n) options.KnownIPNetworks.Add(n);
        }
        // Walk back through a chain of trusted proxies to the first address that is not one of them.
        options.ForwardLimit = null;
    }
}
