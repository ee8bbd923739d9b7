using System.Reflection;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Deployment;

namespace Panoptic.Scanner.Audit;

/// <summary>A rule's metadata: its stable id (the SARIF ruleId), title, severity and help text.</summary>
public sealed record AuditRule(string Id, string Title, string Severity, string Category, double? SecuritySeverity, string Help)
{
    public static IReadOnlyList<AuditRule> LoadEmbedded()
    {
        const string name = "Panoptic.Scanner.Audit.rules.yaml";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)!;
        var root = CatalogReader.LoadMapping(new StreamReader(stream).ReadToEnd(), "rules.yaml");
        var rules = new List<AuditRule>();
        foreach (var node in root.Get("rules").Items())
        {
            string Get(string key) => node.Get(key).Text() ?? throw CatalogReader.Error("rules.yaml", node, $"rules: '{key}' is required");
            var severity = Get("severity");
            if (severity is not ("error" or "warning" or "note")) throw CatalogReader.Error("rules.yaml", node, $"rules.{Get("id")}.severity: '{severity}' is not error, warning or note");
            double? security = node.Get("security_severity").Text() is { } s ? double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null;
            rules.Add(new AuditRule(Get("id"), Get("title"), severity, Get("category"), security, Get("help")));
        }
        return rules;
    }
}
