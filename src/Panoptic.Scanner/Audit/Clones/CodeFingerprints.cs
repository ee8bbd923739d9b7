using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Audit.Clones;

/// <summary>
/// Winnowed fingerprints of a source file's token stream (Schleimer, Wilkerson and Aiken, 2003): comments and
/// whitespace dropped, import lines skipped, a rolling hash over every window of <see cref="TokensPerWindow"/>
/// tokens, and the minimum of every <see cref="Winnow"/> consecutive hashes kept. Any run of at least
/// TokensPerWindow + Winnow - 1 identical tokens shared by two files shares at least one fingerprint.
/// </summary>
internal static class CodeFingerprints
{
    public const int TokensPerWindow = 50;
    public const int Winnow = 10;
    private const ulong Base = 1_000_003;

    [ThreadStatic]
    private static List<(uint Hash, int Line)>? t_tokens;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static CodeFingerprint[] Compute(SourceLanguage language, ReadOnlySpan<char> text, out int codeLines)
    {
        var tokens = t_tokens ??= [];
        tokens.Clear();
        codeLines = Tokenize(language, text, tokens);
        if (tokens.Count < TokensPerWindow) return [];

        var power = 1UL;
        for (var i = 1; i < TokensPerWindow; i++) power *= Base;
        var windows = tokens.Count - TokensPerWindow + 1;
        var hashes = new ulong[windows];
        ulong hash = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i >= TokensPerWindow) hash -= tokens[i - TokensPerWindow].Hash * power;
            hash = hash * Base + tokens[i].Hash;
            if (i >= TokensPerWindow - 1) hashes[i - TokensPerWindow + 1] = hash;
        }

        var result = new List<CodeFingerprint>(windows / Winnow * 2 + 1);
        var lastPicked = -1;
        for (var start = 0; start + Winnow <= Math.Max(windows, Winnow); start++)
        {
            var end = Math.Min(start + Winnow, windows);
            var min = start;
            for (var j = start; j < end; j++)
            {
                if (hashes[j] <= hashes[min]) min = j;
            }
            if (min != lastPicked)
            {
                result.Add(new CodeFingerprint(hashes[min], tokens[min].Line, tokens[min + TokensPerWindow - 1].Line));
                lastPicked = min;
            }
            if (end == windows) break;
        }
        return [.. result];
    }

    /// <summary>Splits code into tokens (identifiers, numbers, strings, single punctuation characters) and returns its non-blank line count.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static int Tokenize(SourceLanguage language, ReadOnlySpan<char> text, List<(uint, int)> tokens)
    {
        var hashComments = language is SourceLanguage.Python or SourceLanguage.Ruby;
        var line = 1;
        var codeLines = 0;
        var lineHasCode = false;
        var lineStart = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                if (lineHasCode) codeLines++;
                lineHasCode = false;
                lineStart = true;
                line++;
                i++;
                continue;
            }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (lineStart)
            {
                lineStart = false;
                // Import lines repeat across every file of a service and say nothing about copied logic.
                var rest = text[i..];
                if (rest.StartsWith("import ") || rest.StartsWith("from ") || rest.StartsWith("using ") || rest.StartsWith("package ") || rest.StartsWith("#include"))
                {
                    var newline = rest.IndexOf('\n');
                    i = newline < 0 ? text.Length : i + newline;
                    continue;
                }
            }
            if ((hashComments && c == '#') || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                var newline = text[i..].IndexOf('\n');
                i = newline < 0 ? text.Length : i + newline;
                continue;
            }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var close = text[(i + 2)..].IndexOf("*/");
                var end = close < 0 ? text.Length : i + 2 + close + 2;
                line += text[i..end].Count('\n');
                i = end;
                continue;
            }
            lineHasCode = true;
            var startLine = line;
            int length;
            if (c is '"' or '\'' or '`')
            {
                length = 1;
                while (i + length < text.Length && text[i + length] != c && text[i + length] != '\n')
                {
                    if (text[i + length] == '\\') length++;
                    length++;
                }
                length = Math.Min(length + 1, text.Length - i);
            }
            else if (char.IsLetterOrDigit(c) || c == '_' || c == '$')
            {
                length = 1;
                while (i + length < text.Length && (char.IsLetterOrDigit(text[i + length]) || text[i + length] == '_' || text[i + length] == '$')) length++;
            }
            else
            {
                length = 1;
            }
            tokens.Add((Hash(text.Slice(i, length)), startLine));
            i += length;
        }
        if (lineHasCode) codeLines++;
        return codeLines;
    }

    private static uint Hash(ReadOnlySpan<char> token)
    {
        var hash = 2166136261u;
        foreach (var c in token) hash = (hash ^ c) * 16777619u;
        return hash;
    }
}
