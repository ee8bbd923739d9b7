using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests;

/// <summary>Runs a real scan over a temp repository; the catalog is loaded once because it is immutable.</summary>
internal static class Scans
{
    public static readonly TechnologyCatalog Catalog = TechnologyCatalog.LoadEmbedded();

    public static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    public static RegistryDocument Run(TempRepository repo, long maxFileSize = 1024 * 1024, bool clones = false) =>
        new RepositoryScanner(Catalog).Scan(new ScanOptions(repo.Root) { MaxFileSize = maxFileSize, Time = new FakeTimeProvider(Now), DetectClones = clones });

    /// <summary>The commercial readiness of a repository, as `panoptic check` will evaluate it.</summary>
    public static Panoptic.Scanner.Readiness.ReadinessSection Readiness(TempRepository repo) =>
        new RepositoryScanner(Catalog).Scan(new ScanOptions(repo.Root) { Time = new FakeTimeProvider(Now), EvaluateReadiness = true }).CommercialReadiness!;

    /// <summary>The audit of a repository, clone detection included, as `panoptic audit` runs it.</summary>
    public static Panoptic.Scanner.Audit.AuditSection Audit(TempRepository repo) => Run(repo, clones: true).Audit!;

    /// <summary>Analyzes one file of a throwaway repository, as a scan would.</summary>
    public static FileReport AnalyzeFile(string path, string content)
    {
        using var repo = new TempRepository().With(path, content);
        return new Panoptic.Scanner.Source.FileAnalyzer(Catalog).Analyze(new Panoptic.Scanner.Walking.RepositoryFile(path, repo.PathOf(path), content.Length), CancellationToken.None);
    }

    public static TechnologyEntry Entry(this RegistryDocument document, string id) =>
        document.BackendConnections.Concat(document.ExternalApis).Concat(document.DevTooling).SingleOrDefault(e => e.Id == id)
        ?? throw new Xunit.Sdk.XunitException($"no registry entry '{id}'; found: {string.Join(", ", document.BackendConnections.Concat(document.ExternalApis).Concat(document.DevTooling).Select(e => e.Id))}");

    public static bool Has(this RegistryDocument document, string id) =>
        document.BackendConnections.Concat(document.ExternalApis).Concat(document.DevTooling).Any(e => e.Id == id);
}
