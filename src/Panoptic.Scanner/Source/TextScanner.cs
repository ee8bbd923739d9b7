using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Secrets;

namespace Panoptic.Scanner.Source;

/// <summary>
/// One pass of the catalog's literals over a text: API hosts, client code, Aspire resources, model names,
/// env var reads, connection strings and hard-coded secrets, each with its line. Works on a span, so the
/// caller can keep file contents in pooled buffers.
/// </summary>
internal sealed class TextScanner(TechnologyCatalog catalog)
{
    [ThreadStatic]
    private static List<LiteralHit>? t_hits;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Scan(ReadOnlySpan<char> text, SourceLanguage? language, bool inTest, FileReport report, RouteExtractor? routes = null, bool ports = false,
        Readiness.PatternScope[]? readinessScopes = null)
    {
        var hits = t_hits ??= [];
        hits.Clear();
        catalog.Literals.FindAll(text, hits);
        var lines = new LineCounter();
        if (routes is not null || ports) MarkedLines(text, hits, routes, ports, report);
        var longest = LongestHosts(hits);
        foreach (var (target, position) in hits)
        {
            switch (target.Kind)
            {
                // "discord.com/api/oauth2" is sign-in, not the "discord.com/api" it starts with: the longest host at a spot wins.
                case LiteralKind.Host when HostBoundary(text, position, target.Literal) && (longest is null || longest.GetValueOrDefault(position) <= target.Literal.Length):
                    report.Signals.Add(new Signal(target.Technology!.Id, SignalKind.ApiHost, report.Path, lines.LineOf(text, position), target.Literal.TrimStart('.')) { InTest = inTest });
                    break;
                case LiteralKind.Code when CodeBoundary(text, position):
                    report.Signals.Add(new Signal(target.Technology!.Id, SignalKind.Code, report.Path, lines.LineOf(text, position), target.Literal.TrimEnd('(')) { InTest = inTest });
                    break;
                case LiteralKind.Aspire when language == SourceLanguage.CSharp && position > 0 && text[position - 1] == '.':
                    report.Signals.Add(new Signal(target.Technology!.Id, SignalKind.Aspire, report.Path, lines.LineOf(text, position), target.Literal.TrimEnd('(')) { InTest = inTest });
                    break;
                case LiteralKind.Model:
                    var model = QuotedToken(text, position);
                    if (model is not null)
                        report.Signals.Add(new Signal(target.Technology!.Id, SignalKind.Model, report.Path, lines.LineOf(text, position), model) { Model = model, InTest = inTest });
                    break;
                // Laravel's env('X') stands alone; inside getenv( it is the same read seen twice.
                case LiteralKind.EnvRead when language is not null && !(target.Literal.StartsWith("env(", StringComparison.Ordinal) && position > 0 && (char.IsLetterOrDigit(text[position - 1]) || text[position - 1] is '_' or '.' or '$')):
                    var name = EnvName(text, position + target.Literal.Length);
                    if (name is not null)
                    {
                        var envLine = lines.LineOf(text, position);
                        report.EnvVars.Add(new EnvVarUse(name, report.Path, envLine, Declared: false));
                        var after = position + target.Literal.Length;
                        var nameEnd = text.Slice(after, Math.Min(text.Length - after, name.Length + 8)).IndexOf(name, StringComparison.Ordinal);
                        if (nameEnd >= 0 && nameEnd < 8 && Selectors.FromDefault(catalog, name, text[(after + nameEnd + name.Length)..], report.Path, envLine, report.Settings) is { } selected)
                            report.Signals.Add(selected with { InTest = inTest });
                    }
                    break;
                case LiteralKind.Secret:
                    Secret(text, position, target.Secret!, ref lines, report);
                    break;
                case LiteralKind.SchemeSeparator:
                    ConnectionString(text, position, inTest, ref lines, report);
                    break;
                case LiteralKind.ReadinessAnchor when readinessScopes is not null:
                    ReadinessLine(text, position, target.Pattern, readinessScopes, ref lines, report);
                    break;
            }
        }
    }

    /// <summary>The longest host literal found at each position where two or more start (null when none overlap).</summary>
    private static Dictionary<int, int>? LongestHosts(List<LiteralHit> hits)
    {
        Dictionary<int, int>? longest = null;
        Dictionary<int, int>? seen = null;
        foreach (var (target, position) in hits)
        {
            if (target.Kind != LiteralKind.Host) continue;
            seen ??= [];
            if (seen.TryGetValue(position, out var length))
            {
                longest ??= [];
                longest[position] = Math.Max(Math.Max(length, target.Literal.Length), longest.GetValueOrDefault(position));
            }
            else seen[position] = target.Literal.Length;
        }
        return longest;
    }

    /// <summary>Runs one readiness regex on the line around its anchor, when the file is in the regex's scope.</summary>
    private void ReadinessLine(ReadOnlySpan<char> text, int position, int pattern, Readiness.PatternScope[] scopes, ref LineCounter lines, FileReport report)
    {
        var entry = catalog.ReadinessPatterns!.All[pattern];
        if (Array.IndexOf(scopes, entry.Scope) < 0) return;
        var start = text[..position].LastIndexOf('\n') + 1;
        var end = text[position..].IndexOf('\n');
        var line = end < 0 ? text[start..] : text[start..(position + end)];
        try
        {
            if (line.Length > 2000 || !entry.ForLine().IsMatch(line)) return;
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return;
        }
        var number = lines.LineOf(text, position);
        if (!report.ReadinessHits.Contains((pattern, number))) report.ReadinessHits.Add((pattern, number));
    }

