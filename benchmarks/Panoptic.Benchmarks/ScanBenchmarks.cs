using BenchmarkDotNet.Attributes;
using Panoptic.Scanner;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Benchmarks;

/// <summary>A whole in-process scan of a generated 2,000-file repository (about 20 MB), warm.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ScanBenchmarks
{
    private RepositoryScanner _scanner = null!;
    private string _root = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scanner = new RepositoryScanner(TechnologyCatalog.LoadEmbedded());
        _root = Path.Combine(Path.GetTempPath(), "panoptic-bench-2000");
        if (!Directory.Exists(_root))
        {
            var generator = Path.Combine(AppContext.BaseDirectory, "generate-repo.py");
            using var process = System.Diagnostics.Process.Start("python3", [generator, _root, "2000", "20"]);
            process.WaitForExit();
        }
    }

    [Benchmark(Description = "scan 2,000 files / 20 MB")]
    public int Scan() => _scanner.Scan(new ScanOptions(_root)).Project.Files;
}
