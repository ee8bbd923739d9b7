namespace Panoptic.Scanner.Source;

/// <summary>
/// Rust's conditional compilation: the item after <c>#[cfg(test)]</c> (the <c>mod tests</c> block at the end of a
/// file) is test code, and the item after <c>#[cfg(feature = "s3")]</c> or <c>#[cfg(s3)]</c> is built only when that
/// feature is on. <c>#[cfg(not(...))]</c> is the build without the feature, which guards nothing.
/// </summary>
internal static class RustCfg
{
    public readonly record struct Region(int From, int To, string Attribute, bool Test);

    public static List<Region>? Regions(CodeText code)
    {
        if (code.Text.IndexOf("#[cfg(", StringComparison.Ordinal) < 0) return null;
        var regions = new List<Region>();
        for (var line = 1; line <= code.LineCount; line++)
        {
            var text = code.Line(line).Trim();
            if (!text.StartsWith("#[cfg(", StringComparison.Ordinal)) continue;
            var close = text.IndexOf(")]", StringComparison.Ordinal);
            if (close < 0) continue;
            var attribute = text[..(close + 2)].ToString();
            var condition = attribute[6..^2].Trim();
            if (condition.StartsWith("not(", StringComparison.Ordinal) || Platform(condition)) continue;
            var test = condition == "test" || condition.StartsWith("all(test", StringComparison.Ordinal);
            // The item the attribute applies to: the rest of its line, or the next line that is not another attribute.
            var item = text.Length > close + 2 ? line : Next(code, line);
            if (item == 0) continue;
            regions.Add(new(line, End(code, item), attribute, test));
        }
        return regions.Count > 0 ? regions : null;
    }

    // The platform a build targets is no choice of the deployment's backends.
    private static bool Platform(string condition) =>
        condition.Contains("target_", StringComparison.Ordinal) || condition is "unix" or "windows" or "debug_assertions" or "doc" or "docsrs" or "miri";

    public static Region? At(List<Region> regions, int line)
    {
        Region? found = null;
        foreach (var region in regions)
        {
            // The innermost region decides: a test module inside a feature's module is a test.
            if (line >= region.From && line <= region.To && (found is null || region.From > found.Value.From)) found = region;
        }
        return found;
    }

    private static int Next(CodeText code, int line)
    {
        for (var k = line + 1; k <= code.LineCount && k <= line + 5; k++)
        {
            var text = code.Line(k).Trim();
            if (text.IsEmpty || text.StartsWith("#[", StringComparison.Ordinal) || text.StartsWith("//", StringComparison.Ordinal)) continue;
            return k;
        }
        return 0;
    }

    /// <summary>The last line of the item starting at <paramref name="item"/>: its closing brace, found by indentation.</summary>
    private static int End(CodeText code, int item)
    {
        var text = code.Line(item).TrimEnd();
        if (!text.EndsWith("{")) return item;
        var indent = code.Indent(item);
        for (var k = item + 1; k <= code.LineCount; k++)
        {
            var ind = code.Indent(k);
            if (ind < 0) continue;
            if (ind <= indent) return code.Line(k).Trim().StartsWith("}") ? k : k - 1;
        }
        return code.LineCount;
    }
}