    /// <summary>Hands each line holding a route or port marker, once and in order, to the extractors.</summary>
    private static void MarkedLines(ReadOnlySpan<char> text, List<LiteralHit> hits, RouteExtractor? routes, bool ports, FileReport report)
    {
        var starts = new SortedSet<int>();
        foreach (var hit in hits)
        {
            if (hit.Target.Kind == LiteralKind.LineMarker) starts.Add(text[..hit.Position].LastIndexOf('\n') + 1);
        }
        if (starts.Count == 0) return;
        var counter = new LineCounter();
        foreach (var start in starts)
        {
            var end = text[start..].IndexOf('\n');
            var line = (end < 0 ? text[start..] : text.Slice(start, end)).Trim();
            var number = counter.LineOf(text, start);
            routes?.Line(line, number);
            if (ports) CodePorts.Line(line, report.Path, number, report.Ports);
        }
    }

    private void ConnectionString(ReadOnlySpan<char> text, int separator, bool inTest, ref LineCounter lines, FileReport report)
    {
        var url = ConnectionUrl.Parse(text, separator);
        if (url is null) return;
        var tech = catalog.ByScheme(url.Scheme);
        var line = lines.LineOf(text, url.Start);
        // A bare scheme ("mysql://") is code telling backends apart by their URL, not a connection to one.
        var bare = url.Masked.EndsWith("://", StringComparison.Ordinal);
        if (tech is not null)
            report.Signals.Add(new Signal(tech.Id, SignalKind.ConnectionString, report.Path, line, url.Masked) { InTest = inTest, Guard = bare ? $"a URL whose scheme picks it (`{url.Masked}`)" : null });
        if (url.HasHardCodedPassword)
            report.Secrets.Add(new SecretFinding("connection-string-password", "Password in a connection string", report.Path, line, url.Masked));
    }

    private static void Secret(ReadOnlySpan<char> text, int position, SecretRule rule, ref LineCounter lines, FileReport report)
    {
        if (position > 0 && (char.IsLetterOrDigit(text[position - 1]) || text[position - 1] == '_')) return;
        // Credentials are short; a bounded window keeps the regex cheap on minified lines.
        var window = text.Slice(position, Math.Min(text.Length - position, 512));
        var length = -1;
        try
        {
            foreach (var match in rule.Pattern.EnumerateMatches(window))
            {
                if (match.Index == 0) length = match.Length;
                break;
            }
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return;
        }
        if (length <= 0) return;
        var end = position + length;
        if (end < text.Length && char.IsLetterOrDigit(text[end]) && rule.Trigger != "-----BEGIN ") return;
        var visible = Math.Min(rule.VisiblePrefix, length / 2);
        report.Secrets.Add(new SecretFinding(rule.Id, rule.Name, report.Path, lines.LineOf(text, position), string.Concat(text.Slice(position, visible), "****")));
    }

    private static bool HostBoundary(ReadOnlySpan<char> text, int position, string literal)
    {
        var end = position + literal.Length;
        if (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '-' || text[end] == '_')) return false;
        // "api.stripe.com.evil.example" is another host; a sentence-ending dot is not.
        if (end + 1 < text.Length && text[end] == '.' && char.IsLetterOrDigit(text[end + 1])) return false;
        // A subdomain written as a template ("<%= ENV['ACCOUNT'] %>.r2.cloudflarestorage.com", "${account}.r2...") counts too.
        if (literal[0] == '.') return position > 0 && (char.IsLetterOrDigit(text[position - 1]) || text[position - 1] is '}' or '>' or '-');
        return position == 0 || !(char.IsLetterOrDigit(text[position - 1]) || text[position - 1] == '-' || text[position - 1] == '_');
    }

    private static bool CodeBoundary(ReadOnlySpan<char> text, int position) =>
        position == 0 || !(char.IsLetterOrDigit(text[position - 1]) || text[position - 1] == '_') || !char.IsLetterOrDigit(text[position]);

    /// <summary>The whole string literal starting at <paramref name="position"/>, when a quote opens right before it.</summary>
    private static string? QuotedToken(ReadOnlySpan<char> text, int position)
    {
        if (position == 0) return null;
        var quote = text[position - 1];
        if (quote is not ('"' or '\'' or '`')) return null;
        var end = position;
        while (end < text.Length && end - position < 80 && (char.IsLetterOrDigit(text[end]) || text[end] is '-' or '.' or '_' or ':' or '/' or '@')) end++;
        if (end >= text.Length || text[end] != quote) return null;
        return text[position..end].ToString();
    }

    private static string? EnvName(ReadOnlySpan<char> text, int start)
    {
        var i = start;
        var limit = Math.Min(text.Length, start + 6);
        while (i < limit && text[i] is ' ' or '"' or '\'' or '(' or '`') i++;
        var begin = i;
        while (i < text.Length && i - begin < 128 && (char.IsAsciiLetterUpper(text[i]) || char.IsAsciiDigit(text[i]) || text[i] == '_')) i++;
        if (i - begin < 2 || char.IsAsciiDigit(text[begin])) return null;
        if (i < text.Length && char.IsAsciiLetterLower(text[i])) return null;
        return text[begin..i].ToString();
    }
}
