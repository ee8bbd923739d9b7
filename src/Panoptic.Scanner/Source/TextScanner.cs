using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Secrets;

namespace Panoptic.Scanner.Source;

/// <summary>
/// One pass of the catalog's literals over a text file: API hosts, client code, Aspire resources, model names,
/// env var reads, connection strings and hard-coded secrets, each with its line.
/// </summary>
internal sealed class TextScanner(TechnologyCatalog catalog)
{
    public void Scan(string text, SourceLanguage? language, bool inTest, FileReport report)
    {
        var lines = new LineCounter(text);
        catalog.Literals.FindAll(text, (target, position) =>
        {
            switch (target.Kind)
            {
                case LiteralKind.Host when HostBoundary(text, position, target.Literal):
                    report.Signals.Add(new Signal(target.Technology!.Id, SignalKind.ApiHost, report.Path, lines.LineOf(position), target.Literal.TrimStart('.')) { InTest = inTest });
                    break;
                case LiteralKind.Code when CodeBoundary(text, position):
                    report.Signals.Add(new Signal(target.Technology!.Id, SignalKind.Code, report.Path, lines.LineOf(position), target.Literal.TrimEnd('(')) { InTest = inTest });
                    break;
                case LiteralKind.Aspire when language == SourceLanguage.CSharp && position > 0 && text[position - 1] == '.':
                    report.Signals.Add(new Signal(target.Technology!.Id, SignalKind.Aspire, report.Path, lines.LineOf(position), target.Literal.TrimEnd('(')) { InTest = inTest });
                    break;
                case LiteralKind.Model:
                    var model = QuotedToken(text, position);
                    if (model is not null)
                        report.Signals.Add(new Signal(target.Technology!.Id, SignalKind.Model, report.Path, lines.LineOf(position), model) { Model = model, InTest = inTest });
                    break;
                case LiteralKind.EnvRead when language is not null:
                    var name = EnvName(text, position + target.Literal.Length);
                    if (name is not null) report.EnvVars.Add(new EnvVarUse(name, report.Path, lines.LineOf(position), Declared: false));
                    break;
                case LiteralKind.Secret:
                    Secret(text, position, target.Secret!, lines, report);
                    break;
                case LiteralKind.SchemeSeparator:
                    ConnectionString(text, position, inTest, lines, report);
                    break;
            }
        });
    }

    private void ConnectionString(string text, int separator, bool inTest, LineCounter lines, FileReport report)
    {
        var url = ConnectionUrl.Parse(text, separator);
        if (url is null) return;
        var tech = catalog.ByScheme(url.Scheme);
        var line = lines.LineOf(url.Start);
        if (tech is not null)
            report.Signals.Add(new Signal(tech.Id, SignalKind.ConnectionString, report.Path, line, url.Masked) { InTest = inTest });
        if (url.HasHardCodedPassword)
            report.Secrets.Add(new SecretFinding("connection-string-password", "Password in a connection string", report.Path, line, url.Masked));
    }

    private static void Secret(string text, int position, SecretRule rule, LineCounter lines, FileReport report)
    {
        if (position > 0 && (char.IsLetterOrDigit(text[position - 1]) || text[position - 1] == '_')) return;
        System.Text.RegularExpressions.Match match;
        try
        {
            match = rule.Pattern.Match(text, position);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return;
        }
        if (!match.Success) return;
        var end = match.Index + match.Length;
        if (end < text.Length && (char.IsLetterOrDigit(text[end]) && rule.Trigger != "-----BEGIN")) return;
        var visible = Math.Min(rule.VisiblePrefix, match.Length / 2);
        report.Secrets.Add(new SecretFinding(rule.Id, rule.Name, report.Path, lines.LineOf(position), match.Value[..visible] + "****"));
    }

    private static bool HostBoundary(string text, int position, string literal)
    {
        var end = position + literal.Length;
        if (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '-' || text[end] == '_')) return false;
        // "api.stripe.com.evil.example" is another host; a sentence-ending dot is not.
        if (end + 1 < text.Length && text[end] == '.' && char.IsLetterOrDigit(text[end + 1])) return false;
        if (literal[0] == '.') return position > 0 && char.IsLetterOrDigit(text[position - 1]);
        return position == 0 || !(char.IsLetterOrDigit(text[position - 1]) || text[position - 1] == '-' || text[position - 1] == '_');
    }

    private static bool CodeBoundary(string text, int position) =>
        position == 0 || !(char.IsLetterOrDigit(text[position - 1]) || text[position - 1] == '_') || !char.IsLetterOrDigit(text[position]);

    /// <summary>The whole string literal starting at <paramref name="position"/>, when a quote opens right before it.</summary>
    private static string? QuotedToken(string text, int position)
    {
        if (position == 0) return null;
        var quote = text[position - 1];
        if (quote is not ('"' or '\'' or '`')) return null;
        var end = position;
        while (end < text.Length && end - position < 80 && (char.IsLetterOrDigit(text[end]) || text[end] is '-' or '.' or '_' or ':' or '/' or '@')) end++;
        if (end >= text.Length || text[end] != quote) return null;
        return text[position..end];
    }

    private static string? EnvName(string text, int start)
    {
        var i = start;
        var limit = Math.Min(text.Length, start + 6);
        while (i < limit && text[i] is ' ' or '"' or '\'' or '(' or '`') i++;
        var begin = i;
        while (i < text.Length && i - begin < 128 && (char.IsAsciiLetterUpper(text[i]) || char.IsAsciiDigit(text[i]) || text[i] == '_')) i++;
        if (i - begin < 2 || char.IsAsciiDigit(text[begin])) return null;
        if (i < text.Length && char.IsAsciiLetterLower(text[i])) return null;
        return text[begin..i];
    }
}
