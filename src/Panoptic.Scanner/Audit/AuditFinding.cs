namespace Panoptic.Scanner.Audit;

/// <summary>One finding of a rule: what is wrong, where (primary location first), and what identifies it across runs.</summary>
public sealed record AuditFinding
{
    public required string Rule { get; init; }
    public required string Severity { get; init; }
    public required string Message { get; init; }
    /// <summary>The services the finding is about.</summary>
    public required IReadOnlyList<string> Services { get; init; }
    public required IReadOnlyList<FindingLocation> Locations { get; init; }
    /// <summary>Stable identity, without line numbers, so a finding survives unrelated edits (SARIF partialFingerprints).</summary>
    public required string Fingerprint { get; init; }
}

public sealed record FindingLocation(string File, int Line);
