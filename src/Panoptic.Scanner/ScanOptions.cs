namespace Panoptic.Scanner;

/// <summary>What to scan and how.</summary>
public sealed record ScanOptions(string Root)
{
    /// <summary>Files larger than this are skipped and listed (minified bundles, data dumps).</summary>
    public long MaxFileSize { get; init; } = 1024 * 1024;
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;
    /// <summary>Called with (files done, files total) as the scan goes; may be called from several threads.</summary>
    public Action<int, int>? Progress { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>Fingerprint every source file for cross-service clone detection (`panoptic audit`); costs time and memory on big trees.</summary>
    public bool DetectClones { get; init; }
    /// <summary>
    /// Evaluate the commercial-readiness checks (the registry's commercial_readiness). Off until its regexes are
    /// fast enough to run on every scan (issue 4 measures this: readiness must add under 20 % to a scan).
    /// </summary>
    public bool EvaluateReadiness { get; init; }
}
