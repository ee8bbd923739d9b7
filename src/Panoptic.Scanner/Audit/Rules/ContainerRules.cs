namespace Panoptic.Scanner.Audit.Rules;

/// <summary>How services are packaged: a Dockerfile, a non-root user, a health check the orchestrator uses.</summary>
internal static class ContainerRules
{
    private static readonly string[] PlatformIds = ["render", "railway", "vercel", "netlify", "heroku", "fly-io", "aws-lambda", "azure-functions", "gcp-cloud-run", "cloudflare"];

    public static IEnumerable<AuditFinding> MissingDockerfile(AuditContext context)
    {
        // A platform that builds from source (Render, Vercel, Lambda, ...) stands in for a Dockerfile.
        if (context.Registry.ExternalApis.Any(a => PlatformIds.Contains(a.Id) && a.Evidence.Any(e => e.Kind == "platform_file"))) yield break;
        var anyDockerfile = context.Services.Any(s => s.Dockerfile is not null);
        foreach (var service in context.Services.Where(s => s.Dockerfile is null && ObservabilityRules.IsHttpService(s) && anyDockerfile))
            yield return context.Finding("container.missing_dockerfile", $"{service.Id} has no Dockerfile while other services are built as containers.", [service.Id], [AuditContext.Anchor(service)], service.Id);
    }

    /// <summary>A final stage without a non-root USER; a Kubernetes runAsNonRoot for the service lowers it to a note.</summary>
    public static IEnumerable<AuditFinding> RunsAsRoot(AuditContext context)
    {
        // The few manifests that set a non-root user, found once rather than among every report for each service.
        var nonRoot = context.Reports.Where(r => r.DeclaresNonRoot).ToList();
        foreach (var service in context.Services.Where(s => s.Dockerfile is { RunsAsRoot: true }))
        {
            var mitigated = nonRoot.Any(r => FactsBuilder.Mentions(r.Path, service.Id));
            var finding = context.Finding("container.runs_as_root",
                $"{service.Id}'s container runs as root: the final stage of {service.Dockerfile!.File} sets no non-root USER{(mitigated ? " (Kubernetes sets runAsNonRoot, which mitigates it there)" : "")}.",
                [service.Id], [new FindingLocation(service.Dockerfile.File, service.Dockerfile.UserLine)], service.Id, service.Dockerfile.File);
            yield return mitigated ? finding with { Severity = "note" } : finding;
        }
    }

    public static IEnumerable<AuditFinding> NoHealthcheckOrProbe(AuditContext context) =>
        context.Services
            .Where(s => s.Dockerfile is { HasHealthcheck: false } && s.Probes.Count == 0)
            .Select(s => context.Finding("container.no_healthcheck_or_probe", $"{s.Id}'s container has no HEALTHCHECK, compose healthcheck or Kubernetes probe.",
                [s.Id], [new FindingLocation(s.Dockerfile!.File, s.Dockerfile.UserLine)], s.Id));
}
