using System.Diagnostics;
using Microsoft.Extensions.Options;
using Panoptic.Server.Graph;
using Panoptic.Storage;
using Panoptic.Storage.Probes;

namespace Panoptic.Server.Probes;

/// <summary>
/// Runs due probes: every <see cref="ServerOptions.ProbeTick"/> it claims the probes whose next run has come (a lease in
/// the store, so several servers never check one target at once and a probe is never in flight twice), checks them
/// in parallel (at most <see cref="ServerOptions.MaxProbesInFlight"/>), each under its timeout, records the result and
/// the next run (the interval plus up to a tenth of jitter, so 200 targets do not fire in step), and raises an alert
/// when a target goes down.
/// </summary>
internal sealed partial class ProbeRunner(PanopticStore store, IEnumerable<IProbeKind> kinds, TimeProvider time, IOptions<ServerOptions> options,
    ILogger<ProbeRunner> logger) : BackgroundService
{
    /// <summary>Consecutive failed checks before a target is down (one failure makes it degraded).</summary>
    public const int FailuresToDown = 2;

    private readonly Dictionary<string, IProbeKind> _kinds = kinds.ToDictionary(k => k.Kind, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ProbeTick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
                {
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>Claims and runs every due probe once; returns how many ran. Tests call it on their own clock.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var due = await store.ClaimDueProbesAsync(now, TimeSpan.FromMinutes(2), settings.MaxProbesInFlight, cancellationToken);
        await Task.WhenAll(due.Select(p => RunAsync(p, cancellationToken)));
        return due.Count;
    }

    private async Task RunAsync(Probe probe, CancellationToken cancellationToken)
    {
        var (ok, seconds, error) = await CheckAsync(probe, cancellationToken);
        var now = time.GetUtcNow();
        var failures = ok ? 0 : probe.ConsecutiveFailures + 1;
        var status = ok ? (seconds * 1000 > probe.SloLatencyMs ? "degraded" : "up") : failures >= FailuresToDown ? "down" : "degraded";
        var since = status == probe.Status ? probe.StatusSince : now;
        var jitter = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * probe.Interval.TotalMilliseconds / 10);
        await store.RecordProbeAsync(probe, now, ok, seconds, LatencyHistogram.BucketOf(seconds), status, since, failures, error, now + probe.Interval + jitter, cancellationToken);
        if (status == "down" && probe.Status != "down")
        {
            await store.RaiseAlertAsync(new Alert(probe.WorkspaceId, "alr_" + Guid.NewGuid().ToString("N")[..16], $"probe-down:{probe.Id}:{since.ToUnixTimeMilliseconds()}",
                "probe_down", probe.Name, $"{probe.Name} is down: {error} ({FailuresToDown} failed checks in a row, {probe.Kind} {probe.Target})", now, null, 0, now, null), cancellationToken);
        }
        if (!ok) await AlertFastBurnAsync(probe, now, cancellationToken);
        if (probe.Status == "down" && ok)
        {
            await store.RaiseAlertAsync(new Alert(probe.WorkspaceId, "alr_" + Guid.NewGuid().ToString("N")[..16], $"probe-up:{probe.Id}:{since.ToUnixTimeMilliseconds()}",
                "probe_recovered", probe.Name, $"{probe.Name} is back up after {Since(probe.StatusSince, now)} down", now, null, 0, now, null), cancellationToken);
        }
    }

    /// <summary>
    /// Alerts once an hour while the last hour burns the error budget at <see cref="Slo.FastBurn"/> times the rate the
    /// objective allows or faster (2 % of a 30-day budget in an hour), once there are enough checks to say so.
    /// </summary>
    private async Task AlertFastBurnAsync(Probe probe, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hour = await store.ProbeWindowAsync(probe.WorkspaceId, probe.Id, now.AddHours(-1), now.AddMinutes(1), cancellationToken);
        if (hour.Checks < MinChecksForBurn || Slo.BurnRate(hour, probe.SloAvailability) is not { } burn || burn < Slo.FastBurn) return;
        var slot = now.ToUnixTimeMilliseconds() / 3_600_000;
        await store.RaiseAlertAsync(new Alert(probe.WorkspaceId, "alr_" + Guid.NewGuid().ToString("N")[..16], $"probe-burn:{probe.Id}:{slot}", "probe_burn_rate", probe.Name,
            $"{probe.Name} is burning its error budget {burn:0.#}x faster than its {probe.SloAvailability}% objective allows ({hour.Failures} of {hour.Checks} checks failed in the last hour)",
            now, null, 0, now, null), cancellationToken);
    }

    /// <summary>Fewer checks than this in an hour say too little for a burn-rate alert.</summary>
    public const int MinChecksForBurn = 10;

    /// <summary>One check under the probe's timeout: whether it passed, how long it took, and why it failed.</summary>
    internal async Task<(bool Ok, double Seconds, string? Error)> CheckAsync(Probe probe, CancellationToken cancellationToken)
    {
        if (!_kinds.TryGetValue(probe.Kind, out var kind)) return (false, 0, $"no probe of kind '{probe.Kind}' is installed");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(probe.Timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            await kind.CheckAsync(ProbeTargets.Expand(probe.Target), probe.ExpectedStatus, timeout.Token);
            return (true, clock.Elapsed.TotalSeconds, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (false, clock.Elapsed.TotalSeconds, $"no answer within {probe.Timeout.TotalMilliseconds:0} ms");
        }
        catch (ProbeFailure e)
        {
            return (false, clock.Elapsed.TotalSeconds, e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or IOException)
        {
            // Messages of these name the host and the failure; the target itself (which may carry credentials) is not echoed.
            return (false, clock.Elapsed.TotalSeconds, e.Message);
        }
    }

    private static string Since(DateTimeOffset from, DateTimeOffset to) => (to - from) switch
    {
        var d when d < TimeSpan.FromMinutes(2) => $"{d.TotalSeconds:0} s",
        var d when d < TimeSpan.FromHours(2) => $"{d.TotalMinutes:0} min",
        var d => $"{d.TotalHours:0.#} h",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Running health probes failed; retrying on the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
