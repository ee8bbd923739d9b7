using System.Globalization;
using System.Text;
using Panoptic.Scanner.Readiness;

namespace Panoptic.Cli.Commands;

/// <summary>The live results under the scorecard of `check --live`, in the table and Markdown formats (JSON, SARIF and HTML carry them in the registry).</summary>
internal static class LiveReport
{
    public static string Table(ReadinessSection readiness)
    {
        if (readiness.Live is not { Count: > 0 } live) return "";
        var sb = new StringBuilder("\nLive checks of the deployed product\n\n");
        foreach (var r in Ordered(live))
        {
            var mark = r.Status switch { "pass" => "ok     ", "warn" => "warn   ", "fail" => "FAIL   ", "error" => "ERROR  ", _ => "info   " };
            sb.AppendLine(CultureInfo.InvariantCulture, $"{mark} {r.Check,-26} {r.Message}  [{r.Target}{(r.Readiness is { } id ? " -> " + id : "")}]");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"\nmeasured at {live.Min(r => r.CheckedAt).UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        return sb.ToString();
    }

    public static string Markdown(ReadinessSection readiness)
    {
        if (readiness.Live is not { Count: > 0 } live) return "";
        static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"\n### Live checks ({live.Min(r => r.CheckedAt).UtcDateTime:yyyy-MM-dd HH:mm} UTC)\n");
        sb.AppendLine("| status | check | target | result | answers |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var r in Ordered(live))
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Status} | `{r.Check}` | {Cell(r.Target)} | {Cell(r.Message)} | {(r.Readiness is { } id ? $"`{id}`" : "")} |");
        return sb.ToString();
    }

    private static IEnumerable<LiveResult> Ordered(IReadOnlyList<LiveResult> live) =>
        live.OrderBy(r => LiveReadiness.Rank(r.Status)).ThenBy(r => r.Target, StringComparer.Ordinal).ThenBy(r => r.Check, StringComparer.Ordinal);
}
