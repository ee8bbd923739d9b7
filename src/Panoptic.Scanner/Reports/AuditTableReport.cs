using System.Globalization;
using System.Text;
using Panoptic.Scanner.Audit;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Reports;

/// <summary>The audit as text for a terminal (a fixed-width table, then findings) or as Markdown.</summary>
public static class AuditTableReport
{
    private static readonly string[] Columns = ["scope", "src", "tests", "port conflicts", "dup %", "config", "versioned %", "struct. logs %", "tracing %", "metrics %", "health %"];

    public static string Write(RegistryDocument document, bool markdown)
    {
        var audit = document.Audit ?? throw new ArgumentException("the registry has no audit section", nameof(document));
        var rows = audit.Summary.Select(Cells).ToList();
        var sb = new StringBuilder();
        if (markdown)
        {
            sb.Append("## Panoptic audit: ").AppendLine(document.Project.Name).AppendLine();
            sb.AppendLine("| " + string.Join(" | ", Columns) + " |").AppendLine("|" + string.Concat(Columns.Select(_ => "---|")));
            foreach (var row in rows) sb.AppendLine("| " + string.Join(" | ", row) + " |");
        }
        else
        {
            var widths = Columns.Select((c, i) => Math.Max(c.Length, rows.Max(r => r[i].Length))).ToArray();
            sb.AppendLine(string.Join("  ", Columns.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
            sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
            foreach (var row in rows) sb.AppendLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
        sb.AppendLine();
        var counts = audit.Findings.GroupBy(f => f.Severity).ToDictionary(g => g.Key, g => g.Count());
        sb.AppendLine(CultureInfo.InvariantCulture, $"{audit.Findings.Count} findings: {counts.GetValueOrDefault("error")} errors, {counts.GetValueOrDefault("warning")} warnings, {counts.GetValueOrDefault("note")} notes");
        sb.AppendLine();
        foreach (var finding in audit.Findings)
        {
            var where = finding.Locations[0];
            sb.AppendLine(markdown
                ? $"- **{finding.Severity}** `{finding.Rule}` {finding.Message} (`{where.File}:{where.Line}`)"
                : $"{finding.Severity,-7} {finding.Rule}  {finding.Message}  [{where.File}:{where.Line}]");
        }
        return sb.ToString();
    }

    private static string[] Cells(HeadlineRow row)
    {
        string Mark(string key, string text) => row.Status.TryGetValue(key, out var status) && status != "ok" ? $"{text} ({(status == "critical" ? "!!" : "!")})" : text;
        string Percent(double? value, string key) => value is { } v ? Mark(key, v.ToString("0.#", CultureInfo.InvariantCulture)) : "—";
        var scope = row.Scope == "repository" ? $"repository ({row.Services} services)" : row.Scope;
        return
        [
            scope, row.SourceFiles.ToString(CultureInfo.InvariantCulture), Mark("test_files", row.TestFiles.ToString(CultureInfo.InvariantCulture)),
            Mark("port_conflicts", row.PortConflicts.ToString(CultureInfo.InvariantCulture)), Percent(row.DuplicationPercent, "duplication_percent"),
            Mark("config_approaches", row.ConfigApproaches.ToString(CultureInfo.InvariantCulture)), Percent(row.RoutesVersionedPercent, "routes_versioned_percent"),
            Percent(row.StructuredLoggingPercent, "structured_logging_percent"), Percent(row.TracingPercent, "tracing_percent"),
            Percent(row.MetricsPercent, "metrics_percent"), Percent(row.HealthEndpointsPercent, "health_endpoints_percent"),
        ];
    }
}
