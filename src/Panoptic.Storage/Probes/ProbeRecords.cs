namespace Panoptic.Storage.Probes;

/// <summary>
/// A health probe of one connection: how to check it (<see cref="Kind"/>: tcp, http, postgres, redis, or a plugged-in
/// kind), where (<see cref="Target"/>, which may name server environment variables as ${NAME} instead of holding
/// credentials), how often, its SLO, and its current state.
/// </summary>
public sealed record Probe
{
    public required string WorkspaceId { get; init; }
    public required string Id { get; init; }
    /// <summary>The connection it checks: a registry id (postgresql, redis, stripe) or any name the user chooses.</summary>
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public required string Target { get; init; }
    public int? ExpectedStatus { get; init; }
    public required TimeSpan Interval { get; init; }
    public required TimeSpan Timeout { get; init; }
    /// <summary>Availability objective in percent, e.g. 99.9.</summary>
    public required double SloAvailability { get; init; }
    /// <summary>Latency objective for the p95, in milliseconds.</summary>
    public required double SloLatencyMs { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset NextRunAt { get; init; }
    /// <summary>unknown (never checked), up, degraded or down.</summary>
    public string Status { get; init; } = "unknown";
    public required DateTimeOffset StatusSince { get; init; }
    public DateTimeOffset? LastCheckedAt { get; init; }
    public string? LastError { get; init; }
    public int ConsecutiveFailures { get; init; }
}

/// <summary>A probe's checks over a window: counts and latency buckets (the service graph's bounds).</summary>
public sealed record ProbeWindow(long Checks, long Failures, double Seconds, long[] Buckets);
