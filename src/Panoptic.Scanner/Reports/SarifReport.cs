using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Panoptic.Scanner.Audit;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Reports;

/// <summary>
/// The audit as SARIF 2.1.0 for GitHub code scanning: one run, every rule with help text, repository-relative URIs
/// against %SRCROOT%, the first location as primary and the others related, and partialFingerprints without lines.
/// </summary>
public static class SarifReport
{
    internal static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(RegistryDocument document, string version)
    {
        var audit = document.Audit ?? throw new ArgumentException("the registry has no audit section", nameof(document));
        var rules = AuditEngine.Rules;
        var index = rules.Select((rule, i) => (rule.Id, i)).ToDictionary(x => x.Id, x => x.i);
        return Envelope("Panoptic", version, [.. rules.Select(Rule)], [.. audit.Findings.Select(f => Result(f, index[f.Rule]))], "panoptic/audit/");
    }

    /// <summary>A SARIF 2.1.0 document of one run; the automation id keeps runs of different tools apart in code scanning.</summary>
    internal static string Envelope(string tool, string version, JsonNode[] rules, JsonNode[] results, string automationId)
    {
        var sarif = new JsonObject
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = tool,
                        ["version"] = version,
                        ["semanticVersion"] = version,
                        ["informationUri"] = "https://github.com/panoptic/panoptic",
                        ["rules"] = new JsonArray(rules),
                    },
                },
                ["originalUriBaseIds"] = new JsonObject { ["%SRCROOT%"] = new JsonObject { ["uri"] = "file:///" } },
                ["results"] = new JsonArray(results),
                ["automationDetails"] = new JsonObject { ["id"] = automationId },
            }),
        };
        return sarif.ToJsonString(Options) + "\n";
    }

    private static JsonObject Rule(AuditRule rule)
    {
        var properties = new JsonObject { ["tags"] = new JsonArray(rule.Category, rule.SecuritySeverity is null ? "maintainability" : "security") };
        if (rule.SecuritySeverity is { } severity) properties["security-severity"] = severity.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["id"] = rule.Id,
            ["name"] = string.Concat(rule.Id.Split('.', '_').Select(p => char.ToUpperInvariant(p[0]) + p[1..])),
            ["shortDescription"] = new JsonObject { ["text"] = rule.Title },
            ["fullDescription"] = new JsonObject { ["text"] = rule.Help },
            ["help"] = new JsonObject { ["text"] = rule.Help, ["markdown"] = $"**{rule.Title}**\n\n{rule.Help}" },
            ["defaultConfiguration"] = new JsonObject { ["level"] = rule.Severity },
            ["properties"] = properties,
        };
    }

    private static JsonObject Result(AuditFinding finding, int ruleIndex)
    {
        var result = new JsonObject
        {
            ["ruleId"] = finding.Rule,
            ["ruleIndex"] = ruleIndex,
            ["level"] = finding.Severity,
            ["message"] = new JsonObject { ["text"] = finding.Message },
            ["locations"] = new JsonArray(Location(finding.Locations[0], null)),
            ["partialFingerprints"] = new JsonObject { ["primaryLocationLineHash"] = finding.Fingerprint },
        };
        if (finding.Locations.Count > 1)
            result["relatedLocations"] = new JsonArray([.. finding.Locations.Skip(1).Select((l, i) => Location(l, i + 1))]);
        return result;
    }

    internal static JsonObject Location(FindingLocation location, int? id)
    {
        var node = new JsonObject
        {
            ["physicalLocation"] = new JsonObject
            {
                ["artifactLocation"] = new JsonObject { ["uri"] = Uri.EscapeDataString(location.File).Replace("%2F", "/", StringComparison.Ordinal), ["uriBaseId"] = "%SRCROOT%" },
                ["region"] = new JsonObject { ["startLine"] = Math.Max(location.Line, 1) },
            },
        };
        if (id is { } value) node["id"] = value;
        return node;
    }
}
