using System.Text.RegularExpressions;

namespace Panoptic.Scanner.Audit;

/// <summary>Runtime versions declared by project files: TargetFramework, go directive, engines.node, requires-python, .nvmrc, .python-version, global.json.</summary>
internal static partial class RuntimeFiles
{
    public static void Read(string name, ReadOnlySpan<char> text, string file, List<RuntimeVersion> runtimes)
    {
        var (runtime, regex) = name switch
        {
            _ when name.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".fsproj", StringComparison.OrdinalIgnoreCase) => ("dotnet", TargetFramework()),
            "go.mod" => ("go", GoDirective()),
            "package.json" => ("node", EnginesNode()),
            "pyproject.toml" => ("python", RequiresPython()),
            ".nvmrc" or ".node-version" => ("node", BareVersion()),
            ".python-version" => ("python", BareVersion()),
            _ => (null, null),
        };
        if (runtime is null || regex is null) return;
        var content = text.ToString();
        var match = regex.Match(content);
        if (!match.Success) return;
        var line = content.AsSpan(0, match.Index).Count('\n') + 1;
        runtimes.Add(new RuntimeVersion(runtime, Runtimes.Line(runtime, match.Groups["v"].Value), file, line));
    }

    [GeneratedRegex(@"<TargetFrameworks?>\s*net(?:coreapp)?(?<v>\d+\.\d+)")]
    private static partial Regex TargetFramework();

    [GeneratedRegex(@"^go\s+(?<v>\d+\.\d+)", RegexOptions.Multiline)]
    private static partial Regex GoDirective();

    [GeneratedRegex("""
        "node"\s*:\s*"[^\d"]*(?<v>\d+(?:\.\d+)?)
        """)]
    private static partial Regex EnginesNode();

    [GeneratedRegex("""requires-python\s*=\s*["'][^\d"']*(?<v>\d+\.\d+)""")]
    private static partial Regex RequiresPython();

    [GeneratedRegex(@"^\s*v?(?<v>\d+(?:\.\d+)?)")]
    private static partial Regex BareVersion();
}
