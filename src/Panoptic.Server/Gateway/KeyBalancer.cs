using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// This server's view of its provider keys under load: the order a pool's keys are tried in (by weight or fewest in
/// flight), the requests each has in flight, the keys cooling down after a 429, and the retry backoff. Per server on
/// purpose, as the circuit breakers: a cool-down only spares this server's requests a key known to refuse them.
/// </summary>
internal sealed class KeyBalancer(TimeProvider time, Random random, IOptions<ServerOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _coolingUntil = new(StringComparer.Ordinal);

    /// <summary>The pool's keys in the order to try them: a weighted draw without replacement, then (for LeastInFlight) the idlest first.</summary>
    public List<ProviderKey> Order(IReadOnlyList<ProviderKey> pool)
    {
        if (pool.Count < 2) return [.. pool];
        var left = pool.ToList();
        var order = new List<ProviderKey>(pool.Count);
        while (left.Count > 1)
        {
            var draw = Next() * left.Sum(k => Math.Max(1, k.Weight));
            var i = 0;
            while (i < left.Count - 1 && (draw -= Math.Max(1, left[i].Weight)) >= 0) i++;
            order.Add(left[i]);
            left.RemoveAt(i);
        }
        order.Add(left[0]);
        // A stable sort: among keys with as many requests in flight, the weighted draw decides.
        return options.Value.GatewayBalancing == Balancing.LeastInFlight ? [.. order.OrderBy(k => InFlight(k.Id))] : order;
    }

    public int InFlight(string providerKeyId) => _inFlight.TryGetValue(providerKeyId, out var count) ? count : 0;

    /// <summary>Counts a request in flight on the key until the returned scope is disposed.</summary>
    public InFlightScope Enter(string providerKeyId)
    {
        _inFlight.AddOrUpdate(providerKeyId, 1, (_, count) => count + 1);
        return new InFlightScope(this, providerKeyId);
    }

    public readonly struct InFlightScope(KeyBalancer balancer, string providerKeyId) : IDisposable
    {
        public void Dispose() => balancer._inFlight.AddOrUpdate(providerKeyId, 0, (_, count) => count - 1);
    }

    /// <summary>When the key may serve again, or null when it is not cooling down.</summary>
    public DateTimeOffset? CoolingUntil(string providerKeyId) =>
        _coolingUntil.TryGetValue(providerKeyId, out var until) && until > time.GetUtcNow() ? until : null;

    /// <summary>The longest cool-down a provider's Retry-After can ask for: a key is not lost for a day to one odd header.</summary>
    public static readonly TimeSpan MaxCoolDown = TimeSpan.FromHours(1);

    /// <summary>Takes the key out of rotation for the provider's Retry-After (at most an hour), or GatewayCoolDown without one; returns for how long.</summary>
    public TimeSpan CoolDown(string providerKeyId, TimeSpan? retryAfter)
    {
        var period = retryAfter is { } asked ? (asked > MaxCoolDown ? MaxCoolDown : asked) : options.Value.GatewayCoolDown;
        var until = time.GetUtcNow() + period;
        _coolingUntil.AddOrUpdate(providerKeyId, until, (_, earlier) => earlier > until ? earlier : until);
        return period;
    }

    /// <summary>A key that served is back in rotation (a retry after its Retry-After succeeded).</summary>
    public void Served(string providerKeyId) => _coolingUntil.TryRemove(providerKeyId, out _);

    /// <summary>Retry n's wait without a Retry-After: full jitter, a random time below GatewayRetryDelay × 2ⁿ, at most GatewayRetryMaxDelay.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(options.Value.GatewayRetryDelay.TotalMilliseconds * Math.Pow(2, attempt), options.Value.GatewayRetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Round(Next() * ceiling));
    }

    // Random is not thread-safe, and the injected one may be a seeded instance rather than Random.Shared.
    private double Next()
    {
        lock (random) return random.NextDouble();
    }
}
