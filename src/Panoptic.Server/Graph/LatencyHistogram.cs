namespace Panoptic.Server.Graph;

/// <summary>
/// Latency counts in fixed buckets, the same for every edge and every minute so they add up across both. The bounds
/// double from 1 ms to 32.8 s (16 buckets, the last open): wide enough for a database call and a slow LLM request,
/// fine enough that a percentile interpolated inside its bucket is within a factor of two, usually far closer.
/// </summary>
internal static class LatencyHistogram
{
    public const int Buckets = Storage.Graph.GraphEdge.Buckets;

    /// <summary>Upper bounds in seconds of buckets 0..15; bucket 16 holds everything slower.</summary>
    public static readonly double[] Bounds = [.. Enumerable.Range(0, Buckets - 1).Select(i => 0.001 * Math.Pow(2, i))];

    public static int BucketOf(double seconds)
    {
        for (var i = 0; i < Bounds.Length; i++)
            if (seconds <= Bounds[i]) return i;
        return Buckets - 1;
    }

    /// <summary>The <paramref name="quantile"/> (0..1) of the counts, interpolated linearly inside its bucket; null when empty.</summary>
    public static double? Percentile(IReadOnlyList<long> counts, double quantile)
    {
        var total = counts.Sum();
        if (total == 0) return null;
        var rank = quantile * total;
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (counts[i] == 0 || seen + counts[i] < rank)
            {
                seen += counts[i];
                continue;
            }
            var lower = i == 0 ? 0 : Bounds[i - 1];
            var upper = i < Bounds.Length ? Bounds[i] : Bounds[^1] * 2;
            return lower + (upper - lower) * ((rank - seen) / counts[i]);
        }
        return Bounds[^1] * 2;
    }
}
