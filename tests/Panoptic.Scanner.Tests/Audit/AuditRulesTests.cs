using Panoptic.Scanner.Audit;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Audit;

public class AuditRulesTests
{
    private static AuditSection MonorepoAudit()
    {
        using var repo = AuditFixtures.Monorepo();
        return Scans.Audit(repo);
    }

    private static List<AuditFinding> Findings(AuditSection audit, string rule) => [.. audit.Findings.Where(f => f.Rule == rule)];

    [Fact]
    public void Audit_RulesYamlAndChecks_AreTheSameSet()
    {
        AuditEngine.Rules.Select(r => r.Id).Order(StringComparer.Ordinal).ShouldBe(AuditEngine.Checks.Keys.Order(StringComparer.Ordinal));
        AuditEngine.Rules.Select(r => r.Id).ShouldBeUnique();
        AuditEngine.Rules.Where(r => r.Category == "security" && r.Id.StartsWith("sec.", StringComparison.Ordinal)).ShouldAllBe(r => r.SecuritySeverity != null);
    }

    [Fact]
    public void Audit_ServiceFacts_AreReadFromCodeAndDeployment()
    {
        var audit = MonorepoAudit();
        var orders = audit.Services.Single(s => s.Id == "orders");
        orders.Language.ShouldBe("python");
        orders.Frameworks.ShouldBe(["FastAPI"]);
        orders.Routes.Select(r => (r.Method, r.Path)).ShouldBe([("GET", "/v1/orders"), ("GET", "/v1/orders/{order_id}"), ("GET", "/health")]);
        orders.HealthEndpoints.ShouldBe(["/health"]);
        orders.StructuredLogging.ShouldBe(true);
        orders.Tracing.ShouldBe(["OpenTelemetry tracing"]);
        orders.Metrics.ShouldBe(["Prometheus client"]);
        orders.ConfigApproaches.ShouldBe(["environment variables", "typed settings"]);
        orders.Runtimes.Single().ShouldBe(new RuntimeVersion("python", "3.12", "services/orders/Dockerfile", 1));
        orders.Ports.Select(p => (p.Port, p.Source)).ShouldBe([(8000, "code"), (8000, "compose"), (8000, "dockerfile")], ignoreOrder: true);
        orders.Dockerfile.ShouldBe(new DockerfileFact("services/orders/Dockerfile", false, 3, true, 1));
        orders.TestFiles.ShouldBe(1);
        orders.TestCount.ShouldBe(2);
        audit.Services.Single(s => s.Id == "payments").StructuredLogging.ShouldBe(false);
        audit.Services.Single(s => s.Id == "users").Ports.Select(p => (p.Port, p.Source)).ShouldBe([(3000, "code"), (3000, "compose")], ignoreOrder: true);
    }

    [Fact]
    public void Audit_PortConflicts_OnlyWhereServicesShareAHost()
    {
        var audit = MonorepoAudit();
        var host = Findings(audit, "ports.host_port_conflict").ShouldHaveSingleItem();
        host.Severity.ShouldBe("error");
        host.Services.ShouldBe(["orders", "payments"]);
        host.Locations.ShouldBe([new FindingLocation("docker-compose.yml", 10), new FindingLocation("docker-compose.yml", 4)]);
        var local = Findings(audit, "ports.local_default_collision").ShouldHaveSingleItem();
        local.Message.ShouldBe("2 services default to port 8000 when run outside containers: orders, payments.");
        // Two Kubernetes pods both on 8080 have their own network namespaces: no finding names 8080.
        audit.Findings.ShouldNotContain(f => f.Message.Contains("8080", StringComparison.Ordinal));
    }

