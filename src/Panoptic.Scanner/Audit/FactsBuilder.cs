using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Source;

namespace Panoptic.Scanner.Audit;

/// <summary>Gathers each service's facts from the per-file reports it owns.</summary>
internal sealed class FactsBuilder(TechnologyCatalog catalog)
{
    private static readonly string[] HealthPaths = ["/health", "/healthz", "/_health", "/_healthz", "/livez", "/readyz", "/ready", "/live", "/liveness", "/readiness", "/ping", "/status", "/actuator/health", "/alive", "/health/live", "/health/ready", "/healthcheck"];

    public IReadOnlyList<ServiceFacts> Build(IReadOnlyList<ServiceDetector.DetectedService> services, IReadOnlyList<FileReport> reports, IReadOnlyList<ServiceEntry> entries, UsageMap usage, IEnumerable<string> unreadPaths)
    {
        var owner = ServiceDetector.OwnerLookup(services);
        var byService = reports.Select(r => (Report: r, Owner: owner(r.Path))).Where(x => x.Owner is not null).ToLookup(x => x.Owner!, x => x.Report);
        // Shared libraries a service references (eShop.ServiceDefaults, a workspace package) configure its logging, tracing and health too.
        var libraries = reports
            .Where(r => !r.IsTest)
            .SelectMany(r => usage.UsersOf(r.Path).Where(u => u != owner(r.Path)).Select(u => (Service: u, Report: r)))
            .ToLookup(x => x.Service, x => x.Report);
        var testsByService = TestsByService(services, reports, owner);
        var probeFiles = reports.Where(r => r.Probes.Count > 0).ToList();
        // Looked up once for every service: scanning all reports per service is quadratic on big trees.
        // Lockfiles are often over the size limit and never read; being there is what counts.
        var lockfileFolders = reports.Select(r => r.Path).Concat(unreadPaths)
            .Where(p => Walking.WalkRules.Lockfiles.Contains(System.IO.Path.GetFileName(p))).Select(ServiceDetector.DirectoryOf).ToList();
        var allPorts = reports.Where(r => r.Ports.Count > 0).SelectMany(r => r.Ports).ToList();
        var result = new List<ServiceFacts>();
        foreach (var service in services)
        {
            var owned = byService[service].ToList();
            var own = owned.Where(r => !r.IsTest).ToList();
            var product = own.Concat(libraries[service]).ToList();
            var entry = entries.Single(e => e.Id == service.Id);
            // The catalog holds one instance per id: comparing references spares hashing every field of the record per signal.
            var facts = product.SelectMany(r => r.Signals).Select(s => catalog[s.TechnologyId]).OfType<Technology>().Distinct<Technology>(ReferenceEqualityComparer.Instance).ToList();
            string[] Names(string category) => [.. facts.Where(t => t.Category == category).Select(t => t.Name).Order(StringComparer.Ordinal)];

            var logging = facts.Where(t => t.Category == "logging").ToList();
            var routes = product.SelectMany(r => r.Routes).ToList();
            var health = routes.Select(r => r.Path.TrimEnd('/')).Where(IsHealthPath).Distinct().Order(StringComparer.Ordinal).ToList();
            if (facts.Any(t => t.Category == "health") && health.Count == 0) health.Add(facts.First(t => t.Category == "health").Name);
            var probes = owned.SelectMany(r => r.Probes).Concat(probeFiles.Where(r => Mentions(r.Path, service)).SelectMany(r => r.Probes)).Distinct().ToList();
            var tests = testsByService[service];
            // Tracing libraries, and monitoring services that trace (the catalog marks them with the trait).
            var tracing = Names("tracing").Concat(facts.Where(t => t.Traits.Contains("tracing")).Select(t => t.Name)).Distinct().Order(StringComparer.Ordinal).ToList();
            var metrics = Names("metrics").Concat(routes.Any(r => r.Path.TrimEnd('/') == "/metrics") ? ["/metrics route"] : []).Distinct().Order(StringComparer.Ordinal).ToList();
            var config = Names("config").ToList();
            if (product.Any(r => r.Language is not null && r.EnvVars.Any(e => !e.Declared))) config.Add("environment variables");
            var dockerfile = owned.Select(r => r.Dockerfile).OfType<DockerfileFact>().FirstOrDefault(d => ServiceDetector.DirectoryOf(d.File) == service.Path)
                ?? owned.Select(r => r.Dockerfile).OfType<DockerfileFact>().FirstOrDefault();
            result.Add(new ServiceFacts
            {
                Id = service.Id,
                Path = entry.Path,
                Language = entry.Language,
                PrimaryManifest = dockerfile?.File ?? (entry.Manifests.Count > 0 ? entry.Manifests[0] : null),
                EntryPoint = EntryPoint(own),
                Frameworks = entry.Frameworks,
                Runtimes = [.. PickRuntimes(owned.SelectMany(r => r.Runtimes))],
                Ports = [.. Ports(service, allPorts)],
                Routes = [.. routes.OrderBy(r => r.File, StringComparer.Ordinal).ThenBy(r => r.Line)],
                HealthEndpoints = health,
                Probes = probes,
                Logging = [.. logging.Select(t => t.Name).Order(StringComparer.Ordinal)],
                StructuredLogging = logging.Count == 0 ? null : logging.Any(t => t.Traits.Contains("structured")),
                Tracing = tracing,
                Metrics = metrics,
                ConfigApproaches = [.. config.Distinct().Order(StringComparer.Ordinal)],
                DataAccess = [.. Names("orm")],
                Databases = [.. facts.Where(t => t.Category == "database").Select(t => t.Name).Order(StringComparer.Ordinal)],
                HasApiContract = facts.Any(t => t.Category == "api_contract") || owned.Any(r => r.Path.EndsWith(".proto", StringComparison.Ordinal) || r.Path.EndsWith(".graphql", StringComparison.Ordinal)),
                SourceFiles = own.Count(r => r.Language is not null),
                HasApiVersioning = facts.Any(t => t.Category == "api_versioning"),
                TestFiles = tests.Files,
                TestCount = tests.Cases,
                Dockerfile = dockerfile,
                HasLockfile = lockfileFolders.Any(folder => ServiceDetector.IsWithin(service.Path, folder)),
                HasEnvExample = owned.Any(r => r.Path.Contains(".env.", StringComparison.Ordinal) || r.Path.EndsWith(".env.example", StringComparison.Ordinal)),
            });
        }
        return result;
    }

