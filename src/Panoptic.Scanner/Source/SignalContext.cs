using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Source;

/// <summary>
/// Reads each piece of evidence a file produced in the context of its line: a mention in a comment is no evidence, a
/// host in a Content-Security-Policy, an egress allow-list or a network policy is no use of the API, and a use under
/// a condition over a flag or a setting is guarded (optional), which an import inherits when every use of what it
/// imports is guarded.
/// </summary>
internal static partial class SignalContext
{
    private const int PolicyLookBack = 25;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Refine(CodeText code, string name, SourceLanguage? language, FileReport report)
    {
        var policyFile = PolicyFile(name, code.Text);
        // Elixir has no import reader here, but its blocks guard code like any other language's.
        var guardable = language is not null || name.EndsWith(".ex", StringComparison.Ordinal) || name.EndsWith(".exs", StringComparison.Ordinal);
        string? springGuard = null;
        if (language == SourceLanguage.Java)
        {
            foreach (var match in ClassGuard().EnumerateMatches(code.Text))
            {
                springGuard = code.Text.Slice(match.Index, match.Length).ToString();
                break;
            }
        }
        var signals = report.Signals;
        var cfg = language == SourceLanguage.Rust ? RustCfg.Regions(code) : null;
        // Signals arrive in file order; once a technology's kind and detail has an unguarded use here, its repeats add
        // nothing (the file keeps the first of each anyway), so they are dropped unread.
        var settled = new HashSet<(string, SignalKind, string)>();
        var kept = new List<Signal>(signals.Count);
        foreach (var signal in signals)
        {
            if (!FromText(signal.Kind) || signal.Line < 1) { kept.Add(signal); continue; }
            var key = (signal.TechnologyId, signal.Kind, signal.Detail);
            if (settled.Contains(key)) continue;
            if (code.IsCommented(signal.Line, Needle(signal)) || (signal.Kind == SignalKind.ApiHost && (policyFile || PolicyLine(code, signal.Line) || Compared(code.Line(signal.Line), signal.Detail)))) continue;
            var refined = signal;
            if (signal.Kind == SignalKind.ApiHost && DefaultOf(code.Line(signal.Line), signal.Detail) is { } setting) refined = signal with { DefaultOf = setting };
            if (cfg is not null && RustCfg.At(cfg, signal.Line) is { } region)
                refined = region.Test ? refined with { InTest = true } : refined with { Guard = $"`{region.Attribute}`" };
            if (guardable && refined.Guard is null && !refined.InTest)
            {
                if (Guards.Find(code, signal.Line, signal.Kind == SignalKind.Import) is { } guard)
                    refined = refined with { Guard = guard.Text, DevGuard = guard.Dev };
                else if (springGuard is not null)
                    refined = refined with { Guard = $"`{springGuard}`", DevGuard = springGuard.StartsWith("@Profile", StringComparison.Ordinal) && springGuard.Contains("dev", StringComparison.OrdinalIgnoreCase) };
                else if (language is { } source && signal.Kind != SignalKind.Import && LocalCallers.Find(code, signal.Line, source) is { } called)
                    refined = refined with { Guard = called.Text, DevGuard = called.Dev };
            }
            // A setting in a group switched off by default is used only once a deployment turns the group on.
            if (refined.Guard is null && !refined.InTest && signal.Kind is SignalKind.ApiHost or SignalKind.OutboundCall or SignalKind.ConnectionString && OffSwitch.Find(code, signal.Line, signal.File) is { } off)
                refined = refined with { Guard = off };
            // So is a vendor's endpoint in a settings group whose credential a deployment may leave unset.
            if (refined.Guard is null && !refined.InTest && signal.Kind == SignalKind.ApiHost && OffSwitch.Credential(code, signal.Line, signal.File) is { } credential)
                refined = refined with { Guard = credential };
            if (refined.Guard is null) settled.Add(key);
            kept.Add(refined);
        }
        signals.Clear();
        signals.AddRange(kept);
        // Env var reads: the first uncommented read of each name is kept (the file keeps one per name anyway).
        var read = new HashSet<string>(StringComparer.Ordinal);
        report.EnvVars.RemoveAll(e => !e.Declared && e.Line > 0 && (read.Contains(e.Name) || code.IsCommented(e.Line, e.Name) || !read.Add(e.Name)));
        if (language is { } lang) GuardImports(code, lang, report);
    }