    [Fact]
    public void Audit_VersionAndRuntimeDrift()
    {
        var audit = MonorepoAudit();
        var drift = Findings(audit, "deps.version_drift").ShouldHaveSingleItem();
        drift.Message.ShouldBe("requests (pypi) is used at 2 versions across 2 services: payments 2.28.0, orders 2.31.0.");
        drift.Locations[0].ShouldBe(new FindingLocation("services/payments/requirements.txt", 2));
        var runtime = Findings(audit, "deps.runtime_version_drift").ShouldHaveSingleItem();
        runtime.Message.ShouldBe("python runs on 2 release lines — 3.11: payments; 3.12: orders.");
    }

    [Fact]
    public void Audit_ServiceWithoutVersionsAmongVersionedOnes_OneCrossServiceFinding()
    {
        using var repo = new TempRepository("versions");
        foreach (var name in new[] { "catalog", "orders", "billing" })
            repo.With($"services/{name}/requirements.txt", "fastapi\n").With($"services/{name}/main.py", $"from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/v1/{name}\")\ndef list(): ...\n\n@app.post(\"/v1/{name}/{{id}}\")\ndef update(id): ...\n");
        repo.With("services/search/requirements.txt", "fastapi\n").With("services/search/main.py", "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/search\")\ndef search(): ...\n\n@app.get(\"/suggest\")\ndef suggest(): ...\n");

        var outlier = Findings(Scans.Audit(repo), "api.versioning_outliers").ShouldHaveSingleItem();

        outlier.Services.ShouldBe(["search"]);
        outlier.Message.ShouldBe("3 of 4 services version their API routes; search does not (first: GET /search).");
        outlier.Locations.ShouldBe([new FindingLocation("services/search/main.py", 4)]);
    }

    [Fact]
    public void Audit_HealthLoggingAndSecuritySmells()
    {
        var audit = MonorepoAudit();
        Findings(audit, "obs.health_endpoint_inconsistent").Select(f => f.Services[0]).ShouldBe(["payments", "users"]);
        Findings(audit, "obs.unstructured_logging").ShouldHaveSingleItem().Services.ShouldBe(["payments"]);
        Findings(audit, "sec.tls_verification_disabled").ShouldHaveSingleItem().Locations[0].ShouldBe(new FindingLocation("services/payments/app.py", 10));
        Findings(audit, "sec.cors_wildcard").ShouldHaveSingleItem().Services.ShouldBe(["users"]);
        Findings(audit, "container.runs_as_root").Select(f => f.Services[0]).ShouldBe(["payments", "users"]);
        Findings(audit, "db.shared_database").ShouldHaveSingleItem().Services.ShouldBe(["orders", "payments"]);
        Findings(audit, "api.unversioned_routes").ShouldHaveSingleItem().Services.ShouldBe(["payments"]);
        Findings(audit, "test.service_without_tests").Select(f => f.Services[0]).ShouldBe(["payments", "users"]);
        Findings(audit, "deps.missing_lockfile").Select(f => f.Services[0]).ShouldBe(["payments"]);
        Findings(audit, "config.approach_mixing").ShouldHaveSingleItem().Message.ShouldStartWith("Services load configuration in 4 ways");
    }

    [Fact]
    public void Audit_CopiedModule_IsAClone_GeneratedAndVendoredCopiesAreNot()
    {
        var audit = MonorepoAudit();
        var clone = Findings(audit, "dup.cross_service_clone").ShouldHaveSingleItem();
        clone.Services.ShouldBe(["orders", "payments"]);
        clone.Locations.Select(l => l.File).ShouldBe(["services/orders/common.py", "services/payments/common.py"]);
        audit.Clones.Groups.SelectMany(g => g.Locations).ShouldNotContain(l => l.File.Contains("gen/", StringComparison.Ordinal) || l.File.StartsWith("vendor/", StringComparison.Ordinal));
        audit.Clones.ByService["orders"].DuplicatedLines.ShouldBeGreaterThan(10);
        audit.Clones.ByService["users"].DuplicatedLines.ShouldBe(0);
    }

