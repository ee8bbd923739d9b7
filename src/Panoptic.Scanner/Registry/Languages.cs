namespace Panoptic.Scanner.Registry;

/// <summary>The main language of a service: the most common source language among its files.</summary>
internal static class Languages
{
    public static string? NameOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".py" => "python",
        ".ts" or ".tsx" or ".mts" or ".cts" => "typescript",
        ".js" or ".jsx" or ".mjs" or ".cjs" => "javascript",
        ".cs" => "csharp",
        ".fs" => "fsharp",
        ".go" => "go",
        ".java" => "java",
        ".kt" or ".kts" => "kotlin",
        ".scala" => "scala",
        ".rb" => "ruby",
        ".php" => "php",
        ".rs" => "rust",
        _ => null,
    };

    public static string? Dominant(IEnumerable<FileReport> files)
    {
        var best = files
            .Select(f => NameOf(f.Path))
            .OfType<string>()
            .GroupBy(l => l)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        return best?.Key;
    }
}
