using System.Security.Cryptography;
using System.Text;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Deployment;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Audit;

/// <summary>Everything a rule may read. Rules are pure functions of it.</summary>
internal sealed class AuditContext(
    IReadOnlyList<ServiceFacts> services,
    IReadOnlyList<FileReport> reports,
    RegistryDocument registry,
    TechnologyCatalog catalog,
    IReadOnlyDictionary<string, AuditRule> rules,
    CloneReport clones,
    Func<string, string?> serviceOf)
{
    public IReadOnlyList<ServiceFacts> Services { get; } = services;
    public IReadOnlyList<FileReport> Reports { get; } = reports;
    public RegistryDocument Registry { get; } = registry;
    public TechnologyCatalog Catalog { get; } = catalog;
    public CloneReport Clones { get; } = clones;
    public IReadOnlyList<ComposeService> Compose { get; } = [.. reports.SelectMany(r => r.ComposeServices)];

    /// <summary>Every piece of evidence by technology id, grouped once for all rules.</summary>
    public ILookup<string, Signal> SignalsOf { get; } = reports.SelectMany(r => r.Signals).ToLookup(s => s.TechnologyId, StringComparer.Ordinal);

    /// <summary>The id of the service that owns a file, or null.</summary>
    public string? ServiceOf(string file) => serviceOf(file);

    public AuditFinding Finding(string rule, string message, IEnumerable<string> services, IEnumerable<FindingLocation> locations, params string[] identity) =>
        new()
        {
            Rule = rule,
            Severity = rules[rule].Severity,
            Message = message,
            Services = [.. services.Distinct().Order(StringComparer.Ordinal)],
            Locations = [.. locations],
            Fingerprint = Fingerprint([rule, .. identity]),
        };

    /// <summary>Line 1 of the service's main manifest: where findings about something missing point.</summary>
    public static FindingLocation Anchor(ServiceFacts service) => new(service.PrimaryManifest ?? (service.Path == "." ? "README.md" : service.Path), 1);

    private static string Fingerprint(IEnumerable<string> parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts))))[..32];
}
