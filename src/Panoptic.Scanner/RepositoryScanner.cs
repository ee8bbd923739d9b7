using System.Diagnostics;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Config;
using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Source;
using Panoptic.Scanner.Walking;

namespace Panoptic.Scanner;

/// <summary>Scans a repository into its registry: walk, read every file in parallel, combine the evidence.</summary>
public sealed class RepositoryScanner(TechnologyCatalog catalog)
{
    /// <summary>Scans <see cref="ScanOptions.Root"/>. Throws <see cref="CatalogException"/> for an invalid panoptic.yaml.</summary>
    public RegistryDocument Scan(ScanOptions options, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var root = Path.GetFullPath(options.Root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"no such folder: {options.Root}");

        var config = ProjectConfig.Load(root, catalog);
        var effectiveCatalog = catalog.With(config.Technologies);
        var walk = new RepositoryWalker(root, options.MaxFileSize, config.IgnoreList).Walk(cancellationToken);

        var analyzer = new FileAnalyzer(effectiveCatalog, options.DetectClones, options.EvaluateReadiness);
        var reports = new FileReport[walk.Files.Count];
        var done = 0;
        Parallel.For(0, walk.Files.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelism, CancellationToken = cancellationToken }, i =>
        {
            reports[i] = analyzer.Analyze(walk.Files[i], cancellationToken);
            var count = Interlocked.Increment(ref done);
            if ((count & 63) == 0 || count == reports.Length) options.Progress?.Invoke(count, reports.Length);
        });

        var (commit, branch) = GitInfo.Read(root);
        var project = new ProjectInfo
        {
            Name = Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar)) is { Length: > 0 } name ? name : "root",
            Commit = commit,
            Branch = branch,
            Files = walk.Files.Count,
            Bytes = walk.Files.Sum(f => f.Size),
            DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            ScannedAt = options.Time.GetUtcNow(),
        };
        var document = new RegistryBuilder(effectiveCatalog, config).Build(project, reports, walk.Skipped, options.EvaluateReadiness, root);
        return document with { Project = project with { DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds } };
    }
}
