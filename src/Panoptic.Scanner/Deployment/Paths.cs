namespace Panoptic.Scanner.Deployment;

/// <summary>Repository-relative path arithmetic with '/' separators, never escaping the root.</summary>
internal static class Paths
{
    public static string Combine(string directory, string relative)
    {
        var parts = new List<string>();
        if (!relative.StartsWith('/')) parts.AddRange(directory.Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var part in relative.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
