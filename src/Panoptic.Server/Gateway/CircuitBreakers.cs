using System.Collections.Concurrent;

namespace Panoptic.Server.Gateway;

/// <summary>
/// One circuit per provider key, in this server's memory: after <see cref="Threshold"/> failures in a row (429, 5xx,
/// timeouts, unreachable) the key is skipped for <see cref="OpenFor"/> while other targets exist; then one request may
/// try it again (half-open) and a success closes it. Per server on purpose: a breaker protects this server's requests
/// from waiting on a dead upstream, and needs no shared state to do that.
/// </summary>
internal sealed class CircuitBreakers(TimeProvider time)
{
    public const int Threshold = 5;
    public static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(30);

    private sealed class State
    {
        public int Failures;
        public DateTimeOffset OpenUntil;
    }

    private readonly ConcurrentDictionary<string, State> _states = new(StringComparer.Ordinal);

    public bool IsOpen(string providerKeyId) => _states.TryGetValue(providerKeyId, out var state) && state.OpenUntil > time.GetUtcNow();

    public void Succeeded(string providerKeyId)
    {
        if (_states.TryGetValue(providerKeyId, out var state)) lock (state) (state.Failures, state.OpenUntil) = (0, default);
    }

    public void Failed(string providerKeyId, DateTimeOffset now)
    {
        var state = _states.GetOrAdd(providerKeyId, _ => new State());
        lock (state)
        {
            if (++state.Failures >= Threshold) state.OpenUntil = now + OpenFor;
        }
    }
}
