namespace Panoptic.Scanner.Audit;

/// <summary>The registry's audit: the headline table, each service's facts, the findings and the clones.</summary>
public sealed record AuditSection
{
    public required IReadOnlyList<HeadlineRow> Summary { get; init; }
    public required IReadOnlyList<ServiceFacts> Services { get; init; }
    public required IReadOnlyList<AuditFinding> Findings { get; init; }
    public required CloneReport Clones { get; init; }
}

/// <summary>One row of the headline table: the repository or one service, each figure with its status (ok, warning, critical).</summary>
public sealed record HeadlineRow
{
    public required string Scope { get; init; }
    public int Services { get; init; }
    public required int SourceFiles { get; init; }
    public required int TestFiles { get; init; }
    public required int PortConflicts { get; init; }
    public double? DuplicationPercent { get; init; }
    public required int ConfigApproaches { get; init; }
    public double? RoutesVersionedPercent { get; init; }
    public double? StructuredLoggingPercent { get; init; }
    public double? TracingPercent { get; init; }
    public double? MetricsPercent { get; init; }
    public double? HealthEndpointsPercent { get; init; }
    public required IReadOnlyDictionary<string, string> Status { get; init; }
}
