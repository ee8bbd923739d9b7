using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Source;

/// <summary>The local names an import line binds ("import { S3Client } from ..." binds S3Client), to find where the import is used.</summary>
internal static partial class ImportedNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "import", "from", "as", "require", "const", "let", "var", "type", "typeof", "use", "using", "static", "default", "await", "crate", "self", "super", "pub",
    };

    public static List<string> Of(SourceLanguage language, string line, string module)
    {
        var names = new List<string>();
        switch (language)
        {
            case SourceLanguage.Python:
                var python = PythonImport().Match(line);
                if (!python.Success) break;
                foreach (var part in python.Groups["names"].Value.Trim('(', ')', ' ').Split(','))
                {
                    var words = part.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (words.Length == 0 || words[0] == "*") continue;
                    // "import boto3.session" is used as boto3; "x as y" as y.
                    names.Add(words.Length == 3 && words[1] == "as" ? words[2] : words[0].Split('.')[0]);
                }
                break;
            case SourceLanguage.JavaScript:
                var cut = line.IndexOf(" from ", StringComparison.Ordinal);
                if (cut < 0) cut = line.IndexOf("require", StringComparison.Ordinal);
                if (cut < 0) break;
                foreach (Match word in Identifier().Matches(line[..cut]))
                {
                    if (!Keywords.Contains(word.Value)) names.Add(word.Value);
                }
                // "import { a as b }" binds b, not a.
                names.RemoveAll(n => Regex.IsMatch(line, $@"\b{Regex.Escape(n)}\s+as\b"));
                break;
            case SourceLanguage.Go:
                var alias = GoAlias().Match(line);
                if (alias.Success) names.Add(alias.Groups["a"].Value);
                else
                {
                    var segments = module.Split('/');
                    var last = segments[^1];
                    if (VersionSegment().IsMatch(last) && segments.Length > 1) last = segments[^2];
                    last = last.Replace("go-", "", StringComparison.Ordinal).Replace(".go", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
                    if (last.Length > 1) names.Add(last);
                }
                break;
            case SourceLanguage.Java or SourceLanguage.Php or SourceLanguage.Rust:
                var body = line.TrimEnd(';').Trim();
                var asIndex = body.LastIndexOf(" as ", StringComparison.Ordinal);
                if (asIndex > 0) { names.Add(body[(asIndex + 4)..].Trim()); break; }
                var brace = body.IndexOf('{');
                if (brace >= 0)
                {
                    foreach (Match word in Identifier().Matches(body[brace..])) if (!Keywords.Contains(word.Value)) names.Add(word.Value);
                    break;
                }
                var tail = body.Split('.', '\\', ':').LastOrDefault(s => s.Length > 0)?.Trim();
                if (tail is { Length: > 1 } && tail != "*" && Identifier().IsMatch(tail)) names.Add(tail);
                break;
        }
        names.RemoveAll(n => n.Length < 2);
        return names;
    }

    [GeneratedRegex(@"^(?:from\s+\S+\s+import|import)\s+(?<names>.+)$")]
    private static partial Regex PythonImport();

    [GeneratedRegex(@"[A-Za-z_$][\w$]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^(?<a>[A-Za-z_]\w*)\s+""")]
    private static partial Regex GoAlias();

    [GeneratedRegex(@"^v\d+$")]
    private static partial Regex VersionSegment();
}
