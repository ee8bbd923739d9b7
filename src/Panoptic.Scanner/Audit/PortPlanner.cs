using System.Text;

namespace Panoptic.Scanner.Audit;

/// <summary>The port registry: every service's declared ports, conflicts marked, and a conflict-free assignment to adopt.</summary>
public static class PortPlanner
{
    public sealed record PortPlan(IReadOnlyList<PortRow> Services, IReadOnlyList<int> Conflicts);

    public sealed record PortRow(string Service, IReadOnlyList<PortFact> Declared, int? Proposed, bool Conflicting)
    {
        /// <summary>The port the service uses today, when the plan moves it elsewhere.</summary>
        public int? MovedFrom { get; init; }
    }

    public static PortPlan Plan(AuditSection audit)
    {
        var conflictFindings = audit.Findings.Where(f => f.Rule is "ports.host_port_conflict" or "ports.local_default_collision").ToList();
        var conflicting = conflictFindings.SelectMany(f => f.Services).ToHashSet(StringComparer.Ordinal);
        var taken = new HashSet<int>();
        var rows = new List<PortRow>();
        // Services keep their own port when nobody else wants it; the others get the next free port from 8001 up.
        var byPort = audit.Services.Select(s => (Service: s, Port: MainPort(s))).ToList();
        foreach (var (service, port) in byPort.OrderBy(x => conflicting.Contains(x.Service.Id)).ThenBy(x => x.Service.Id, StringComparer.Ordinal))
        {
            int? proposed = null;
            if (port is { } p && taken.Add(p)) proposed = p;
            else if (port is not null || service.Ports.Count > 0 || Rules.ObservabilityRules.IsHttpService(service))
            {
                var next = 8001;
                while (!taken.Add(next)) next++;
                proposed = next;
            }
            rows.Add(new PortRow(service.Id, service.Ports, proposed, conflicting.Contains(service.Id)) { MovedFrom = port is not null && proposed != port ? port : null });
        }
        var conflicts = audit.Services.SelectMany(s => s.Ports.Where(p => p.Source == "code").Select(p => (s.Id, p.Port))).GroupBy(x => x.Port).Where(g => g.Select(x => x.Id).Distinct().Count() > 1).Select(g => g.Key).Order().ToList();
        return new PortPlan([.. rows.OrderBy(r => r.Service, StringComparer.Ordinal)], conflicts);
    }

    /// <summary>ports.yaml: one entry per service with its proposed port and where its current ports are declared.</summary>
    public static string ToYaml(PortPlan plan)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Port registry written by `panoptic ports --write`: one listen port per service, no two alike.");
        sb.AppendLine("# Adopt it by setting PORT (or the framework's equivalent) for each service to its port below.");
        sb.AppendLine("services:");
        foreach (var row in plan.Services.Where(r => r.Proposed is not null))
        {
            sb.Append("  ").Append(Quote(row.Service)).AppendLine(":");
            sb.Append("    port: ").AppendLine(row.Proposed!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (row.MovedFrom is { } from) sb.Append("    moved_from: ").AppendLine(from.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (row.Declared.Count > 0)
            {
                sb.AppendLine("    declared:");
                foreach (var p in row.Declared) sb.Append("      - { port: ").Append(p.Port).Append(", source: ").Append(p.Source).Append(", at: ").Append(Quote($"{p.File}:{p.Line}")).AppendLine(" }");
            }
        }
        return sb.ToString();
    }

    private static int? MainPort(ServiceFacts service) =>
        service.Ports.OrderBy(p => p.Source switch { "code" => 0, "compose" => 1, "dockerfile" => 2, _ => 3 }).Select(p => (int?)p.Port).FirstOrDefault();

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
