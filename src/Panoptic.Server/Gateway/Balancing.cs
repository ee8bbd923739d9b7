namespace Panoptic.Server.Gateway;

/// <summary>How a pool of provider keys serving one model picks the key a request tries first (Panoptic:GatewayBalancing).</summary>
public enum Balancing
{
    /// <summary>At random, each key in proportion to its weight.</summary>
    Weighted,

    /// <summary>The key with the fewest requests in flight on this server; ties by weight.</summary>
    LeastInFlight,
}
