using Nanos = Panoptic.Storage.Ledger.Nanos;
using System.Security.Cryptography;
using System.Text.Json;
using Panoptic.Server.Gateway;
using Panoptic.Storage;
using Panoptic.Storage.CostSources;

namespace Panoptic.Server.CostSources;

/// <summary>
/// Syncs one claimed cost source: decrypts its key, reads the window from its connector and stores each batch of
/// whole days as it arrives (replacing those days of this source), then records success or the error and the next
/// run. The first sync backfills the previous and the current month; later ones re-read from a day before the last
/// success, and at least the last week, because providers revise recent days.
/// </summary>
internal sealed partial class CostImporter(PanopticStore store, KeyVault vault, IEnumerable<ICostConnector> connectors, DriftCheck drift, TimeProvider time,
    ILogger<CostImporter> logger)
{
    /// <summary>How long a sync may hold its source before another server may take it over (a crashed server's sync).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);

    public sealed record SyncResult(bool Ok, int Days, int Rows, decimal CostUsd, string? Error);

    private readonly Dictionary<string, ICostConnector> _connectors = connectors.ToDictionary(c => c.Kind, StringComparer.Ordinal);

    public static (DateOnly From, DateOnly To) Window(CostSource source, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var previousMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        if (source.LastSuccessAt is not { } last) return (previousMonth, today.AddDays(1));
        var from = DateOnly.FromDateTime(last.UtcDateTime).AddDays(-1);
        if (from > today.AddDays(-6)) from = today.AddDays(-6);
        if (from < today.AddDays(-400)) from = today.AddDays(-400);
        return (from, today.AddDays(1));
    }

    /// <summary>Syncs a source this caller has claimed (the lease is released here, whatever happens).</summary>
    public async Task<SyncResult> SyncAsync(CostSource source, CancellationToken cancellationToken)
    {
        var (from, to) = Window(source, time.GetUtcNow());
        var (days, rows, cost) = (new HashSet<DateOnly>(), 0, 0L);
        string? error = null;
        try
        {
            if (!_connectors.TryGetValue(source.Kind, out var connector)) throw new CostSourceException($"no connector reads sources of kind '{source.Kind}'");
            var secret = source.Secret is null ? "" : await vault.DecryptAsync(source.WorkspaceId, source.Secret, cancellationToken);
            await foreach (var batch in connector.ReadAsync(new ConnectorRequest(source.BaseUrl, secret, source.PublicKey, from, to), cancellationToken))
            {
                await store.StoreBilledBatchAsync(source.WorkspaceId, source.Id, batch, time.GetUtcNow(), cancellationToken);
                days.UnionWith(batch.Days);
                rows += batch.Rows.Count;
                cost += batch.Rows.Sum(r => r.CostNanos);
            }
            // A past day the source read in full but did not mention billed nothing; today is never complete.
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var silent = Enumerable.Range(0, to.DayNumber - from.DayNumber).Select(from.AddDays).Where(d => d < today && !days.Contains(d)).ToList();
            if (silent.Count > 0) await store.StoreBilledBatchAsync(source.WorkspaceId, source.Id, new BilledBatch(silent, []), time.GetUtcNow(), cancellationToken);
        }
        catch (CostSourceException e)
        {
            error = e.Message;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            // The provider answered 200 in a shape the connector does not read; what earlier pages stored stays.
            error = $"{source.Kind} answered in a shape Panoptic does not read ({e.GetType().Name}); the source stays as last imported";
        }
        catch (CryptographicException)
        {
            error = "the stored key cannot be decrypted (was the master key changed?): enter the key again";
        }
        var now = time.GetUtcNow();
        await store.RecordCostSyncAsync(source.WorkspaceId, source.Id, now, error, now + source.Interval, CancellationToken.None);
        if (error is not null) LogFailed(logger, source.Name, source.Kind, days.Count, error);
        else await drift.CheckAsync(source.WorkspaceId, now, cancellationToken);
        return new SyncResult(error is null, days.Count, rows, Nanos.ToUsd(cost), error);
    }

    /// <summary>Stores an uploaded CSV's rows, replacing the days the file covers, and records the upload as the source's last success.</summary>
    public async Task<SyncResult> ImportAsync(CostSource source, IReadOnlyList<BilledRow> rows, CancellationToken cancellationToken)
    {
        var days = rows.Select(r => r.Day).Distinct().Order().ToList();
        await store.StoreBilledBatchAsync(source.WorkspaceId, source.Id, new BilledBatch(days, rows), time.GetUtcNow(), cancellationToken);
        var now = time.GetUtcNow();
        await store.RecordCostSyncAsync(source.WorkspaceId, source.Id, now, null, source.NextRunAt, CancellationToken.None);
        await drift.CheckAsync(source.WorkspaceId, now, cancellationToken);
        return new SyncResult(true, days.Count, rows.Count, Nanos.ToUsd(rows.Sum(r => r.CostNanos)), null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cost source {Name} ({Kind}) failed after storing {Days} days: {Error}")]
    private static partial void LogFailed(ILogger logger, string name, string kind, int days, string error);
}
