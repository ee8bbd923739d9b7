namespace Panoptic.Scanner.Registry;

/// <summary>One piece of evidence that a technology is used: where it was seen and what kind of sighting it was.</summary>
public sealed record Signal(string TechnologyId, SignalKind Kind, string File, int Line, string Detail)
{
    public string? EnvVar { get; init; }
    public string? Model { get; init; }
    /// <summary>Seen in a test, e2e, load-test or fixture path: evidence of a test-only use.</summary>
    public bool InTest { get; init; }
    /// <summary>Seen in an optional deployment component (a compose profile, a disabled Helm dependency).</summary>
    public bool Optional { get; init; }
    /// <summary>The compose service that declared a container image, to link it to the services that depend on it.</summary>
    public string? ComposeService { get; init; }
}

public enum SignalKind
{
    Dependency,
    DevDependency,
    OptionalDependency,
    IndirectDependency,
    /// <summary>A version pinned centrally (Directory.Packages.props, dependencyManagement, pip-compile output).</summary>
    PinnedVersion,
    Import,
    Code,
    ConnectionString,
    ApiHost,
    EnvVar,
    ContainerImage,
    Terraform,
    /// <summary>A platform's own configuration file (render.yaml, fly.toml, wrangler.toml).</summary>
    PlatformFile,
    Aspire,
    Model,
}
