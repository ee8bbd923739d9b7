using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Source;

/// <summary>
/// A use inside a private helper (<c>private static IQueue CreateSQSQueue(...)</c>, <c>def _s3_client():</c>, an
/// unexported Go or JavaScript function) runs when the helper is called: when every call of it in its file sits under
/// a condition over a setting (<c>if (options.Provider == "sqs") CreateSQSQueue(...)</c>), so does the use.
/// Only private helpers qualify: nothing outside the file can call them unguarded.
/// </summary>
internal static partial class LocalCallers
{
    private const int MaxWalk = 400;
    private const int MaxCalls = 20;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static GuardFound? Find(CodeText code, int line, SourceLanguage language)
    {
        var header = Enclosing(code, line, language, out var name);
        if (header == 0) return null;
        var text = code.Text;
        GuardFound? first = null;
        var calls = 0;
        for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = Next(text, name, at))
        {
            if (!CodeText.IsWordAt(text, at, name.Length)) continue;
            var callLine = code.LineOfOffset(at + 1);
            if (callLine == header || code.IsCommented(callLine, name)) continue;
            if (++calls > MaxCalls) return null;
            // A call from inside the helper itself (recursion) adds nothing.
            if (callLine > header && callLine <= line && code.Indent(callLine) > code.Indent(header)) continue;
            var guard = Guards.Find(code, callLine, isImport: false);
            if (guard is null) return null;
            first ??= guard;
        }
        return first is { } found ? new($"{found.Text} where `{name}` is called", found.Dev) : null;
    }

    private static int Next(ReadOnlySpan<char> text, string name, int at)
    {
        var from = at + name.Length;
        var found = text[from..].IndexOf(name, StringComparison.Ordinal);
        return found < 0 ? -1 : from + found;
    }

    /// <summary>The line of the private function around <paramref name="line"/>, and its name; 0 when there is none.</summary>
    private static int Enclosing(CodeText code, int line, SourceLanguage language, out string name)
    {
        name = "";
        var indent = code.Indent(line);
        if (indent <= 0) return 0;
        for (var k = line - 1; k >= 1 && line - k <= MaxWalk; k--)
        {
            var ind = code.Indent(k);
            if (ind < 0 || ind >= indent || code.IsCommentOnly(k)) continue;
            var header = code.Line(k).Trim().ToString();
            // A brace on its own line opens the block of the header above it, at the same indentation.
            if (header == "{") { indent = ind + 1; continue; }
            indent = ind;
            var match = Header(language)?.Match(header);
            if (match is { Success: true })
            {
                name = match.Groups["name"].Value;
                return name.Length >= 3 && IsPrivate(language, header, name) ? k : 0;
            }
            if (ind == 0) return 0;
        }
        return 0;
    }

    private static bool IsPrivate(SourceLanguage language, string header, string name) => language switch
    {
        SourceLanguage.Python => name.StartsWith('_') && !name.StartsWith("__", StringComparison.Ordinal),
        SourceLanguage.JavaScript => !header.StartsWith("export", StringComparison.Ordinal),
        SourceLanguage.Go => char.IsLower(name[0]),
        SourceLanguage.Rust => !header.StartsWith("pub", StringComparison.Ordinal),
        SourceLanguage.CSharp or SourceLanguage.Java or SourceLanguage.Php => header.StartsWith("private ", StringComparison.Ordinal),
        _ => false,
    };

    private static Regex? Header(SourceLanguage language) => language switch
    {
        SourceLanguage.Python => PythonDef(),
        SourceLanguage.JavaScript => JavaScriptFunction(),
        SourceLanguage.Go => GoFunc(),
        SourceLanguage.Rust => RustFn(),
        SourceLanguage.CSharp or SourceLanguage.Java => CLikeMethod(),
        SourceLanguage.Php => PhpFunction(),
        _ => null,
    };

    [GeneratedRegex(@"^(?:async\s+)?def\s+(?<name>\w+)\s*\(")]
    private static partial Regex PythonDef();

    [GeneratedRegex(@"^(?:export\s+(?:default\s+)?)?(?:async\s+)?function\s*\*?\s*(?<name>[\w$]+)\s*[<(]|^(?:export\s+)?(?:const|let)\s+(?<name>[\w$]+)\s*=\s*(?:async\s+)?(?:\([^)]*\)|\w+)\s*(?::\s*[^=]+)?=>")]
    private static partial Regex JavaScriptFunction();

    [GeneratedRegex(@"^func\s+(?:\([^)]*\)\s*)?(?<name>\w+)\s*[\[(]")]
    private static partial Regex GoFunc();

    [GeneratedRegex(@"^(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+(?<name>\w+)")]
    private static partial Regex RustFn();

    [GeneratedRegex(@"^(?:(?:public|private|protected|internal|static|async|override|virtual|sealed|final|synchronized|abstract|unsafe|extern|partial|new)\s+)+[\w<>\[\],.?]+(?:\s*<[^>]*>)?\s+(?<name>\w+)\s*(?:<[^>]*>)?\s*\(")]
    private static partial Regex CLikeMethod();

    [GeneratedRegex(@"^(?:(?:public|private|protected|static|final|abstract)\s+)*function\s+(?<name>\w+)\s*\(")]
    private static partial Regex PhpFunction();
}
