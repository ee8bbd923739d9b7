namespace Panoptic.Scanner.Audit;

/// <summary>What the audit knows about one service, from its files and deployment.</summary>
public sealed record ServiceFacts
{
    public required string Id { get; init; }
    public required string Path { get; init; }
    public string? Language { get; init; }
    /// <summary>The manifest findings about something missing point at (Dockerfile, else package.json, pyproject.toml, *.csproj, ...).</summary>
    public string? PrimaryManifest { get; init; }
    public string? EntryPoint { get; init; }
    public required IReadOnlyList<string> Frameworks { get; init; }
    public required IReadOnlyList<RuntimeVersion> Runtimes { get; init; }
    public required IReadOnlyList<PortFact> Ports { get; init; }
    public required IReadOnlyList<RouteFact> Routes { get; init; }
    public required IReadOnlyList<string> HealthEndpoints { get; init; }
    public required IReadOnlyList<ProbeFact> Probes { get; init; }
    public required IReadOnlyList<string> Logging { get; init; }
    /// <summary>True when a structured logger is used, false when only plain printing is, null when no logging was seen.</summary>
    public bool? StructuredLogging { get; init; }
    public required IReadOnlyList<string> Tracing { get; init; }
    public required IReadOnlyList<string> Metrics { get; init; }
    public required IReadOnlyList<string> ConfigApproaches { get; init; }
    public required IReadOnlyList<string> DataAccess { get; init; }
    public required IReadOnlyList<string> Databases { get; init; }
    public bool HasApiContract { get; init; }
    /// <summary>Versioning through a library (Asp.Versioning, @ApiVersion) rather than in the path.</summary>
    public bool HasApiVersioning { get; init; }
    public required int SourceFiles { get; init; }
    public required int TestFiles { get; init; }
    public required int TestCount { get; init; }
    public DockerfileFact? Dockerfile { get; init; }
    public bool HasLockfile { get; init; }
    public bool HasEnvExample { get; init; }
}

/// <summary>A port with where it was declared (code, dockerfile, compose, kubernetes).</summary>
public sealed record PortFact(int Port, string Source, string File, int Line);
