namespace Panoptic.Scanner.Deployment;

/// <summary>One service of a compose file.</summary>
public sealed record ComposeService(string Name, string File, int Line)
{
    public string? Image { get; set; }
    /// <summary>Repository-relative build context, when the service is built from source here.</summary>
    public string? BuildContext { get; set; }
    public List<string> Profiles { get; } = [];
    public List<string> DependsOn { get; } = [];
    public bool HasHealthcheck { get; set; }
    /// <summary>Environment variable names and values set for the service (values are only read for debug flags and database names).</summary>
    public List<(string Name, string Value, int Line)> Environment { get; } = [];
}

/// <summary>A port a deployment file says a unit listens on or publishes.</summary>
public sealed record PortDeclaration(string Directory, int Port, string File, int Line, string? ComposeService = null, bool Published = false)
{
    /// <summary>Where the port was declared: compose, dockerfile, kubernetes or code (a listen call or a default).</summary>
    public string Source { get; init; } = "deployment";
    /// <summary>The host interface of a published compose port ("127.0.0.1"), or null for all interfaces.</summary>
    public string? HostIp { get; init; }
    /// <summary>The published host port of a compose mapping, when it differs from the container port.</summary>
    public int? HostPort { get; init; }
}
