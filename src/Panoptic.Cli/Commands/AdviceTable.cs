using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Panoptic.Cli.Commands;

/// <summary>The advisor's answer as plain text: a headline, one line per recommendation (largest saving first), then the server's notes.</summary>
internal static class AdviceTable
{
    public static string Write(JsonElement report)
    {
        var sb = new StringBuilder();
        var savings = report.GetProperty("savings_usd").GetDecimal();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Savings advisor, {Text(report, "from")} to {Text(report, "to")} (exclusive, {report.GetProperty("window_days").GetInt32()} days): ${savings:N2} of potential savings");
        sb.AppendLine();
        var recommendations = report.GetProperty("recommendations").EnumerateArray().ToList();
        if (recommendations.Count == 0) sb.AppendLine("Nothing to recommend.");
        else sb.AppendLine(CultureInfo.InvariantCulture, $"{"savings",10}  {"kind",-17} summary");
        foreach (var r in recommendations)
        {
            var saving = r.TryGetProperty("savings_usd", out var s) && s.ValueKind == JsonValueKind.Number ? "$" + s.GetDecimal().ToString("N2", CultureInfo.InvariantCulture) : "—";
            sb.AppendLine(CultureInfo.InvariantCulture, $"{saving,10}  {Text(r, "kind"),-17} {Text(r, "summary")}");
        }
        if (report.TryGetProperty("notes", out var notes) && notes.GetArrayLength() > 0)
        {
            sb.AppendLine();
            foreach (var note in notes.EnumerateArray()) sb.AppendLine(CultureInfo.InvariantCulture, $"note: {note.GetString()}");
        }
        return sb.ToString();
    }

    private static string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}
