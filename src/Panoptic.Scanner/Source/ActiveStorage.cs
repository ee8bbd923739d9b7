using System.Text.RegularExpressions;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Source;

/// <summary>
/// Rails' Active Storage: <c>config/storage.yml</c> lists the services a deployment may use (local disk, amazon,
/// google, cloudflare...), and <c>config.active_storage.service</c> in the production environment picks one. A
/// service the file lists is optional until production picks it by name (<c>= :amazon</c>); a pick through an env
/// var (<c>ENV.fetch("ACTIVE_STORAGE_SERVICE", "local")</c>) is a selector setting whose default is the pick.
/// </summary>
internal static partial class ActiveStorage
{
    public const string Setting = "config.active_storage.service";
    private const string GuardStart = "the Active Storage service `";

    public static bool IsServices(string path) => path.EndsWith("config/storage.yml", StringComparison.Ordinal) || path == "storage.yml";

    public static bool IsProductionEnvironment(string path) => path.EndsWith("config/environments/production.rb", StringComparison.Ordinal);

    /// <summary>Guards each use in storage.yml by the service it belongs to (the top-level key above it).</summary>
    public static void GuardServices(CodeText code, FileReport report)
    {
        for (var i = 0; i < report.Signals.Count; i++)
        {
            var signal = report.Signals[i];
            if (signal.Guard is not null || signal.Line < 1) continue;
            for (var k = signal.Line; k >= 1; k--)
            {
                var line = code.Line(k);
                if (code.Indent(k) != 0 || line.TrimEnd().Length < 2 || line[0] == '#') continue;
                var colon = line.IndexOf(':');
                if (colon > 0) report.Signals[i] = signal with { Guard = $"{GuardStart}{line[..colon].ToString()}`, used when `{Setting}` picks it" };
                break;
            }
        }
    }

    /// <summary>What production.rb picks: the service named, or the env var and its default.</summary>
    public static void ReadPick(ReadOnlySpan<char> text, string path, FileReport report)
    {
        foreach (var match in Pick().EnumerateMatches(text))
        {
            var found = Pick().Match(text.Slice(match.Index, match.Length).ToString());
            var line = 1 + text[..match.Index].Count('\n');
            if (found.Groups["name"].Success) report.Settings.Add(new SelectorSetting(Setting, found.Groups["name"].Value, path, line, IsDefault: false));
            else report.Settings.Add(new SelectorSetting(found.Groups["env"].Value, found.Groups["default"].Value, path, line, IsDefault: true));
        }
    }

    /// <summary>The service a storage.yml guard names, when the guard is one.</summary>
    public static string? ServiceOf(string? guard) =>
        guard is not null && guard.StartsWith(GuardStart, StringComparison.Ordinal) && guard.IndexOf('`', GuardStart.Length) is > 0 and var end ? guard[GuardStart.Length..end] : null;

    [GeneratedRegex(@"config\.active_storage\.service\s*=\s*(?::(?<name>\w+)|['""](?<name>\w+)['""]|ENV\.fetch\(\s*['""](?<env>\w+)['""]\s*,\s*['""](?<default>\w+)['""]\s*\))")]
    private static partial Regex Pick();
}
