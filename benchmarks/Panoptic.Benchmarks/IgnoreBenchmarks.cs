using BenchmarkDotNet.Attributes;
using Panoptic.Scanner.Walking;

namespace Panoptic.Benchmarks;

/// <summary>
/// Ignore files against one file's path: a large .gitignore of plain names and paths (once ~7 ms a file, a regex per
/// pattern), and the hostile `**/` run of issue 22 (once exponential: 95 s for a scan with ten of them).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class IgnoreBenchmarks
{
    private static readonly string DeepPath = string.Join('/', Enumerable.Range(0, 25).Select(i => $"level{i}")) + "/leaf.txt";
    private GitIgnore _plain = null!;
    private GitIgnore _doubleStars = null!;

    [GlobalSetup]
    public void Setup()
    {
        var lines = Enumerable.Range(0, 20_000).Select(i => i % 2 == 0 ? $"name{i}" : $"/dir{i}/file").ToList();
        _plain = GitIgnore.Parse("", [.. lines, "*.log", "build/", "**/tmp/**", "!keep.log"]);
        _doubleStars = GitIgnore.Parse("", [string.Concat(Enumerable.Repeat("**/", 20)) + "nomatch"]);
    }

    [Benchmark(Description = "20,000 plain patterns + 4 globs: one path")]
    public bool? PlainPatterns() => _plain.Match("src/module7/file123.cs", isDirectory: false);

    [Benchmark(Description = "20 x '**/' + nomatch: a 25-level path")]
    public bool? DoubleStars() => _doubleStars.Match(DeepPath, isDirectory: false);
}
