using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Panoptic.Live;
using Panoptic.Scanner.Readiness;
using Panoptic.Server.Registries;
using Panoptic.Storage;
using Panoptic.Storage.Live;

namespace Panoptic.Server.Live;

/// <summary>
/// Runs one workspace's live checks (the same checks as `panoptic check --live`), stores every result with its time,
/// and raises alerts through the alert service: a certificate expiring (under 21 days, again under 7) and a DMARC
/// record that the previous run found and this one does not.
/// </summary>
internal sealed partial class LiveCheckRunner(PanopticStore store, TimeProvider time, IOptions<ServerOptions> options)
{
    public sealed record Run(string RunId, DateTimeOffset CheckedAt, IReadOnlyList<StoredLiveResult> Results);

    public async Task<Run> RunAsync(LiveCheckSettings settings, bool scheduled, CancellationToken cancellationToken)
    {
        var targets = settings.Targets.Select(t => LiveTarget.Parse(t, out _)).OfType<LiveTarget>().ToList();
        var (_, registry) = await RegistryEntry.LatestAsync(store, settings.WorkspaceId, cancellationToken);
        var roots = new X509Certificate2Collection();
        if (options.Value.LiveTrustedRootsFile is { } file) roots.ImportFromPemFile(file);
        var checkedAt = time.GetUtcNow();
        using var checker = new LiveChecker(new LiveOptions
        {
            Resolver = settings.Resolver is { } r && IPEndPoint.TryParse(r, out var endpoint) ? endpoint : null,
            Timeout = options.Value.LiveCheckTimeout,
            TrustedRoots = roots,
            HttpPort = options.Value.LiveHttpPort,
            EmailProviders = [.. registry.Where(e => e.Section == RegistryEntry.ExternalApi && e.Category == "email").Select(e => e.Id)],
            Time = time,
        });
        var results = (await checker.RunAsync(targets, cancellationToken))
            .Select(l => new StoredLiveResult("", checkedAt, l.Target, l.Check, l.Status, l.Message, l.Readiness)).ToList();
        var previous = await store.LiveResultsAsync(settings.WorkspaceId, 1, cancellationToken);
        var runId = "lrn_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await store.RecordLiveRunAsync(settings.WorkspaceId, runId, checkedAt, results, scheduled ? checkedAt + settings.Interval : null, cancellationToken);
        await AlertAsync(settings.WorkspaceId, runId, results, previous, checkedAt, cancellationToken);
        return new Run(runId, checkedAt, [.. results.Select(r => r with { RunId = runId })]);
    }

    private async Task AlertAsync(string workspaceId, string runId, List<StoredLiveResult> results, IReadOnlyList<StoredLiveResult> previous, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        foreach (var expiry in results.Where(r => r.Check == "tls.expiry" && r.Status is "warn" or "fail"))
        {
            // One alert when it comes under 21 days, one more under 7 (or expired): the key holds the expiry date and the level.
            var date = DatePattern().Match(expiry.Message).Value;
            await RaiseAsync(workspaceId, $"live-cert:{expiry.Target}:{date}:{expiry.Status}", "certificate_expiring", expiry.Target,
                $"The TLS certificate of {expiry.Target}: {expiry.Message}.", now, cancellationToken);
        }
        foreach (var dmarc in results.Where(r => r.Check == "dns.dmarc" && r.Message.StartsWith("no DMARC record", StringComparison.Ordinal)))
        {
            if (previous.Any(p => p.Check == "dns.dmarc" && p.Target == dmarc.Target && p.Status is "pass" or "warn"))
                await RaiseAsync(workspaceId, $"live-dmarc-removed:{dmarc.Target}:{runId}", "dmarc_removed", dmarc.Target,
                    $"The DMARC record of {dmarc.Target} is gone ({dmarc.Message}); the previous check found one.", now, cancellationToken);
        }
    }

    private Task<bool> RaiseAsync(string workspaceId, string key, string kind, string subject, string message, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.RaiseAlertAsync(new Alert(workspaceId, "alr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), key, kind, subject, message, now, null, 0, now, null),
            cancellationToken);

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}")]
    private static partial Regex DatePattern();
}
