using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Source;

/// <summary>
/// Go programs that generate code rather than run in production: a package run by <c>//go:generate go run ./dir</c>
/// and a file built only on demand (<c>//go:build ignore</c>). What they call (a download of Unicode tables, a schema
/// fetch) is development tooling, and their <c>package main</c> is no service.
/// </summary>
internal static class GoGenerators
{
    /// <summary>Records the directories this Go file's <c>//go:generate go run</c> lines run, and whether the file itself builds only on demand.</summary>
    public static void Read(ReadOnlySpan<char> text, FileReport report)
    {
        var directory = Path.GetDirectoryName(report.Path)?.Replace('\\', '/') ?? "";
        foreach (var range in text.Split('\n'))
        {
            var line = text[range].Trim();
            if (line.StartsWith("//go:build ignore", StringComparison.Ordinal) || line.StartsWith("// +build ignore", StringComparison.Ordinal))
            {
                report.GoGenerator = true;
                continue;
            }
            if (!line.StartsWith("//go:generate go run ", StringComparison.Ordinal)) continue;
            var target = line["//go:generate go run ".Length..].Trim();
            var end = target.IndexOf(' ');
            var path = (end < 0 ? target : target[..end]).ToString();
            if (!path.StartsWith("./", StringComparison.Ordinal) && !path.StartsWith("../", StringComparison.Ordinal)) continue;
            // A file (`go run ./gen.go`) stands for its own directory's generator file; a package for its directory.
            if (path.EndsWith(".go", StringComparison.Ordinal)) path = Path.GetDirectoryName(path) ?? ".";
            if (Normalize(directory, path) is { } resolved) report.GoGenerateTargets.Add(resolved);
        }
    }

    /// <summary>The directories of the repository that hold generators, from every Go file's <c>//go:generate</c> lines.</summary>
    public static HashSet<string> Directories(IReadOnlyList<FileReport> reports) =>
        reports.SelectMany(r => r.GoGenerateTargets).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when a file is a generator: built only on demand, or in a directory a <c>//go:generate go run</c> runs (not the caller's own directory).</summary>
    public static bool IsGenerator(FileReport report, HashSet<string> directories)
    {
        if (report.GoGenerator) return true;
        if (directories.Count == 0 || report.Language != Catalog.SourceLanguage.Go) return false;
        var directory = Path.GetDirectoryName(report.Path)?.Replace('\\', '/') ?? "";
        return directories.Contains(directory) && !report.GoGenerateTargets.Contains(directory);
    }

    private static string? Normalize(string directory, string relative)
    {
        var parts = new List<string>(directory.Length == 0 ? [] : directory.Split('/'));
        foreach (var part in relative.Split('/'))
        {
            if (part is "." or "") continue;
            if (part == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
            }
            else parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
