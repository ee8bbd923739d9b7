using System.Text;

namespace Panoptic.Scanner.Readiness;

/// <summary>
/// Literal text every match of a regex must contain, so a single literal pass over a file can tell which of many
/// regexes are worth running (the same idea as the catalog's literal index). Conservative: returns one anchor per
/// top-level alternative, or null when some alternative has no literal of <see cref="MinimumLength"/> characters or
/// the pattern uses constructs it does not model (case-insensitive flags, backreferences).
/// </summary>
public static class RegexAnchor
{
    public const int MinimumLength = 4;

    /// <param name="minimumLength">Shortest literal that may anchor a top-level alternative.</param>
    public static IReadOnlyList<string>? Extract(string pattern, int minimumLength = MinimumLength)
    {
        // Case-insensitive text can be spelled any which way (apiKey, APIKey), so no literal anchors it.
        if (pattern.Contains("(?i", StringComparison.Ordinal) || pattern.Contains("\\k<", StringComparison.Ordinal)) return null;
        var anchors = new List<string>();
        foreach (var alternative in SplitTopLevel(pattern))
        {
            var best = LongestLiteral(alternative);
            if (best is not null && best.Length >= minimumLength) anchors.Add(best);
            else if (GroupAnchors(alternative) is { } group) anchors.AddRange(group);
            else return null;
        }
        return anchors;
    }

    /// <summary>
    /// For a sequence without a long literal: a required group whose every alternative has a literal of at least three
    /// characters ("(execute|query|raw)\(" is anchored by execute, query and raw). Of several such groups the one with
    /// the longest shortest literal wins, as a proxy for rarity: in "log\.(info|error)\(.*(password|token)" the
    /// second group is anchored, because "info" and "error" are on every other line of code.
    /// </summary>
    private static List<string>? GroupAnchors(string sequence)
    {
        List<string>? best = null;
        for (var i = 0; i < sequence.Length; i++)
        {
            if (sequence[i] == '\\') { i++; continue; }
            if (sequence[i] == '[') { i = ClassEnd(sequence, i); continue; }
            if (sequence[i] != '(') continue;
            var end = GroupEnd(sequence, i);
            var optional = end + 1 < sequence.Length && (sequence[end + 1] is '?' or '*' || (sequence[end + 1] == '{' && end + 2 < sequence.Length && sequence[end + 2] == '0'));
            var inner = sequence[(i + 1)..end];
            if (inner.StartsWith("?:", StringComparison.Ordinal)) inner = inner[2..];
            if (!optional && !inner.StartsWith('?'))
            {
                var anchors = new List<string>();
                foreach (var alternative in SplitTopLevel(inner))
                {
                    var literal = LongestLiteral(alternative);
                    if (literal is null || literal.Length < 3) { anchors = null; break; }
                    anchors.Add(literal);
                }
                if (anchors is not null && (best is null || anchors.Min(a => a.Length) > best.Min(a => a.Length))) best = anchors;
            }
            i = end;
        }
        return best;
    }

    /// <summary>The top-level alternatives of a pattern: '|' outside groups and character classes.</summary>
    internal static List<string> SplitTopLevel(string pattern)
    {
        var parts = new List<string>();
        var depth = 0;
        var inClass = false;
        var start = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\') { i++; continue; }
            if (inClass) { if (c == ']') inClass = false; continue; }
            if (c == '[') inClass = true;
            else if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == '|' && depth == 0)
            {
                parts.Add(pattern[start..i]);
                start = i + 1;
            }
        }
        parts.Add(pattern[start..]);
        return parts;
    }

    /// <summary>The longest run of characters a match must contain, reading the sequence left to right.</summary>
    private static string? LongestLiteral(string sequence)
    {
        string? best = null;
        var run = new StringBuilder();
        void Close()
        {
            if (best is null || run.Length > best.Length) best = run.ToString();
            run.Clear();
        }
        for (var i = 0; i < sequence.Length; i++)
        {
            var c = sequence[i];
            char? literal = null;
            switch (c)
            {
                case '\\' when i + 1 < sequence.Length:
                    var next = sequence[i + 1];
                    i++;
                    // \d, \w, \s, \b and friends are classes or assertions, not text.
                    if (char.IsLetterOrDigit(next)) { Close(); continue; }
                    literal = next;
                    break;
                case '(':
                    Close();
                    i = GroupEnd(sequence, i);
                    SkipQuantifier(sequence, ref i);
                    continue;
                case '[':
                    Close();
                    i = ClassEnd(sequence, i);
                    SkipQuantifier(sequence, ref i);
                    continue;
                case '.' or '^' or '$':
                    Close();
                    continue;
                case '*' or '+' or '?' or '{':
                    // A quantifier after an atom that was already closed: nothing to undo.
                    Close();
                    if (c == '{') i = Math.Max(i, sequence.IndexOf('}', i));
                    continue;
                default:
                    literal = c;
                    break;
            }
            // An optional or repeated atom cannot be part of a required run beyond itself.
            var quantifier = i + 1 < sequence.Length ? sequence[i + 1] : '\0';
            if (quantifier is '?' or '*' || (quantifier == '{' && i + 2 < sequence.Length && sequence[i + 2] == '0'))
            {
                Close();
                i = quantifier == '{' ? Math.Max(i, sequence.IndexOf('}', i + 1)) : i + 1;
                if (i + 1 < sequence.Length && sequence[i + 1] == '?') i++;
                continue;
            }
            run.Append(literal!.Value);
            if (quantifier is '+' or '{')
            {
                Close();
                i = quantifier == '+' ? i + 1 : Math.Max(i, sequence.IndexOf('}', i + 1));
                if (i + 1 < sequence.Length && sequence[i + 1] == '?') i++;
            }
        }
        Close();
        return best;
    }

    private static int GroupEnd(string s, int open)
    {
        var depth = 0;
        var inClass = false;
        for (var i = open; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\') { i++; continue; }
            if (inClass) { if (c == ']') inClass = false; continue; }
            if (c == '[') inClass = true;
            else if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
        }
        return s.Length - 1;
    }

    private static int ClassEnd(string s, int open)
    {
        for (var i = open + 1; i < s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] == ']' && i > open + 1) return i;
        }
        return s.Length - 1;
    }

    private static void SkipQuantifier(string s, ref int i)
    {
        if (i + 1 >= s.Length) return;
        var q = s[i + 1];
        if (q is '?' or '*' or '+') i++;
        else if (q == '{') i = Math.Max(i, s.IndexOf('}', i + 1));
        if (i + 1 < s.Length && s[i + 1] == '?') i++;
    }
}
