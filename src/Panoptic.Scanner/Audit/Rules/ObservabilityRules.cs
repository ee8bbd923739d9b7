namespace Panoptic.Scanner.Audit.Rules;

/// <summary>Health endpoints, logging, tracing and metrics across services.</summary>
internal static class ObservabilityRules
{
    public static IEnumerable<AuditFinding> HealthMissing(AuditContext context) =>
        context.Services
            .Where(s => IsHttpService(s) && s.HealthEndpoints.Count == 0 && s.Probes.Count == 0)
            .Select(s => context.Finding("obs.health_endpoint_missing",
                $"{s.Id} serves HTTP but has no health endpoint, health-check library or probe.", [s.Id], [AuditContext.Anchor(s)], s.Id));

    /// <summary>HTTP health paths that differ from the convention most services follow.</summary>
    public static IEnumerable<AuditFinding> HealthInconsistent(AuditContext context)
    {
        var paths = context.Services
            .Select(s => (Service: s, Path: s.HealthEndpoints.FirstOrDefault(p => p.StartsWith('/'))))
            .Where(x => x.Path is not null)
            .ToList();
        var conventions = paths.GroupBy(x => x.Path!.ToLowerInvariant()).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (conventions.Count < 2) yield break;
        var majority = conventions[0].Key;
        foreach (var (service, path) in paths.Where(x => !x.Path!.Equals(majority, StringComparison.OrdinalIgnoreCase)))
        {
            var route = service.Routes.FirstOrDefault(r => r.Path.TrimEnd('/').Equals(path, StringComparison.OrdinalIgnoreCase));
            yield return context.Finding("obs.health_endpoint_inconsistent",
                $"{service.Id} answers health checks at {path}; {conventions[0].Count()} of {paths.Count} services use {majority} ({conventions.Count} conventions in use: {string.Join(", ", conventions.Select(c => c.Key))}).",
                [service.Id], [route is null ? AuditContext.Anchor(service) : new FindingLocation(route.File, route.Line)], service.Id, path!);
        }
    }

    /// <summary>HTTP liveness and readiness probes of one service checking the same path (gRPC, TCP and exec probes cannot be told apart), once per service and path.</summary>
    public static IEnumerable<AuditFinding> NoLivenessReadinessSplit(AuditContext context)
    {
        foreach (var service in context.Services)
        {
            var liveness = service.Probes.Where(p => p.Kind == "livenessProbe" && p.Path is { } path && path.StartsWith('/')).ToList();
            var readiness = service.Probes.Where(p => p.Kind == "readinessProbe").Select(p => p.Path).ToHashSet();
            foreach (var live in liveness.Where(l => readiness.Contains(l.Path)).DistinctBy(l => l.Path))
            {
                yield return context.Finding("obs.no_liveness_readiness_split",
                    $"{service.Id}'s liveness and readiness probes both check {live.Path}; a slow dependency will restart the pod instead of draining it.",
                    [service.Id], [new FindingLocation(live.File, live.Line)], service.Id, live.Path!);
            }
        }
    }

    public static IEnumerable<AuditFinding> UnstructuredLogging(AuditContext context) =>
        context.Services
            .Where(s => s.StructuredLogging == false)
            .Select(s => context.Finding("obs.unstructured_logging",
                $"{s.Id} logs plain text ({string.Join(", ", s.Logging)}) with no structured logger.", [s.Id], [AuditContext.Anchor(s)], s.Id));

    /// <summary>Services without tracing when others have it (the trace breaks there); one repository finding when none has it.</summary>
    public static IEnumerable<AuditFinding> TracingMissing(AuditContext context)
    {
        var deployable = context.Services.Where(IsHttpService).ToList();
        var without = deployable.Where(s => s.Tracing.Count == 0).ToList();
        if (without.Count == 0) yield break;
        if (without.Count == deployable.Count)
        {
            if (deployable.Count > 1)
                yield return context.Finding("obs.tracing_missing", $"None of the {deployable.Count} HTTP services propagates distributed traces.",
                    deployable.Select(s => s.Id), [AuditContext.Anchor(deployable[0])], "repository");
            else
                yield return context.Finding("obs.tracing_missing", $"{deployable[0].Id} does not propagate distributed traces.", [deployable[0].Id], [AuditContext.Anchor(deployable[0])], deployable[0].Id);
            yield break;
        }
        foreach (var service in without)
            yield return context.Finding("obs.tracing_missing", $"{service.Id} has no tracing while {deployable.Count - without.Count} other services do; traces break at this service.",
                [service.Id], [AuditContext.Anchor(service)], service.Id);
    }

    public static IEnumerable<AuditFinding> MetricsMissing(AuditContext context) =>
        context.Services
            .Where(s => IsHttpService(s) && s.Metrics.Count == 0)
            .Select(s => context.Finding("obs.metrics_missing", $"{s.Id} exposes no metrics.", [s.Id], [AuditContext.Anchor(s)], s.Id));

    /// <summary>A service that takes requests: it declares routes, a port, or a framework other than an orchestrator or worker host.</summary>
    internal static bool IsHttpService(ServiceFacts service) =>
        service.Routes.Count > 0 || service.Ports.Count > 0 || service.Frameworks.Any(f => f is not (".NET Aspire AppHost" or ".NET Worker Service"));
}