    /// <summary>One version per runtime: the project file's (go.mod, TargetFramework, engines) over the Dockerfile's.</summary>
    private static IEnumerable<RuntimeVersion> PickRuntimes(IEnumerable<RuntimeVersion> runtimes) =>
        runtimes.GroupBy(r => r.Runtime).Select(g => g.OrderBy(r => Deployment.DeploymentReader.IsDockerfile(System.IO.Path.GetFileName(r.File)) ? 1 : 0).ThenBy(r => r.File, StringComparer.Ordinal).First());

    public static bool IsHealthPath(string path)
    {
        var normalized = path.TrimEnd('/');
        if (normalized.Length == 0) return false;
        foreach (var health in HealthPaths)
        {
            if (normalized.EndsWith(health, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static IEnumerable<PortFact> Ports(ServiceDetector.DetectedService service, List<Deployment.PortDeclaration> ports) =>
        ports
            .Where(p => p.ComposeService is { } c ? service.ComposeNames.Contains(c) : p.Directory == service.Path || (p.Source == "code" && ServiceDetector.IsWithin(p.Directory, service.Path) && service.Path.Length > 0))
            .Select(p => new PortFact(p.Port, p.Source, p.File, p.Line))
            .DistinctBy(p => (p.Port, p.Source))
            .OrderBy(p => p.Port);

    /// <summary>Test files owned by each service, plus test projects elsewhere that reference it (.NET *.Tests projects).</summary>
    private static Dictionary<ServiceDetector.DetectedService, (int Files, int Cases)> TestsByService(
        IReadOnlyList<ServiceDetector.DetectedService> services, IReadOnlyList<FileReport> reports, Func<string, ServiceDetector.DetectedService?> owner)
    {
        var counts = services.ToDictionary(s => s, _ => (Files: 0, Cases: 0));
        var testProjects = reports.SelectMany(r => r.Manifests.Where(m => m.IsTestProject).Select(m => (Folder: ServiceDetector.DirectoryOf(r.Path), m.ProjectReferences))).ToList();
        foreach (var report in reports.Where(r => r.Language is not null && r.IsTest))
        {
            var target = owner(report.Path);
            // A test project outside the service folder tests the services it references.
            var project = testProjects.FirstOrDefault(p => ServiceDetector.IsWithin(report.Path, p.Folder));
            if (project.Folder is not null && (target is null || target.Path.Length < project.Folder.Length))
                target = services.FirstOrDefault(s => project.ProjectReferences.Contains(s.Path)) ?? target;
            target ??= services.FirstOrDefault(s => Mentions(report.Path, s));
            if (target is null) continue;
            var (files, cases) = counts[target];
            counts[target] = (files + 1, cases + report.TestCount);
        }
        return counts;
    }

    /// <summary>True when a path outside the service names it (k8s/cartservice.yaml, tests/orders/...).</summary>
    internal static bool Mentions(string path, ServiceDetector.DetectedService service) => Mentions(path, service.Id);

    internal static bool Mentions(string path, string id) =>
        id.Length >= 3 && path.Split('/').Any(part => System.IO.Path.GetFileNameWithoutExtension(part).Equals(id, StringComparison.OrdinalIgnoreCase)
            || part.Equals(id, StringComparison.OrdinalIgnoreCase));

    private static string? EntryPoint(List<FileReport> product)
    {
        string[] names = ["main.py", "app.py", "manage.py", "server.py", "index.js", "index.ts", "server.js", "server.ts", "main.ts", "app.js", "app.ts", "Program.cs", "main.go", "Application.java", "main.rs", "index.php"];
        return product.Select(r => r.Path).Where(p => names.Contains(System.IO.Path.GetFileName(p))).OrderBy(p => p.Count(c => c == '/')).ThenBy(p => p, StringComparer.Ordinal).FirstOrDefault();
    }
}