    [Fact]
    public void Audit_FingerprintsAreStableAndLineFree()
    {
        using var repo = AuditFixtures.Monorepo();
        var before = Scans.Audit(repo).Findings.ToDictionary(f => f.Fingerprint, f => f.Rule);
        repo.With("services/payments/app.py", "\n\n\n" + File.ReadAllText(repo.PathOf("services/payments/app.py")));
        var after = Scans.Audit(repo).Findings.ToDictionary(f => f.Fingerprint, f => f.Rule);
        after.ShouldBe(before);
    }

    [Fact]
    public void Audit_Headline_HasRepositoryAndServiceRowsWithStatuses()
    {
        var audit = MonorepoAudit();
        audit.Summary.Select(r => r.Scope).ShouldBe(["repository", "orders", "payments", "users"]);
        var repository = audit.Summary[0];
        repository.Services.ShouldBe(3);
        repository.PortConflicts.ShouldBe(2);
        repository.Status["port_conflicts"].ShouldBe("critical");
        repository.StructuredLoggingPercent.ShouldBe(66.7);
        repository.TracingPercent.ShouldBe(33.3);
        repository.HealthEndpointsPercent.ShouldBe(100);
        repository.DuplicationPercent.ShouldNotBeNull().ShouldBeGreaterThan(0);
        audit.Summary.Single(r => r.Scope == "users").Status["test_files"].ShouldBe("critical");
    }
}

public class LoggingFactTests
{
    [Fact]
    public void Audit_Log4jJsonLayout_CountsAsStructured()
    {
        using var repo = new Panoptic.TestUtilities.TempRepository("java-json")
            .With("ads/build.gradle", "plugins { id 'application' }\ndependencies {\n  implementation 'org.apache.logging.log4j:log4j-core:2.26.1'\n}\n")
            .With("ads/src/main/java/Ads.java", "import org.apache.logging.log4j.LogManager;\nclass Ads {}\n")
            .With("ads/src/main/resources/log4j2.xml", "<Configuration><Appenders><Console name=\"c\"><JsonLayout compact=\"true\"/></Console></Appenders></Configuration>\n");

        var ads = Scans.Audit(repo).Services.Single();

        ads.StructuredLogging.ShouldBe(true);
        ads.Logging.ShouldBe(["JSON log layout", "SLF4J / Logback / Log4j"]);
    }
}

public class AuditMonorepoLibraryTests
{
    [Fact]
    public void Audit_WorkspaceLibraryCopies_AreNotCrossServiceAndLargeLockfilesCount()
    {
        var copied = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Audit", "common_module.py"));
        using var repo = new Panoptic.TestUtilities.TempRepository("ws-lib")
            .With("package.json", "{\"name\":\"root\",\"workspaces\":[\"apps/*\",\"packages/*\"]}")
            .With("package-lock.json", "{\"lockfileVersion\":3," + new string(' ', 2_000_000) + "}")
            .With("apps/web/package.json", "{\"name\":\"web\",\"scripts\":{\"start\":\"node .\"},\"dependencies\":{\"express\":\"4\"}}")
            .With("apps/web/helpers.py", copied)
            .With("packages/lib/package.json", "{\"name\":\"lib\"}")
            .With("packages/lib/helpers.py", copied);

        var audit = Scans.Audit(repo);

        audit.Findings.ShouldNotContain(f => f.Rule == "dup.cross_service_clone");
        audit.Findings.ShouldNotContain(f => f.Rule == "deps.missing_lockfile");
        audit.Clones.Groups.ShouldHaveSingleItem().CrossService.ShouldBeFalse();
    }

    [Theory]
    [InlineData("/api/v2-beta/things", true)]
    [InlineData("/v1alpha1/pods", true)]
    [InlineData("/v1.2/users", true)]
    [InlineData("/variants", false)]
    [InlineData("/api/users", false)]
    public void IsVersioned_KnowsPreReleaseVersionSegments(string path, bool expected) =>
        Panoptic.Scanner.Audit.Rules.ApiRules.IsVersioned(path).ShouldBe(expected);
}
