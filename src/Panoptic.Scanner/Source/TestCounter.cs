using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Source;

/// <summary>Counts the test cases a test file defines, by each language's conventions.</summary>
internal static partial class TestCounter
{
    public static int Count(SourceLanguage language, ReadOnlySpan<char> text)
    {
        var regex = language switch
        {
            SourceLanguage.Python => PythonTest(),
            SourceLanguage.JavaScript => JsTest(),
            SourceLanguage.CSharp => CSharpTest(),
            SourceLanguage.Go => GoTest(),
            SourceLanguage.Java => JavaTest(),
            SourceLanguage.Ruby => RubyTest(),
            SourceLanguage.Php => PhpTest(),
            SourceLanguage.Rust => RustTest(),
            _ => null,
        };
        return regex is null ? 0 : regex.Count(text);
    }

    [GeneratedRegex(@"^\s*(?:async\s+)?def\s+test_\w*\s*\(", RegexOptions.Multiline)]
    private static partial Regex PythonTest();

    [GeneratedRegex("""\b(?:it|test)(?:\.each\([^)]*\))?\(\s*["'`]""")]
    private static partial Regex JsTest();

    [GeneratedRegex(@"\[(?:Fact|Theory|Test|TestMethod|TestCase)\b")]
    private static partial Regex CSharpTest();

    [GeneratedRegex(@"^func\s+Test\w*\(\s*\w+\s+\*testing\.T\s*\)", RegexOptions.Multiline)]
    private static partial Regex GoTest();

    [GeneratedRegex(@"@(?:Test|ParameterizedTest)\b")]
    private static partial Regex JavaTest();

    [GeneratedRegex("""^\s*it\s+["']""", RegexOptions.Multiline)]
    private static partial Regex RubyTest();

    [GeneratedRegex(@"function\s+test\w+\s*\(|@test\b")]
    private static partial Regex PhpTest();

    [GeneratedRegex(@"#\[(?:tokio::)?test\]")]
    private static partial Regex RustTest();
}