    private static bool FromText(SignalKind kind) => kind is SignalKind.Import or SignalKind.Code or SignalKind.ApiHost or SignalKind.OutboundCall or SignalKind.ConnectionString
        or SignalKind.Aspire or SignalKind.Model or SignalKind.EnvVar or SignalKind.Selected;

    private static string? Needle(Signal signal) => signal.Kind switch
    {
        SignalKind.ConnectionString => signal.Detail.Split("://")[0] + "://",
        SignalKind.Model => signal.Model,
        _ => signal.Detail,
    };

    /// <summary>
    /// An import is as guarded as the code that uses what it imports: when every line naming an imported identifier
    /// runs under a condition, so does the import (NextAuth's providers, a storage backend picked by a setting).
    /// </summary>
    private static void GuardImports(CodeText code, SourceLanguage language, FileReport report)
    {
        var signals = report.Signals;
        // Only a file with a condition can guard an import's uses; most files' imports have none and cost nothing here.
        if (!signals.Any(s => s.Kind == SignalKind.Import && s.Guard is null) || !HasCondition(code.Text)) return;
        var typeOnly = new List<int>();
        for (var i = 0; i < signals.Count; i++)
        {
            var signal = signals[i];
            if (signal.Kind != SignalKind.Import || signal.Guard is not null) continue;
            // The import serves a guarded use of the same technology (GoogleProvider() under a ternary, new S3Client() under an if).
            var same = signals.Where(s => s.TechnologyId == signal.TechnologyId && s.Kind != SignalKind.Import).ToList();
            if (same.Count > 0 && same.All(s => s.Guard is not null))
            {
                signals[i] = signal with { Guard = same[0].Guard, DevGuard = same[0].DevGuard };
                continue;
            }
            if (same.Count > 0) continue;
            var names = ImportedNames.Of(language, code.Line(signal.Line).Trim().ToString(), signal.Detail);
            if (names.Count == 0) continue;
            var (guard, uses) = UsesGuard(code, names, signal.Line);
            if (guard is { } g) signals[i] = signal with { Guard = g.Text, DevGuard = g.Dev };
            else if (uses == 0 && names.Any(n => HasWord(code, n, signal.Line))) typeOnly.Add(i);
        }
        // An import whose names only type things ("class NoopClient(StatsClientBase)", "-> StatsClientBase") serves the
        // client another import of the same technology brings; it is as guarded as that one.
        foreach (var i in typeOnly)
        {
            var signal = signals[i];
            if (signals.FirstOrDefault(s => s.Kind == SignalKind.Import && s.TechnologyId == signal.TechnologyId && s.Guard is not null) is { Guard: not null } sibling
                && !signals.Any(s => s.Kind == SignalKind.Import && s.TechnologyId == signal.TechnologyId && s.Guard is null && !ReferenceEquals(s, signal) && !typeOnly.Contains(signals.IndexOf(s))))
                signals[i] = signal with { Guard = sibling.Guard, DevGuard = sibling.DevGuard };
        }
    }

    private static bool HasCondition(ReadOnlySpan<char> text) =>
        text.IndexOf("if", StringComparison.Ordinal) >= 0 || text.IndexOf("case", StringComparison.Ordinal) >= 0 || text.IndexOf('?') >= 0;

    private static bool HasWord(CodeText code, string identifier, int importLine)
    {
        var text = code.Text;
        var at = 0;
        int found;
        while ((found = text[at..].IndexOf(identifier, StringComparison.Ordinal)) >= 0)
        {
            var offset = at + found;
            at = offset + identifier.Length;
            if (CodeText.IsWordAt(text, offset, identifier.Length) && code.LineOfOffset(offset + 1) != importLine) return true;
        }
        return false;
    }

