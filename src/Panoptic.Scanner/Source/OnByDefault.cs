using System.Text.RegularExpressions;

namespace Panoptic.Scanner.Source;

/// <summary>
/// Laravel settings that are on unless a deployment turns them off: <c>'drawio' => env('DRAWIO', true)</c> or
/// <c>env('DRAWIO', !env('DISABLE_EXTERNAL_SERVICES', false))</c> in <c>config/services.php</c>. A use under
/// <c>@if(config('services.drawio'))</c> runs in a default deployment, so that condition guards nothing.
/// </summary>
internal static partial class OnByDefault
{
    /// <summary>The settings of a Laravel config file (config/NAME.php, app/Config/NAME.php) whose default is on, as NAME.key.</summary>
    public static void Find(ReadOnlySpan<char> text, string path, List<string> found)
    {
        if (ConfigName(path) is not { } name || text.IndexOf("env(", StringComparison.Ordinal) < 0) return;
        foreach (var line in text.EnumerateLines())
        {
            // Top-level keys only: "    'drawio' => env(...)," is services.drawio; deeper keys need their parents' names.
            if (line.Length < 8 || !line.StartsWith("    '") || line[4..].StartsWith(" ")) continue;
            var match = Entry().Match(line.ToString());
            if (match.Success) found.Add($"{name}.{match.Groups["key"].Value}");
        }
    }

    private static string? ConfigName(string path)
    {
        if (!path.EndsWith(".php", StringComparison.Ordinal)) return null;
        var folder = Path.GetDirectoryName(path)?.Replace('\\', '/') ?? "";
        if (!(folder == "config" || folder.EndsWith("/config", StringComparison.Ordinal) || folder.EndsWith("app/Config", StringComparison.Ordinal))) return null;
        return Path.GetFileNameWithoutExtension(path);
    }

    /// <summary>The setting a guard tests, when it tests one positively: "`config('services.drawio')`" gives services.drawio.</summary>
    public static IEnumerable<string> Tested(string guard)
    {
        foreach (Match match in Tests().Matches(guard))
        {
            var before = match.Index > 0 ? guard[..match.Index].TrimEnd() : "";
            if (before.EndsWith('!') || before.EndsWith("not", StringComparison.Ordinal) || guard.StartsWith("the else branch", StringComparison.Ordinal)) continue;
            yield return match.Groups["key"].Value;
        }
    }

    [GeneratedRegex(@"^\s*'(?<key>[\w-]+)'\s*=>\s*env\(\s*'[\w]+'\s*,\s*(?:true|!\s*env\(\s*'\w+'\s*,\s*false\s*\))\s*\)\s*,")]
    private static partial Regex Entry();

    [GeneratedRegex(@"config\(\s*['""](?<key>[\w.-]+)['""]\s*\)")]
    private static partial Regex Tests();
}
