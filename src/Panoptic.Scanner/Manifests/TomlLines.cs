using System.Text;

namespace Panoptic.Scanner.Manifests;

/// <summary>
/// A small line-oriented TOML reader: enough for manifests (tables, key = value, multi-line arrays, inline tables).
/// It reports lines it cannot understand instead of throwing, so one odd line never hides the rest of a manifest.
/// </summary>
internal static class TomlLines
{
    /// <summary>One key = value; <see cref="Parts"/> keeps each physical line of a multi-line value with its number.</summary>
    public sealed record Entry(string Table, string Key, string Value, int Line, IReadOnlyList<(int Line, string Text)> Parts);

    public static List<Entry> Read(string text, List<(int Line, string Message)> problems)
    {
        var entries = new List<Entry>();
        var table = "";
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = StripComment(lines[i]).Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith('['))
            {
                var close = line.LastIndexOf(']');
                if (close < 0) { problems.Add((i + 1, "unclosed table header")); continue; }
                table = line.Trim('[', ']').Trim().Replace("\"", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal);
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq <= 0) { problems.Add((i + 1, $"cannot parse '{Shorten(line)}'")); continue; }
            var key = line[..eq].Trim().Trim('"', '\'');
            var first = line[(eq + 1)..].Trim();
            var start = i;
            // Multi-line strings (""" or ''') are skipped whole: they are prose, never dependencies.
            var fence = first.StartsWith("\"\"\"", StringComparison.Ordinal) ? "\"\"\"" : first.StartsWith("'''", StringComparison.Ordinal) ? "'''" : null;
            if (fence is not null)
            {
                var rest = first[3..];
                while (!rest.Contains(fence, StringComparison.Ordinal) && i + 1 < lines.Length) rest = lines[++i];
                continue;
            }
            var value = new StringBuilder(first);
            var parts = new List<(int, string)> { (start + 1, first) };
            while (Depth(value.ToString()) > 0 && i + 1 < lines.Length)
            {
                i++;
                var next = StripComment(lines[i]).Trim();
                value.Append(' ').Append(next);
                parts.Add((i + 1, next));
            }
            if (Depth(value.ToString()) != 0) problems.Add((start + 1, $"unbalanced brackets in the value of '{key}'"));
            entries.Add(new Entry(table, key, value.ToString(), start + 1, parts));
        }
        return entries;
    }

    /// <summary>The quoted strings of a value, in order: the items of an array, or the single string.</summary>
    public static List<string> Strings(string value)
    {
        var result = new List<string>();
        for (var i = 0; i < value.Length; i++)
        {
            var quote = value[i];
            if (quote is not ('"' or '\'')) continue;
            var close = value.IndexOf(quote, i + 1);
            if (close < 0) break;
            result.Add(value[(i + 1)..close]);
            i = close;
        }
        return result;
    }

    /// <summary>The quoted strings of a value with the line each one stands on.</summary>
    public static IEnumerable<(string Text, int Line)> StringsWithLines(Entry entry) =>
        entry.Parts.SelectMany(part => Strings(part.Text).Select(text => (text, part.Line)));

    private static int Depth(string value)
    {
        var depth = 0;
        char? quote = null;
        foreach (var c in value)
        {
            if (quote is not null) { if (c == quote) quote = null; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c is '[' or '{') depth++;
            else if (c is ']' or '}') depth--;
        }
        return depth;
    }

    private static string StripComment(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is not null) { if (c == quote) quote = null; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c == '#') return line[..i];
        }
        return line;
    }

    private static string Shorten(string line) => line.Length <= 40 ? line : line[..40] + "…";
}
