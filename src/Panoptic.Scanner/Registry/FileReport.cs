using Panoptic.Scanner.Deployment;
using Panoptic.Scanner.Manifests;
using Panoptic.Scanner.Secrets;

namespace Panoptic.Scanner.Registry;

/// <summary>Everything learned from one file. Each file gets its own report, so files can be read in parallel.</summary>
public sealed class FileReport(string path)
{
    public string Path { get; } = path;
    /// <summary>The path is a test, e2e, load-test or fixture path (<see cref="Source.SourceFiles.IsTestPath"/>), decided once per file.</summary>
    public bool IsTest { get; } = Source.SourceFiles.IsTestPath(path);
    public List<Signal> Signals { get; } = [];
    public List<SecretFinding> Secrets { get; } = [];
    public List<EnvVarUse> EnvVars { get; } = [];
    /// <summary>Values given to backend-selecting settings here (FILE_STORAGE=local, env('MAIL_MAILER', 'smtp')).</summary>
    public List<Source.SelectorSetting> Settings { get; } = [];
    /// <summary>Features defined as on only when a setting is present (<see cref="Source.FeatureSwitches"/>).</summary>
    public List<Source.FeatureSwitch> Switches { get; } = [];
    /// <summary>Laravel settings on unless a deployment turns them off, as NAME.key (<see cref="Source.OnByDefault"/>).</summary>
    public List<string> OnByDefault { get; } = [];
    public List<Problem> Problems { get; } = [];
    public List<Manifest> Manifests { get; } = [];
    public List<ComposeService> ComposeServices { get; } = [];
    public List<PortDeclaration> Ports { get; } = [];
    public List<Audit.RouteFact> Routes { get; } = [];
    public List<Audit.RuntimeVersion> Runtimes { get; } = [];
    public List<Audit.ProbeFact> Probes { get; } = [];
    public Audit.DockerfileFact? Dockerfile { get; set; }
    /// <summary>A Kubernetes workload here sets runAsNonRoot or a non-zero runAsUser.</summary>
    public bool DeclaresNonRoot { get; set; }
    /// <summary>Winnowed token fingerprints of a source file, for clone detection.</summary>
    public Audit.CodeFingerprint[] Fingerprints { get; set; } = [];
    /// <summary>Lines of code (non-blank) in a source file.</summary>
    public int CodeLines { get; set; }
    /// <summary>Test cases defined in a test file.</summary>
    public int TestCount { get; set; }
    /// <summary>The text of a CI definition, kept to see which services' tests it runs.</summary>
    public string? CiText { get; set; }
    /// <summary>Readiness regexes that matched here: the pattern's index and the line.</summary>
    public List<(int Pattern, int Line)> ReadinessHits { get; } = [];
    public Catalog.SourceLanguage? Language { get; set; }
    public bool DeclaresGoMain { get; set; }
    /// <summary>A Go file built only on demand (<c>//go:build ignore</c>): a generator, not production code.</summary>
    public bool GoGenerator { get; set; }
    /// <summary>Directories (repository paths) this Go file's <c>//go:generate go run</c> lines run.</summary>
    public List<string> GoGenerateTargets { get; } = [];
    public bool IsDockerfile { get; set; }
}
