using Panoptic.Scanner.Secrets;

namespace Panoptic.Scanner.Registry;

/// <summary>The registry (panoptic/registry@1): everything a scan learned about a repository.</summary>
public sealed record RegistryDocument
{
    public const string SchemaId = "panoptic/registry@1";

    public string Schema { get; init; } = SchemaId;
    public required ProjectInfo Project { get; init; }
    public required IReadOnlyList<ServiceEntry> Services { get; init; }
    public required IReadOnlyList<TechnologyEntry> BackendConnections { get; init; }
    public required IReadOnlyList<TechnologyEntry> ExternalApis { get; init; }
    /// <summary>Developer tooling seen in the repository (mail catchers, admin UIs, local emulators): never production connections.</summary>
    public required IReadOnlyList<TechnologyEntry> DevTooling { get; init; }
    public required IReadOnlyList<SecretFinding> Secrets { get; init; }
    public required SkippedSummary Skipped { get; init; }
    public required IReadOnlyList<Problem> Problems { get; init; }
    public Readiness.ReadinessSection? CommercialReadiness { get; init; }
    public Audit.AuditSection? Audit { get; init; }
}

public sealed record ProjectInfo
{
    public required string Name { get; init; }
    public string? Commit { get; init; }
    public string? Branch { get; init; }
    public required int Files { get; init; }
    public required long Bytes { get; init; }
    public required long DurationMs { get; init; }
    public required DateTimeOffset ScannedAt { get; init; }
}

public sealed record ServiceEntry
{
    public required string Id { get; init; }
    public required string Path { get; init; }
    public string? Language { get; init; }
    public required IReadOnlyList<string> Frameworks { get; init; }
    public required IReadOnlyList<int> Ports { get; init; }
    public required IReadOnlyList<string> Manifests { get; init; }
    public required IReadOnlyList<string> EnvVars { get; init; }
}

/// <summary>A backend connection or an external API, with the evidence behind it.</summary>
public sealed record TechnologyEntry
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Category { get; init; }
    public string? Provider { get; init; }
    /// <summary>core, optional, unconfirmed, dev_only, test_only, ci_only, or tooling (Statuses).</summary>
    public required string Status { get; init; }
    /// <summary>One line naming the evidence that decided the status ("optional: ... only with `useOpenAI`, src/AppHost/Program.cs:12").</summary>
    public string? StatusReason { get; init; }
    public required double Confidence { get; init; }
    public required IReadOnlyList<string> UsedBy { get; init; }
    public required IReadOnlyList<string> EnvVars { get; init; }
    public IReadOnlyList<string>? ModelsSeen { get; init; }
    /// <summary>For a job or message library: the brokers of this registry it runs on.</summary>
    public IReadOnlyList<string>? RunsOn { get; init; }
    public BudgetConfig? Budget { get; init; }
    public required int EvidenceTotal { get; init; }
    public required IReadOnlyList<EvidenceEntry> Evidence { get; init; }
}

public sealed record EvidenceEntry(string File, int Line, string Kind, string Detail);

public sealed record BudgetConfig(decimal Monthly, string Currency);

public sealed record SkippedSummary(int Total, IReadOnlyDictionary<string, int> ByReason, IReadOnlyList<SkippedItem> Entries);

public sealed record SkippedItem(string Path, string Reason);
