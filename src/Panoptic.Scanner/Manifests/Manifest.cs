using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Manifests;

/// <summary>A dependency manifest: which ecosystem, what it declares, and whether it describes a runnable program.</summary>
public sealed record Manifest(Ecosystem Ecosystem, string File)
{
    public string? Name { get; set; }
    public List<Dependency> Dependencies { get; } = [];
    /// <summary>Repository-relative folders of projects this one references by path (.NET ProjectReference).</summary>
    public List<string> ProjectReferences { get; } = [];
    /// <summary>True when the manifest itself says the unit runs (a start script, a web SDK, an executable output).</summary>
    public bool Runnable { get; set; }
    /// <summary>True for a test project (xunit/nunit references, IsTestProject).</summary>
    public bool IsTestProject { get; set; }
    /// <summary>True for a desktop or mobile client (MAUI, WPF, Windows Forms): it runs, but on the user's device.</summary>
    public bool IsClientApp { get; set; }
    /// <summary>True for a workspace root that only groups other packages.</summary>
    public bool IsWorkspaceRoot { get; set; }
    /// <summary>
    /// Folders (relative to this manifest) of the modules an aggregator lists that run as programs: a Maven parent
    /// with the Spring Boot or Quarkus plugin runs each of its modules.
    /// </summary>
    public List<string> RunnableModules { get; } = [];
    /// <summary>True for a manifest that only pins versions (Directory.Packages.props, dependencyManagement).</summary>
    public bool PinsOnly { get; set; }
}

/// <summary>One declared dependency with the line that declares it.</summary>
public sealed record Dependency(string Name, string? Version, DependencyScope Scope, int Line);

public enum DependencyScope
{
    Direct,
    Dev,
    Optional,
    Indirect,
    Pin,
}
