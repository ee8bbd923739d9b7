using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Source;

/// <summary>Pulls imported module names out of source text, line by line, for each supported language.</summary>
internal static partial class ImportExtractor
{

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Extract(SourceLanguage language, ReadOnlySpan<char> text, Action<string, int> onImport)
    {
        var lineNumber = 0;
        var inGoBlock = false;
        // Type-only imports (`import type {...}` in TypeScript, imports under `if TYPE_CHECKING:` in Python) load nothing
        // at run time: they show a type was named, not that the service is used.
        var inTypeImport = false;
        var typeCheckingIndent = -1;
        foreach (var rawLine in text.EnumerateLines())
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.IsEmpty) continue;

            switch (language)
            {
                case SourceLanguage.Python:
                    var indent = rawLine.Length - rawLine.TrimStart().Length;
                    if (typeCheckingIndent >= 0 && indent > typeCheckingIndent) break;
                    typeCheckingIndent = line.StartsWith("if TYPE_CHECKING") || line.StartsWith("if typing.TYPE_CHECKING") ? indent : -1;
                    Python(line, lineNumber, onImport);
                    break;
                case SourceLanguage.JavaScript:
                    if (inTypeImport) { inTypeImport = !line.Contains('}'); break; }
                    if (line.StartsWith("import type ") || line.StartsWith("export type "))
                    {
                        inTypeImport = line.Contains('{') && !line.Contains('}');
                        break;
                    }
                    JavaScript(line, lineNumber, onImport);
                    break;
                case SourceLanguage.CSharp: CSharp(line, lineNumber, onImport); break;
                case SourceLanguage.Go: inGoBlock = Go(line, lineNumber, inGoBlock, onImport); break;
                case SourceLanguage.Java: Prefixed(line, "import ", lineNumber, onImport, stripStatic: true); break;
                case SourceLanguage.Ruby: Ruby(line, lineNumber, onImport); break;
                case SourceLanguage.Php: Prefixed(line, "use ", lineNumber, onImport, stripStatic: false); break;
                case SourceLanguage.Rust: Rust(line, lineNumber, onImport); break;
            }
        }
    }

    private static void Python(ReadOnlySpan<char> line, int number, Action<string, int> onImport)
    {
        if (line.StartsWith("import "))
        {
            foreach (var part in line[7..].ToString().Split(','))
            {
                var module = part.Trim().Split(' ')[0];
                if (module.Length > 0) onImport(module, number);
            }
        }
        else if (line.StartsWith("from "))
        {
            var rest = line[5..].TrimStart();
            var end = rest.IndexOf(' ');
            if (end <= 0 || rest[0] == '.') return;
            var module = rest[..end].ToString();
            if (ErrorTypesOnly(module, ".")) return;
            onImport(module, number);
            // "from google.cloud import pubsub_v1" imports the submodule google.cloud.pubsub_v1.
            var names = rest[end..].TrimStart();
            if (!names.StartsWith("import ")) return;
            foreach (var part in names[7..].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var name = part.Split(' ')[0].Trim('(', ')');
                if (name.Length > 0 && name != "*" && char.IsLower(name[0])) onImport(module + "." + name, number);
            }
        }
    }

    private static void JavaScript(ReadOnlySpan<char> line, int number, Action<string, int> onImport)
    {
        if (line.StartsWith("//") || line.StartsWith("*")) return;
        if (!line.Contains("import", StringComparison.Ordinal) && !line.Contains("require", StringComparison.Ordinal) && !line.Contains("from", StringComparison.Ordinal)) return;
        foreach (Match match in JsModule().Matches(line.ToString()))
        {
            var module = match.Groups["m"].Value;
            if (module.Length == 0 || module[0] is '.' or '/' or '~' or '#' || module.StartsWith("node:", StringComparison.Ordinal) || module.StartsWith("@/", StringComparison.Ordinal)) continue;
            // A package's bundled data or stylesheet (`nodemailer/lib/well-known/services.json`, `mapbox-gl/dist/mapbox-gl.css`) is no client.
            if (IsAsset(module)) continue;
            onImport(module, number);
        }
    }

    private static void CSharp(ReadOnlySpan<char> line, int number, Action<string, int> onImport)
    {
        if (line.StartsWith("global ")) line = line[7..].TrimStart();
        if (!line.StartsWith("using ") || !line.EndsWith(";")) return;
        var body = line[6..^1].Trim();
        if (body.StartsWith("static ")) body = body[7..].Trim();
        var equals = body.IndexOf('=');
        if (equals >= 0) body = body[(equals + 1)..].Trim();
        if (body.IsEmpty || body.Contains('(') || body.Contains(' ')) return;
        onImport(body.ToString(), number);
    }

    private static bool Go(ReadOnlySpan<char> line, int number, bool inBlock, Action<string, int> onImport)
    {
        if (inBlock)
        {
            if (line.StartsWith(")")) return false;
            EmitQuoted(line, number, onImport);
            return true;
        }
        if (!line.StartsWith("import")) return false;
        var rest = line[6..].TrimStart();
        if (rest.StartsWith("(")) return !rest.Contains(')');
        EmitQuoted(rest, number, onImport);
        return false;
    }

    private static void EmitQuoted(ReadOnlySpan<char> line, int number, Action<string, int> onImport)
    {
        var open = line.IndexOf('"');
        if (open < 0) return;
        var close = line[(open + 1)..].IndexOf('"');
        if (close > 0) onImport(line.Slice(open + 1, close).ToString(), number);
    }

    private static void Prefixed(ReadOnlySpan<char> line, string keyword, int number, Action<string, int> onImport, bool stripStatic)
    {
        if (!line.StartsWith(keyword)) return;
        var body = line[keyword.Length..].Trim().TrimEnd(';').Trim();
        if (stripStatic && body.StartsWith("static ")) body = body[7..].Trim();
        if (body.StartsWith("function ") || body.StartsWith("const ")) body = body[(body.IndexOf(' ') + 1)..];
        body = body.TrimStart('\\');
        var space = body.IndexOfAny(' ', '{', ',');
        if (space > 0) body = body[..space];
        if (!body.IsEmpty) onImport(body.TrimEnd('\\').ToString(), number);
    }

    private static void Ruby(ReadOnlySpan<char> line, int number, Action<string, int> onImport)
    {
        if (!line.StartsWith("require ") && !line.StartsWith("require(")) return;
        var rest = line[7..].Trim().TrimStart('(');
        if (rest.IsEmpty || rest[0] is not ('\'' or '"')) return;
        var close = rest[1..].IndexOf(rest[0]);
        if (close > 0) onImport(rest.Slice(1, close).ToString(), number);
    }

    private static void Rust(ReadOnlySpan<char> line, int number, Action<string, int> onImport)
    {
        ReadOnlySpan<char> body;
        if (line.StartsWith("use ")) body = line[4..];
        else if (line.StartsWith("pub use ")) body = line[8..];
        else if (line.StartsWith("extern crate ")) body = line[13..];
        else return;
        var end = body.IndexOfAny(":;{ ");
        var crate = (end < 0 ? body : body[..end]).Trim();
        if (ErrorTypesOnly(body, "::")) return;
        if (!crate.IsEmpty && crate is not "crate" and not "self" and not "super" and not "std" and not "core") onImport(crate.ToString(), number);
    }

    /// <summary>
    /// An import of a library's error types only (<c>use yubico_ng::error::YubicoError</c>, <c>from stripe.error import
    /// CardError</c>, <c>from botocore.exceptions import ClientError</c>) converts or catches errors of a client used
    /// elsewhere: it is no use of its own.
    /// </summary>
    private static bool ErrorTypesOnly(ReadOnlySpan<char> path, string separator)
    {
        foreach (var range in path.Split(separator))
        {
            var segment = path[range].Trim().TrimEnd(';');
            if (segment is "error" or "errors" or "exceptions" or "exception") return true;
        }
        return false;
    }

    private static bool IsAsset(string module) =>
        module.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || module.EndsWith(".css", StringComparison.OrdinalIgnoreCase)
        || module.EndsWith(".scss", StringComparison.OrdinalIgnoreCase) || module.EndsWith(".svg", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](?<m>[^'"\s]+)['"]""")]
    private static partial Regex JsModule();
}
