using System.Globalization;
using System.Text.Json.Nodes;
using Panoptic.Scanner.Audit;
using Panoptic.Scanner.Readiness;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Reports;

/// <summary>
/// Readiness gaps as SARIF 2.1.0, in a run of their own (automation id "panoptic/readiness/") so code scanning keeps
/// them apart from the audit's alerts. A failed blocking check is an error, any other failure a warning, a partial
/// check a note; waived and passing checks are left out. A gap is usually an absence with no line to point at, so
/// it is placed on its evidence when there is some (a hard-coded key) and otherwise on the repository's front file.
/// </summary>
public static class ReadinessSarifReport
{
    public static string Write(RegistryDocument document, string version, string frontFile)
    {
        var readiness = document.CommercialReadiness ?? throw new ArgumentException("the registry has no commercial_readiness section", nameof(document));
        var catalog = ReadinessCatalog.LoadEmbedded().Checks.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var reported = readiness.Checks.Where(c => c.Waived is null && c.Status is "fail" or "partial").ToList();
        return SarifReport.Envelope("Panoptic readiness", version, [.. reported.Select(c => Rule(c, catalog.GetValueOrDefault(c.Id)))],
            [.. reported.Select((c, i) => Result(c, i, frontFile))], "panoptic/readiness/");
    }

    private static JsonObject Rule(CheckResult check, ReadinessCheck? definition)
    {
        var why = definition?.Why ?? check.Title;
        return new JsonObject
        {
            ["id"] = check.Id,
            ["name"] = string.Concat(check.Id.Split('.', '_').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..])),
            ["shortDescription"] = new JsonObject { ["text"] = check.Title },
            ["fullDescription"] = new JsonObject { ["text"] = why },
            ["help"] = new JsonObject { ["text"] = why, ["markdown"] = $"**{check.Title}**\n\n{why}" },
            ["defaultConfiguration"] = new JsonObject { ["level"] = Level(check) },
            ["properties"] = new JsonObject { ["tags"] = new JsonArray("readiness", check.Category, check.Risk) },
        };
    }

    private static string Level(CheckResult check) => check.Status == "partial" ? "note" : check.Blocking ? "error" : "warning";

    private static JsonObject Result(CheckResult check, int ruleIndex, string frontFile)
    {
        // A live measurement has no line in the repository: it is placed like an absence, and its evidence is the message.
        var where = check.Evidence.FirstOrDefault(e => e.Kind != "live") is { } e ? new FindingLocation(e.File, e.Line) : new FindingLocation(frontFile, 1);
        var looked = check.LookedFor is { Count: > 0 } l ? $" Looked for: {string.Join("; ", l.Take(3))}." : "";
        if (check.Evidence.FirstOrDefault(e => e.Kind == "live") is { } live) looked = $" {live.Detail}." + looked;
        return new JsonObject
        {
            ["ruleId"] = check.Id,
            ["ruleIndex"] = ruleIndex,
            ["level"] = Level(check),
            ["message"] = new JsonObject { ["text"] = string.Create(CultureInfo.InvariantCulture, $"{(check.Blocking ? "Blocking: " : "")}{check.Title} — {check.Status}{(check.Reason is { } r ? $" ({r})" : "")}.{looked}") },
            ["locations"] = new JsonArray(SarifReport.Location(where, null)),
            // One alert per check and repository, whatever line it lands on.
            ["partialFingerprints"] = new JsonObject { ["primaryLocationLineHash"] = "readiness:" + check.Id },
        };
    }
}
