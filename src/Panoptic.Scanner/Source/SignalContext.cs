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

    public static void Refine(CodeText code, string name, SourceLanguage? language, FileReport report)
    {
        var policyFile = PolicyFile(name, code.Text);
        var springGuard = language == SourceLanguage.Java ? ClassGuard().Match(code.Text) : Match.Empty;
        var signals = report.Signals;
        for (var i = signals.Count - 1; i >= 0; i--)
        {
            var signal = signals[i];
            if (!FromText(signal.Kind) || signal.Line < 1) continue;
            if (code.IsCommented(signal.Line, Needle(signal)) || (signal.Kind == SignalKind.ApiHost && (policyFile || PolicyLine(code, signal.Line))))
            {
                signals.RemoveAt(i);
                continue;
            }
            if (language is null || signal.Guard is not null) continue;
            if (Guards.Find(code, signal.Line, signal.Kind == SignalKind.Import) is { } guard)
                signals[i] = signal with { Guard = guard.Text, DevGuard = guard.Dev };
            else if (springGuard.Success)
                signals[i] = signal with { Guard = $"`{springGuard.Value}`", DevGuard = springGuard.Value.StartsWith("@Profile", StringComparison.Ordinal) && springGuard.Value.Contains("dev", StringComparison.OrdinalIgnoreCase) };
        }
        report.EnvVars.RemoveAll(e => !e.Declared && e.Line > 0 && code.IsCommented(e.Line, e.Name));
        if (language is { } lang) GuardImports(code, lang, report);
    }

    private static bool FromText(SignalKind kind) => kind is SignalKind.Import or SignalKind.Code or SignalKind.ApiHost or SignalKind.ConnectionString
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
        for (var i = 0; i < signals.Count; i++)
        {
            var signal = signals[i];
            if (signal.Kind != SignalKind.Import || signal.Guard is not null) continue;
            var names = ImportedNames.Of(language, code.Line(signal.Line).Trim().ToString(), signal.Detail);
            if (names.Count == 0) continue;
            GuardFound? first = null;
            var uses = 0;
            var unguarded = false;
            foreach (var identifier in names)
            {
                var at = 0;
                int found;
                while (!unguarded && uses < 50 && (found = code.Text.AsSpan(at).IndexOf(identifier, StringComparison.Ordinal)) >= 0)
                {
                    var offset = at + found;
                    at = offset + identifier.Length;
                    if (!WordAt(code.Text, offset, identifier.Length)) continue;
                    var line = code.LineOfOffset(offset + 1);
                    if (line == signal.Line || code.IsCommented(line, identifier) || ImportLine(code.Line(line))) continue;
                    uses++;
                    var guard = Guards.Find(code, line, isImport: false);
                    if (guard is null) unguarded = true;
                    else first ??= guard;
                }
            }
            if (!unguarded && uses > 0 && first is { } g) signals[i] = signal with { Guard = g.Text, DevGuard = g.Dev };
        }
    }

    private static bool ImportLine(ReadOnlySpan<char> line)
    {
        var t = line.TrimStart();
        return t.StartsWith("import ") || t.StartsWith("from ") || t.StartsWith("using ") || t.StartsWith("use ") || t.StartsWith("require");
    }

    private static bool WordAt(string text, int offset, int length) =>
        (offset == 0 || !(char.IsLetterOrDigit(text[offset - 1]) || text[offset - 1] is '_' or '$'))
        && (offset + length >= text.Length || !(char.IsLetterOrDigit(text[offset + length]) || text[offset + length] is '_' or '$'));

    /// <summary>Network policies, egress allow-lists and CSP definitions name hosts that code may reach, not hosts it calls.</summary>
    private static bool PolicyFile(string name, string text)
    {
        var lower = name.ToLowerInvariant();
        if (lower.Contains("csp", StringComparison.Ordinal) || lower.Contains("content-security", StringComparison.Ordinal) || lower.Contains("egress", StringComparison.Ordinal)
            || lower.Contains("allowlist", StringComparison.Ordinal) || lower.Contains("networkpolic", StringComparison.Ordinal) || lower.Contains("serviceentr", StringComparison.Ordinal))
            return true;
        return (lower.EndsWith(".yaml", StringComparison.Ordinal) || lower.EndsWith(".yml", StringComparison.Ordinal)) && PolicyKind().IsMatch(text);
    }

    private static bool PolicyLine(CodeText code, int line)
    {
        for (var k = line; k >= 1 && line - k <= PolicyLookBack; k--)
        {
            if (PolicyTerms().IsMatch(code.Line(k))) return true;
        }
        return false;
    }

    [GeneratedRegex(@"^kind:\s*(?:ServiceEntry|NetworkPolicy|CiliumNetworkPolicy|CiliumClusterwideNetworkPolicy|AuthorizationPolicy|Sidecar|EgressPolicy|EgressGateway)\b", RegexOptions.Multiline)]
    private static partial Regex PolicyKind();

    [GeneratedRegex(@"Content-Security-Policy|contentSecurityPolicy|ContentSecurityPolicy|\b(?:connect|script|img|frame|default|style|font|media|worker|child|form-action|frame-ancestors)-src\b|\b(?:connect|script|img|frame|default|style|font|media|worker|child)Src\b|\bCSP_|\begress\b|[Aa]llow_?[Ll]ist|allowed_?[Hh]osts|ALLOWED_HOSTS|[Ww]hite_?[Ll]ist|allowed_?[Dd]omains|NO_PROXY|no_proxy|trusted_?[Hh]osts|remotePatterns|\bdomains\s*:")]
    private static partial Regex PolicyTerms();

    [GeneratedRegex(@"@(?:ConditionalOn(?:Property|Bean|MissingBean|Class|Expression)|Profile)\s*\([^)]*\)")]
    private static partial Regex ClassGuard();
}
