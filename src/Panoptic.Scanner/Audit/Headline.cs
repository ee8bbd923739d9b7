namespace Panoptic.Scanner.Audit;

/// <summary>The table the user reads first: the repository, then each service, every figure with a status.</summary>
internal static class Headline
{
    public static List<HeadlineRow> Build(IReadOnlyList<ServiceFacts> services, IReadOnlyList<AuditFinding> findings, CloneReport clones)
    {
        var conflicts = findings.Where(f => f.Rule is "ports.host_port_conflict" or "ports.local_default_collision").ToList();
        var http = services.Where(Rules.ObservabilityRules.IsHttpService).ToList();
        var routes = services.SelectMany(Rules.ApiRules.ApiRoutes).ToList();
        var logging = services.Where(s => s.StructuredLogging is not null).ToList();
        var rows = new List<HeadlineRow>
        {
            Row("repository", services.Count,
                services.Sum(s => s.SourceFiles), services.Sum(s => s.TestFiles), conflicts.Count,
                clones.Computed ? clones.Overall.Percent : null,
                services.SelectMany(s => s.ConfigApproaches).Distinct().Count(),
                Percent(services.Sum(s => Rules.ApiRules.ApiRoutes(s).Count(r => s.HasApiVersioning || Rules.ApiRules.IsVersioned(r.Path))), routes.Count),
                Percent(logging.Count(s => s.StructuredLogging == true), logging.Count),
                Percent(http.Count(s => s.Tracing.Count > 0), http.Count),
                Percent(http.Count(s => s.Metrics.Count > 0), http.Count),
                Percent(http.Count(s => s.HealthEndpoints.Count > 0 || s.Probes.Count > 0), http.Count)),
        };
        foreach (var s in services)
        {
            var serviceRoutes = Rules.ApiRules.ApiRoutes(s).ToList();
            var isHttp = Rules.ObservabilityRules.IsHttpService(s);
            rows.Add(Row(s.Id, 0, s.SourceFiles, s.TestFiles, conflicts.Count(f => f.Services.Contains(s.Id)),
                clones.Computed && clones.ByService.TryGetValue(s.Id, out var dup) ? dup.Percent : null,
                s.ConfigApproaches.Count,
                Percent(serviceRoutes.Count(r => s.HasApiVersioning || Rules.ApiRules.IsVersioned(r.Path)), serviceRoutes.Count),
                s.StructuredLogging is null ? null : s.StructuredLogging.Value ? 100 : 0,
                isHttp ? s.Tracing.Count > 0 ? 100 : 0 : null,
                isHttp ? s.Metrics.Count > 0 ? 100 : 0 : null,
                isHttp ? s.HealthEndpoints.Count > 0 || s.Probes.Count > 0 ? 100 : 0 : null));
        }
        return rows;
    }

    private static HeadlineRow Row(string scope, int services, int source, int tests, int conflicts, double? duplication, int config,
        double? versioned, double? structured, double? tracing, double? metrics, double? health)
    {
        var status = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["test_files"] = tests > 0 ? "ok" : source > 0 ? "critical" : "ok",
            ["port_conflicts"] = conflicts == 0 ? "ok" : "critical",
            ["config_approaches"] = config <= 2 ? "ok" : config == 3 ? "warning" : "critical",
        };
        if (duplication is { } d) status["duplication_percent"] = d < 3 ? "ok" : d < 10 ? "warning" : "critical";
        foreach (var (name, value) in new[] { ("routes_versioned_percent", versioned), ("structured_logging_percent", structured), ("tracing_percent", tracing), ("metrics_percent", metrics), ("health_endpoints_percent", health) })
        {
            if (value is { } v) status[name] = v >= 80 ? "ok" : v >= 50 ? "warning" : "critical";
        }
        return new HeadlineRow
        {
            Scope = scope, Services = services, SourceFiles = source, TestFiles = tests, PortConflicts = conflicts, DuplicationPercent = duplication,
            ConfigApproaches = config, RoutesVersionedPercent = versioned, StructuredLoggingPercent = structured, TracingPercent = tracing,
            MetricsPercent = metrics, HealthEndpointsPercent = health, Status = status,
        };
    }

    private static double? Percent(int part, int whole) => whole == 0 ? null : Math.Round(100.0 * part / whole, 1);
}
