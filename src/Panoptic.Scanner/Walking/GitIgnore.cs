using System.Text;
using System.Text.RegularExpressions;

namespace Panoptic.Scanner.Walking;

/// <summary>The patterns of one .gitignore file (or of panoptic.yaml's ignore list), relative to its folder.</summary>
public sealed class GitIgnore
{
    private readonly Rule[] _rules;

    private GitIgnore(string basePath, Rule[] rules, bool isConfig)
    {
        BasePath = basePath;
        _rules = rules;
        IsConfig = isConfig;
    }

    /// <summary>True for the ignore list of panoptic.yaml, false for a .gitignore file.</summary>
    public bool IsConfig { get; }

    /// <summary>Repository-relative folder the patterns are relative to ("" for the root), with '/' separators.</summary>
    public string BasePath { get; }

    public static GitIgnore Parse(string basePath, IEnumerable<string> lines, bool isConfig = false)
    {
        var rules = new List<Rule>();
        foreach (var raw in lines)
        {
            var rule = ParseLine(raw);
            if (rule is not null) rules.Add(rule);
        }
        return new GitIgnore(basePath.Trim('/'), [.. rules], isConfig);
    }

    /// <summary>Returns true (ignored), false (re-included by a negation) or null (no pattern speaks of the path).</summary>
    public bool? Match(string repoRelativePath, bool isDirectory)
    {
        string path;
        if (BasePath.Length == 0) path = repoRelativePath;
        else if (repoRelativePath.StartsWith(BasePath + "/", StringComparison.Ordinal)) path = repoRelativePath[(BasePath.Length + 1)..];
        else return null;

        for (var i = _rules.Length - 1; i >= 0; i--)
        {
            var rule = _rules[i];
            if (rule.DirectoryOnly && !isDirectory) continue;
            if (rule.Regex.IsMatch(path)) return !rule.Negated;
        }
        return null;
    }

    private static Rule? ParseLine(string raw)
    {
        var line = TrimUnescapedTrailingSpaces(raw);
        if (line.Length == 0 || line[0] == '#') return null;

        var negated = false;
        if (line[0] == '!') { negated = true; line = line[1..]; }
        else if (line.StartsWith("\\!", StringComparison.Ordinal) || line.StartsWith("\\#", StringComparison.Ordinal)) line = line[1..];

        var directoryOnly = line.EndsWith('/');
        if (directoryOnly) line = line.TrimEnd('/');
        if (line.Length == 0) return null;

        // A slash at the start or in the middle anchors the pattern to the .gitignore's folder.
        var anchored = line.Contains('/');
        line = line.TrimStart('/');
        if (line.Length == 0) return null;

        var body = GlobToRegex(line);
        var pattern = anchored ? $"^{body}$" : $"^(?:.*/)?{body}$";
        return new Rule(new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Singleline), negated, directoryOnly);
    }

    internal static string GlobToRegex(string glob)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    var atStart = i == 0 || glob[i - 1] == '/';
                    var atEnd = i + 2 == glob.Length;
                    var slashAfter = i + 2 < glob.Length && glob[i + 2] == '/';
                    if (atStart && slashAfter) { sb.Append("(?:.*/)?"); i += 2; }
                    else if (atStart && atEnd) { sb.Append(".*"); i += 1; }
                    else { sb.Append("[^/]*"); i += 1; }
                    break;
                case '*': sb.Append("[^/]*"); break;
                case '?': sb.Append("[^/]"); break;
                case '[':
                    var close = glob.IndexOf(']', i + 1);
                    if (close < 0) { sb.Append("\\["); break; }
                    var set = glob[(i + 1)..close];
                    if (set.StartsWith('!')) set = "^" + set[1..];
                    sb.Append('[').Append(set.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                case '\\' when i + 1 < glob.Length:
                    sb.Append(Regex.Escape(glob[i + 1].ToString()));
                    i++;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        // "foo/**" also ignores everything below foo, which the regex above already covers.
        return sb.ToString();
    }

    private static string TrimUnescapedTrailingSpaces(string line)
    {
        var end = line.Length;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r'))
        {
            if (end >= 2 && line[end - 2] == '\\') break;
            end--;
        }
        return line[..end];
    }

    private sealed record Rule(Regex Regex, bool Negated, bool DirectoryOnly);
}
