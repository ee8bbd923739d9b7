using System.Collections.Concurrent;

namespace Panoptic.Server.Ingestion;

/// <summary>
/// Counters of this process's ingestion, for /metrics. Per process by design: Prometheus scrapes every replica and
/// sums; nothing else reads them.
/// </summary>
internal sealed class IngestionMetrics
{
    private readonly ConcurrentDictionary<(string Workspace, string Outcome), long> _events = new();

    public void Record(string workspaceId, int accepted, int duplicates, int rejected)
    {
        Add(workspaceId, "accepted", accepted);
        Add(workspaceId, "duplicate", duplicates);
        Add(workspaceId, "rejected", rejected);
    }

    public IEnumerable<(string Workspace, string Outcome, long Count)> Snapshot() =>
        _events.Select(e => (e.Key.Workspace, e.Key.Outcome, e.Value)).OrderBy(e => e.Workspace, StringComparer.Ordinal).ThenBy(e => e.Outcome, StringComparer.Ordinal);

    private void Add(string workspaceId, string outcome, int count)
    {
        if (count > 0) _events.AddOrUpdate((workspaceId, outcome), count, (_, total) => total + count);
    }
}
