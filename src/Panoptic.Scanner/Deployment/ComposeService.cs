namespace Panoptic.Scanner.Deployment;

/// <summary>One service of a compose file.</summary>
public sealed record ComposeService(string Name, string File, int Line)
{
    public string? Image { get; set; }
    /// <summary>Repository-relative build context, when the service is built from source here.</summary>
    public string? BuildContext { get; set; }
    public List<string> Profiles { get; } = [];
    public List<string> DependsOn { get; } = [];
}

/// <summary>A port a deployment file says a unit listens on or publishes.</summary>
public sealed record PortDeclaration(string Directory, int Port, string File, int Line, string? ComposeService = null, bool Published = false);
