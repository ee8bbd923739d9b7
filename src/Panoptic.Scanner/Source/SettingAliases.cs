using System.Text.RegularExpressions;

namespace Panoptic.Scanner.Source;

/// <summary>
/// Names a file gives to settings: <c>const cloudMode = process.env.CLOUD_MODE</c>, <c>USE_S3 = os.environ.get("USE_S3")</c>,
/// <c>enabled := os.Getenv("X") != ""</c>, <c>$useS3 = env('USE_S3')</c>. A condition over such a name is a condition
/// over the setting.
/// </summary>
internal static partial class SettingAliases
{
    private static readonly HashSet<string> None = [];

    public static HashSet<string> Find(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny(Reads) < 0) return None;
        HashSet<string>? names = null;
        foreach (var match in Assignment().EnumerateMatches(text))
        {
            var line = text.Slice(match.Index, match.Length);
            var name = Name().Match(line.ToString()).Groups["name"].Value;
            if (name.Length >= 3) (names ??= new(StringComparer.Ordinal)).Add(name.TrimStart('$'));
        }
        return names ?? None;
    }

    private static readonly System.Buffers.SearchValues<string> Reads = System.Buffers.SearchValues.Create(
        ["process.env", "import.meta.env", "os.environ", "getenv", "Getenv", "ENV[", "ENV.fetch", "env(", "GetEnvironmentVariable", "env::var"], StringComparison.Ordinal);

    // One assignment per line: a declared or plain name, `=` or `:=`, then (after a cast or a negation) an env read.
    [GeneratedRegex(@"^[ \t]*(?:export\s+)?(?:(?:const|let|var|val|final|static|readonly|private|public)\s+)*(?:[\w<>?]+\s+)?\$?[A-Za-z_][\w]*\s*(?::=|=)(?!=)\s*(?:Boolean\(|!!|!|parseInt\(|Number\(|bool\(|int\(|\()?\s*(?:process\.env|import\.meta\.env|os\.environ|os\.getenv|os\.Getenv|ENV\[|ENV\.fetch|env\(|Environment\.GetEnvironmentVariable|System\.getenv|std::env::var|env::var)[^\r\n]*", RegexOptions.Multiline)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"(?<name>\$?[A-Za-z_][\w]*)\s*(?::=|=)(?!=)")]
    private static partial Regex Name();
}
