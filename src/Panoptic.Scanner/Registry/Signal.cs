namespace Panoptic.Scanner.Registry;

/// <summary>One piece of evidence that a technology is used: where it was seen and what kind of sighting it was.</summary>
public sealed record Signal(string TechnologyId, SignalKind Kind, string File, int Line, string Detail)
{
    public string? EnvVar { get; init; }
    public string? Model { get; init; }
    /// <summary>Seen in a test, e2e, load-test or fixture path: evidence of a test-only use.</summary>
    public bool InTest { get; init; }
    /// <summary>
    /// What this use depends on when it is conditional: "a compose profile `ai`", "`STORAGE_BACKEND == "gcs"`",
    /// "one of several plugins in saleor/plugins/". Null when nothing guards it.
    /// </summary>
    public string? Guard { get; init; }
    /// <summary>The guard is a development switch (IsDevelopment(), DEBUG): the use is local tooling, not production.</summary>
    public bool DevGuard { get; init; }
    /// <summary>Seen in an optional deployment component, behind a flag or as one of several alternatives.</summary>
    public bool Optional => Guard is not null;
    /// <summary>Where the file sits (SourceFiles.PlaceOf), set once per file by the registry builder; computed when absent.</summary>
    public Place? FilePlace { get; init; }
    /// <summary>The env var whose fallback default this host is (<c>env('MAIL_HOST', 'smtp.mailgun.org')</c>): no use where a deployment sets it.</summary>
    public string? DefaultOf { get; init; }
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
    /// <summary>A folder of a plugin or integrations folder named for the technology (hc/integrations/victorops/).</summary>
    IntegrationFolder,
    /// <summary>A setting that picks this technology by name: `FILESYSTEM_DISK=s3` in .env.example, `env('MAIL_MAILER', 'smtp')`.</summary>
    Selected,
    /// <summary>A Spring Boot starter (or the embedded database a data starter runs on): configured at start, a use without code.</summary>
    Autoconfigured,
    /// <summary>An HTTP call from code to a host the catalog does not know (<see cref="Source.OutboundCalls"/>): the technology id is the host.</summary>
    OutboundCall,
}
