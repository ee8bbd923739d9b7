namespace Panoptic.Storage.Graph;

/// <summary>
/// An edge of the service graph over some span of time (one minute as stored, any window as queried): requests from
/// <see cref="Client"/> to <see cref="Server"/>, the failed ones, and each side's latency as a total and as counts in
/// <see cref="Buckets"/> fixed buckets.
/// </summary>
public sealed record GraphEdge(string WorkspaceId, long Minute, string Client, string Server, string ConnectionType, long Requests, long Failed,
    double ClientSeconds, double ServerSeconds, long[] ClientBuckets, long[] ServerBuckets)
{
    public const int Buckets = 17;

    internal static readonly string[] BucketColumns = [.. Enumerable.Range(0, Buckets).Select(i => $"c{i}"), .. Enumerable.Range(0, Buckets).Select(i => $"s{i}")];
}
