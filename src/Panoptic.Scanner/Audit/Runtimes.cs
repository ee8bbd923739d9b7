using System.Text.RegularExpressions;

namespace Panoptic.Scanner.Audit;

/// <summary>Reads language runtime versions from base images and project files.</summary>
public static partial class Runtimes
{
    private static readonly (string Prefix, string Runtime)[] Images =
    [
        ("node", "node"), ("python", "python"), ("golang", "go"), ("eclipse-temurin", "java"), ("openjdk", "java"),
        ("amazoncorretto", "java"), ("ruby", "ruby"), ("php", "php"), ("rust", "rust"),
        ("dotnet/aspnet", "dotnet"), ("dotnet/runtime", "dotnet"), ("dotnet/sdk", "dotnet"),
    ];

    /// <summary>"python:3.12-slim" → python 3.12; "mcr.microsoft.com/dotnet/aspnet:8.0" → dotnet 8.0; images without a version tag say nothing.</summary>
    public static RuntimeVersion? FromImage(string reference)
    {
        var at = reference.IndexOf('@');
        if (at >= 0) reference = reference[..at];
        var colon = reference.LastIndexOf(':');
        if (colon < 0 || colon < reference.LastIndexOf('/')) return null;
        var name = reference[..colon].ToLowerInvariant();
        var version = LeadingVersion().Match(reference[(colon + 1)..]);
        if (!version.Success) return null;
        foreach (var (prefix, runtime) in Images)
        {
            if (name == prefix || name.EndsWith("/" + prefix, StringComparison.Ordinal) || name.EndsWith("library/" + prefix, StringComparison.Ordinal))
                return new RuntimeVersion(runtime, Line(runtime, version.Value), "", 0);
        }
        return null;
    }

    /// <summary>The release line that matters for drift: the major for node/java, major.minor for the rest.</summary>
    public static string Line(string runtime, string version)
    {
        var parts = version.Split('.');
        return runtime is "node" or "java" || parts.Length == 1 ? parts[0] : parts[0] + "." + parts[1];
    }

    [GeneratedRegex(@"^\d+(\.\d+)?")]
    private static partial Regex LeadingVersion();
}
