using System.Text.RegularExpressions;

namespace Panoptic.Scanner.Source;

internal static partial class Guards
{
    /// <summary>
    /// An arm of ts-pattern's <c>match(env('JOBS_PROVIDER')).with('bullmq', () => ...)</c>: the use runs only when the
    /// setting has that value (<c>.otherwise(...)</c> is the default and guards nothing).
    /// </summary>
    private static GuardFound? PatternArm(CodeText code, int line)
    {
        var armLine = line;
        var own = code.Line(line).TrimStart();
        if (!own.StartsWith(".with("))
        {
            // The arm's body on the line below it: ".with('bullmq', () =>\n  BullMQJobProvider.getInstance())".
            var previous = Previous(code, line);
            if (previous <= 0 || !code.Line(previous).TrimStart().StartsWith(".with(") || code.Indent(previous) >= code.Indent(line)) return null;
            armLine = previous;
        }
        var value = WithArm().Match(code.Line(armLine).ToString());
        if (!value.Success) return null;
        for (var k = armLine - 1; k >= 1 && armLine - k <= 20; k--)
        {
            var text = code.Line(k).ToString();
            var at = text.IndexOf("match(", StringComparison.Ordinal);
            if (at < 0)
            {
                if (text.TrimStart().StartsWith('.') || code.Indent(k) < 0) continue;
                return null;
            }
            var subject = Subject(text[(at + 6)..]);
            return subject.Length > 0 && Selection(subject, code) ? new($"`{Shorten(subject)}` = {Shorten(value.Groups["v"].Value)}", false) : null;
        }
        return null;
    }

    /// <summary>What <c>match(</c> is given, up to its closing parenthesis.</summary>
    private static string Subject(string rest)
    {
        var depth = 1;
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i] == '(') depth++;
            else if (rest[i] == ')' && --depth == 0) return rest[..i].Trim();
        }
        return "";
    }

    [GeneratedRegex(@"^\s*\.with\(\s*(?<v>['""][^'""]+['""])")]
    private static partial Regex WithArm();
}