    /// <summary>
    /// A name in a type position: a base class, a return or parameter annotation, an extends or implements clause.
    /// Naming a type loads no client.
    /// </summary>
    private static bool TypePosition(ReadOnlySpan<char> line, int column, int length)
    {
        var before = line[..column].TrimEnd();
        var after = line[(column + length)..].TrimStart();
        if (before.EndsWith("->") || before.EndsWith("extends") || before.EndsWith("implements") || before.EndsWith("typeof")) return true;
        // "class NoopClient(StatsClientBase):" and "class X extends Base {" name a base; "x: Base" and "(x: Base)" annotate.
        var trimmed = before.TrimStart();
        if (trimmed.StartsWith("class ") && (before.EndsWith("(") || before.EndsWith(",")) && (after.StartsWith(")") || after.StartsWith(","))) return true;
        return before.EndsWith(":") && before.Length > 1 && (char.IsLetterOrDigit(before[^2]) || before[^2] is '_' or '?' or ')')
            && (after.IsEmpty || after[0] is ')' or ',' or '=' or '|' or '[' or '<' or ';' or '{');
    }

    /// <summary>The guard every use of the imported names runs under, or null when a use is unguarded or there is none.</summary>
    private static (GuardFound? Guard, int Uses) UsesGuard(CodeText code, List<string> names, int importLine)
    {
        var text = code.Text;
        GuardFound? first = null;
        var uses = 0;
        foreach (var identifier in names)
        {
            var at = 0;
            int found;
            while (uses < 50 && (found = text[at..].IndexOf(identifier, StringComparison.Ordinal)) >= 0)
            {
                var offset = at + found;
                at = offset + identifier.Length;
                if (!CodeText.IsWordAt(text, offset, identifier.Length)) continue;
                var line = code.LineOfOffset(offset + 1);
                if (line == importLine || code.IsCommented(line, identifier) || CodeText.IsImportLine(code.Line(line))) continue;
                if (TypePosition(code.Line(line), offset - code.OffsetOfLine(line), identifier.Length)) continue;
                // A word in a message ("Could not initialize OAuth client") is no use of the import.
                if (InString(code.Line(line), offset - code.OffsetOfLine(line))) continue;
                uses++;
                var guard = Guards.Find(code, line, isImport: false);
                if (guard is null) return (null, uses);
                first ??= guard;
            }
        }
        return (first, uses);
    }

