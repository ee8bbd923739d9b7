using Panoptic.Scanner.Audit.Rules;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Audit;

/// <summary>Runs every rule over the service facts and builds the headline table.</summary>
internal static class AuditEngine
{
    /// <summary>Each rule id with its check; rules.yaml holds their metadata, and a test keeps the two in step.</summary>
    public static readonly IReadOnlyDictionary<string, Func<AuditContext, IEnumerable<AuditFinding>>> Checks = new Dictionary<string, Func<AuditContext, IEnumerable<AuditFinding>>>
    {
        ["ports.host_port_conflict"] = PortRules.HostPortConflict,
        ["ports.local_default_collision"] = PortRules.LocalDefaultCollision,
        ["ports.declared_port_mismatch"] = PortRules.DeclaredPortMismatch,
        ["deps.version_drift"] = DependencyRules.VersionDrift,
        ["deps.runtime_version_drift"] = DependencyRules.RuntimeDrift,
        ["deps.missing_lockfile"] = DependencyRules.MissingLockfile,
        ["deps.no_central_version_management"] = DependencyRules.NoCentralVersions,
        ["obs.health_endpoint_missing"] = ObservabilityRules.HealthMissing,
        ["obs.health_endpoint_inconsistent"] = ObservabilityRules.HealthInconsistent,
        ["obs.no_liveness_readiness_split"] = ObservabilityRules.NoLivenessReadinessSplit,
        ["obs.unstructured_logging"] = ObservabilityRules.UnstructuredLogging,
        ["obs.tracing_missing"] = ObservabilityRules.TracingMissing,
        ["obs.metrics_missing"] = ObservabilityRules.MetricsMissing,
        ["config.approach_mixing"] = ConsistencyRules.ConfigApproachMixing,
        ["sec.hardcoded_secret"] = SecurityRules.HardcodedSecret,
        ["sec.cors_wildcard"] = SecurityRules.CorsWildcard,
        ["sec.tls_verification_disabled"] = SecurityRules.TlsVerificationDisabled,
        ["sec.debug_mode_in_deploy_config"] = SecurityRules.DebugMode,
        ["container.missing_dockerfile"] = ContainerRules.MissingDockerfile,
        ["container.runs_as_root"] = ContainerRules.RunsAsRoot,
        ["container.no_healthcheck_or_probe"] = ContainerRules.NoHealthcheckOrProbe,
        ["api.unversioned_routes"] = ApiRules.UnversionedRoutes,
        ["api.versioning_outliers"] = ApiRules.VersioningOutliers,
        ["api.route_style_inconsistent"] = ApiRules.RouteStyleInconsistent,
        ["api.missing_contract"] = ApiRules.MissingContract,
        ["dup.cross_service_clone"] = ConsistencyRules.CrossServiceClone,
        ["test.service_without_tests"] = TestRules.ServiceWithoutTests,
        ["test.tests_not_in_ci"] = TestRules.TestsNotInCi,
        ["db.access_fragmentation"] = DataRules.AccessFragmentation,
        ["db.shared_database"] = DataRules.SharedDatabase,
        ["layout.inconsistent_service_skeleton"] = ConsistencyRules.InconsistentSkeleton,
        ["consistency.stack_fragmentation"] = ConsistencyRules.StackFragmentation,
    };

    public static readonly IReadOnlyList<AuditRule> Rules = AuditRule.LoadEmbedded();

    /// <summary>What the rules read besides the registry's entries: each service's facts and the clones, built from the reports alone.</summary>
    public sealed record Prepared(IReadOnlyList<ServiceFacts> Facts, CloneReport Clones, Func<string, string?> ServiceOf);

    /// <summary>The facts and clones; independent of the technology entries, so it runs while they are decided.</summary>
    public static Prepared Prepare(
        IReadOnlyList<ServiceDetector.DetectedService> detected, IReadOnlyList<FileReport> reports, IReadOnlyList<ServiceEntry> services, TechnologyCatalog catalog, UsageMap usage,
        IEnumerable<string> unreadPaths)
    {
        var owner = ServiceDetector.OwnerLookup(detected);
        string? ServiceOf(string file) => owner(file)?.Id;
        var facts = new FactsBuilder(catalog).Build(detected, reports, services, usage, unreadPaths);
        var clones = reports.Any(r => r.Fingerprints.Length > 0) ? Clones.CloneDetector.Detect(reports, ServiceOf) : CloneReport.Empty;
        return new Prepared(facts, clones, ServiceOf);
    }

    public static AuditSection Run(Prepared prepared, IReadOnlyList<FileReport> reports, RegistryDocument registry, TechnologyCatalog catalog)
    {
        var (facts, clones, serviceOf) = prepared;
        var context = new AuditContext(facts, reports, registry, catalog, Rules.ToDictionary(r => r.Id), clones, serviceOf);
        // Rules are pure functions of the context, so they run side by side.
        var findings = Rules
            .AsParallel()
            .SelectMany(rule => Checks[rule.Id](context).ToList())
            .ToList()
            .OrderBy(f => Severity(f.Severity)).ThenBy(f => f.Rule, StringComparer.Ordinal).ThenBy(f => f.Locations.Count > 0 ? f.Locations[0].File : "", StringComparer.Ordinal).ThenBy(f => f.Locations.Count > 0 ? f.Locations[0].Line : 0)
            .ToList();
        return new AuditSection
        {
            Summary = Headline.Build(facts, findings, clones),
            Services = facts,
            Findings = findings,
            Clones = clones with { Groups = [.. clones.Groups.Take(100)] },
        };
    }

    private static int Severity(string severity) => severity switch { "error" => 0, "warning" => 1, _ => 2 };
}
