using System.Globalization;
using System.Text;
using Panoptic.Scanner.Readiness;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Reports;

/// <summary>A short Markdown summary of the registry, sized for a pull-request comment.</summary>
public static class MarkdownReport
{
    public static string Write(RegistryDocument document)
    {
        var sb = new StringBuilder();
        var p = document.Project;
        sb.Append("## Panoptic scan: ").Append(Escape(p.Name)).AppendLine();
        sb.AppendLine();
        sb.Append(Summary.Line(document)).AppendLine(p.Commit is null ? "" : $" — commit `{p.Commit[..Math.Min(12, p.Commit.Length)]}`");
        sb.AppendLine();

        if (document.Services.Count > 0)
        {
            sb.AppendLine("### Services").AppendLine();
            sb.AppendLine("| service | path | language | frameworks | ports |").AppendLine("|---|---|---|---|---|");
            foreach (var s in document.Services)
                sb.AppendLine($"| {Escape(s.Id)} | `{Escape(s.Path)}` | {s.Language ?? "—"} | {Escape(string.Join(", ", s.Frameworks))} | {string.Join(", ", s.Ports)} |");
            sb.AppendLine();
        }
        Table(sb, "Backend connections", document.BackendConnections);
        Table(sb, "External APIs", document.ExternalApis);
        if (document.DevTooling.Count > 0)
            sb.Append("**Developer tooling (not production):** ").AppendLine(string.Join(", ", document.DevTooling.Select(t => Escape(t.Name)))).AppendLine();

        if (document.Audit is { Findings.Count: > 0 } audit)
        {
            var counts = audit.Findings.GroupBy(f => f.Severity).ToDictionary(g => g.Key, g => g.Count());
            sb.Append("### Architecture audit: ").Append(counts.GetValueOrDefault("error")).Append(" errors, ").Append(counts.GetValueOrDefault("warning"))
                .Append(" warnings, ").Append(counts.GetValueOrDefault("note")).AppendLine(" notes").AppendLine();
            foreach (var finding in audit.Findings.Where(f => f.Severity != "note").Take(20))
                sb.AppendLine($"- **{finding.Severity}** `{finding.Rule}` {Escape(finding.Message)} (`{Escape(finding.Locations[0].File)}:{finding.Locations[0].Line}`)");
            if (audit.Findings.Count(f => f.Severity != "note") > 20) sb.AppendLine("- … run `panoptic audit` for the full list");
            sb.AppendLine();
        }
        if (document.CommercialReadiness is { } readiness)
        {
            var verdict = Verdicts.Title(readiness.Verdict).ToLowerInvariant();
            sb.Append("### Commercial readiness: ").Append(verdict).Append(", score ").Append(readiness.Score.ToString("0.#", CultureInfo.InvariantCulture))
                .Append(" / 100, coverage ").Append(readiness.Coverage.ToString("0.#", CultureInfo.InvariantCulture)).AppendLine(" %").AppendLine();
            foreach (var check in readiness.Checks.Where(c => c.Blocking && c.Waived is null && c.Status is "fail" or "needs_manual_confirmation"))
                sb.AppendLine($"- **blocking** {(check.Status == "fail" ? "fail" : "confirm")} `{check.Id}`: {Escape(check.Title)}");
            sb.AppendLine("- run `panoptic check` for every check and its evidence").AppendLine();
        }
        if (document.Secrets.Count > 0)
        {
            sb.AppendLine("### ⚠️ Hard-coded secrets").AppendLine();
            sb.AppendLine("| kind | where | value (masked) |").AppendLine("|---|---|---|");
            foreach (var s in document.Secrets) sb.AppendLine($"| {Escape(s.Name)} | `{Escape(s.File)}:{s.Line}` | `{Escape(s.Masked)}` |");
            sb.AppendLine();
        }
        if (document.Problems.Count > 0)
        {
            sb.AppendLine("<details><summary>Files that could not be read (" + document.Problems.Count + ")</summary>").AppendLine();
            foreach (var problem in document.Problems.Take(50)) sb.AppendLine($"- `{Escape(problem.File)}{(problem.Line is { } l ? ":" + l : "")}` {Escape(problem.Message)}");
            sb.AppendLine().AppendLine("</details>");
        }
        return sb.ToString();
    }

    private const int EvidenceShown = 3;

    private static void Table(StringBuilder sb, string title, IReadOnlyList<TechnologyEntry> entries)
    {
        if (entries.Count == 0) return;
        sb.Append("### ").Append(title).Append(" (").Append(entries.Count).AppendLine(")").AppendLine();
        sb.AppendLine("| technology | category | status | confidence | used by | evidence |").AppendLine("|---|---|---|---|---|---|");
        foreach (var e in entries)
        {
            // The registry orders evidence strongest first; the first three decide, the rest stay in the registry.
            var shown = e.Evidence.Take(EvidenceShown).ToList();
            var where = string.Join("<br>", shown.Select(x => $"`{Escape(x.File)}:{x.Line}` ({x.Kind})"));
            var models = e.ModelsSeen is { Count: > 0 } m ? $" — models: {Escape(string.Join(", ", m))}" : "";
            var status = e.StatusReason is { } reason ? Escape(reason) : e.Status;
            sb.AppendLine($"| {Escape(e.Name)}{models} | {e.Category} | {status} | {e.Confidence:0.00} | {Escape(string.Join(", ", e.UsedBy))} | {where}{(e.EvidenceTotal > shown.Count ? $" +{e.EvidenceTotal - shown.Count}" : "")} |");
        }
        sb.AppendLine();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}