    /// <summary>True when the column sits inside a quoted string on its line (template interpolation aside).</summary>
    private static bool InString(ReadOnlySpan<char> line, int column)
    {
        var quote = '\0';
        for (var i = 0; i < column && i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                if (c == '\\') i++;
                else if (c == quote) quote = '\0';
                else if (quote == '`' && c == '$' && i + 1 < line.Length && line[i + 1] == '{') return false;
            }
            else if (c is '"' or '\'' or '`') quote = c;
        }
        return quote != '\0';
    }

    /// <summary>Network policies, egress allow-lists and CSP definitions name hosts that code may reach, not hosts it calls.</summary>
    private static bool PolicyFile(string name, ReadOnlySpan<char> text)
    {
        var lower = name.ToLowerInvariant();
        // A one-click deploy manifest (Heroku's app.json) describes settings; hosts in it are help text.
        if (lower == "app.json") return true;
        if (lower.Contains("csp", StringComparison.Ordinal) || lower.Contains("content-security", StringComparison.Ordinal) || lower.Contains("egress", StringComparison.Ordinal)
            || lower.Contains("allowlist", StringComparison.Ordinal) || lower.Contains("networkpolic", StringComparison.Ordinal) || lower.Contains("serviceentr", StringComparison.Ordinal))
            return true;
        return (lower.EndsWith(".yaml", StringComparison.Ordinal) || lower.EndsWith(".yml", StringComparison.Ordinal)) && PolicyKind().IsMatch(text);
    }

    /// <summary>The env var a host is the fallback default of: <c>env('MAIL_HOST', 'smtp.mailgun.org')</c>, <c>process.env.API_URL || "https://..."</c>.</summary>
    private static string? DefaultOf(ReadOnlySpan<char> line, string host)
    {
        var at = line.IndexOf(host, StringComparison.OrdinalIgnoreCase);
        if (at < 0) return null;
        var before = line[..at];
        var quote = before.LastIndexOfAny('\'', '"', '`');
        if (quote < 0) return null;
        var match = EnvDefault().Match(before[..quote].ToString());
        return match.Success ? match.Groups["name"].Value : null;
    }

    [GeneratedRegex(@"(?<name>[A-Z][A-Z0-9_]{2,})['""`]?\s*\]?\s*\)?\s*(?:,|\|\||\?\?|or|\.get\(\s*['""][A-Z0-9_]+['""]\s*,)\s*(?:default\s*=\s*)?$")]
    private static partial Regex EnvDefault();

    /// <summary>
    /// A host a URL is compared with (<c>uri.host == 'bucket.s3.amazonaws.com'</c>, <c>url.endsWith(".slack.com")</c>)
    /// is a check of where a link points, not a call to the API.
    /// </summary>
    private static bool Compared(ReadOnlySpan<char> line, string host)
    {
        var at = line.IndexOf(host, StringComparison.OrdinalIgnoreCase);
        if (at < 0) return false;
        var quote = line[..at].LastIndexOfAny('\'', '"', '`');
        if (quote < 0) return false;
        var before = line[..quote].TrimEnd();
        if (before.EndsWith("==") || before.EndsWith("!=") || before.EndsWith("===") || before.EndsWith("!==")) return true;
        foreach (var call in ComparingCalls)
        {
            if (before.EndsWith(call, StringComparison.Ordinal)) return true;
        }
        var end = line[(at + host.Length)..];
        var close = end.IndexOfAny('\'', '"', '`');
        if (close < 0) return false;
        var after = end[(close + 1)..].TrimStart();
        return after.StartsWith("==") || after.StartsWith("!=") || after.StartsWith("===");
    }

    private static readonly string[] ComparingCalls = ["endsWith(", "EndsWith(", "end_with?(", "endswith(", "HasSuffix(", "includes(", "include?(", "Contains(", "startsWith(", "StartsWith(", "start_with?(", "startswith(", "HasPrefix("];

    private static bool PolicyLine(CodeText code, int line)
    {
        for (var k = line; k >= 1 && line - k <= PolicyLookBack; k--)
        {
            var text = code.Line(k);
            if (text.IndexOfAny(PolicyHints) >= 0 && PolicyTerms().IsMatch(text)) return true;
        }
        return false;
    }

    // A vectorized first look; the regex runs only on lines holding one of these.
    private static readonly System.Buffers.SearchValues<string> PolicyHints = System.Buffers.SearchValues.Create(
        ["src", "Src", "ecurity", "CSP", "egress", "llow", "hite", "omain", "PROXY", "proxy", "osts", "remotePatterns"], StringComparison.Ordinal);

    [GeneratedRegex(@"^kind:\s*(?:ServiceEntry|NetworkPolicy|CiliumNetworkPolicy|CiliumClusterwideNetworkPolicy|AuthorizationPolicy|Sidecar|EgressPolicy|EgressGateway)\b", RegexOptions.Multiline)]
    private static partial Regex PolicyKind();

    [GeneratedRegex(@"Content-Security-Policy|contentSecurityPolicy|ContentSecurityPolicy|\b(?:connect|script|img|frame|default|style|font|media|worker|child|form-action|frame-ancestors)-src\b|\b(?:connect|script|img|frame|default|style|font|media|worker|child)Src\b|\bCSP_|\begress\b|[Aa]llow_?[Ll]ist|allowed_?[Hh]osts|ALLOWED_HOSTS|[Ww]hite_?[Ll]ist|allowed_?[Dd]omains|NO_PROXY|no_proxy|trusted_?[Hh]osts|remotePatterns|\bdomains\s*:")]
    private static partial Regex PolicyTerms();

    [GeneratedRegex(@"@(?:ConditionalOn(?:Property|Bean|MissingBean|Class|Expression)|Profile)\s*\([^)]*\)")]
    private static partial Regex ClassGuard();
}
