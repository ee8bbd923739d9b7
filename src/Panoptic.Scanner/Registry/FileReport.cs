using Panoptic.Scanner.Deployment;
using Panoptic.Scanner.Manifests;
using Panoptic.Scanner.Secrets;

namespace Panoptic.Scanner.Registry;

/// <summary>Everything learned from one file. Each file gets its own report, so files can be read in parallel.</summary>
public sealed class FileReport(string path)
{
    public string Path { get; } = path;
    public List<Signal> Signals { get; } = [];
    public List<SecretFinding> Secrets { get; } = [];
    public List<EnvVarUse> EnvVars { get; } = [];
    public List<Problem> Problems { get; } = [];
    public List<Manifest> Manifests { get; } = [];
    public List<ComposeService> ComposeServices { get; } = [];
    public List<PortDeclaration> Ports { get; } = [];
    public Catalog.SourceLanguage? Language { get; set; }
    public bool DeclaresGoMain { get; set; }
    public bool IsDockerfile { get; set; }
}
