using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;
using YamlDotNet.RepresentationModel;

namespace Panoptic.Scanner.Deployment;

/// <summary>Dockerfiles, Kubernetes manifests, Helm charts and values, kustomize overlays, Terraform and .env files.</summary>
internal static partial class DeploymentReader
{
    private static readonly HashSet<string> WorkloadKinds = ["Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob", "ReplicaSet", "DeploymentConfig"];

    public static bool IsDockerfile(string name) =>
        name is "Dockerfile" or "Containerfile" || name.StartsWith("Dockerfile.", StringComparison.Ordinal) || name.EndsWith(".Dockerfile", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".dockerfile", StringComparison.Ordinal);

    public static bool IsEnvFile(string name) =>
        name == ".env" || name.StartsWith(".env.", StringComparison.Ordinal) || name.EndsWith(".env", StringComparison.Ordinal)
        || name.Equals("env.example", StringComparison.OrdinalIgnoreCase) || name.Equals("env.sample", StringComparison.OrdinalIgnoreCase);

    public static void Dockerfile(string text, bool inTest, TechnologyCatalog catalog, FileReport report)
    {
        report.IsDockerfile = true;
        var directory = report.Path.Contains('/') ? report.Path[..report.Path.LastIndexOf('/')] : "";
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var number = 0;
        var stageCount = 0;
        string? user = null;
        var userLine = 1;
        var healthcheck = false;
        var finalRuntimes = new List<Audit.RuntimeVersion>();
        var stageRuntimes = new Dictionary<string, Audit.RuntimeVersion>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            var from = DockerFrom().Match(line);
            if (from.Success)
            {
                var reference = from.Groups["image"].Value;
                stageCount++;
                // Each stage starts as root again; only the last stage's USER decides who the container runs as.
                user = null;
                userLine = number;
                finalRuntimes.Clear();
                // "FROM base" continues an earlier stage, and with it that stage's runtime.
                var runtime = Audit.Runtimes.FromImage(reference) is { } own ? own with { File = report.Path, Line = number } : stageRuntimes.GetValueOrDefault(reference);
                if (runtime is not null) finalRuntimes.Add(runtime);
                if (from.Groups["stage"].Success)
                {
                    stages.Add(from.Groups["stage"].Value);
                    if (runtime is not null) stageRuntimes[from.Groups["stage"].Value] = runtime;
                }
                if (stages.Contains(reference) && !from.Groups["stage"].Value.Equals(reference, StringComparison.OrdinalIgnoreCase)) continue;
                var normalized = ImageName.Normalize(reference);
                foreach (var tech in normalized is null ? [] : catalog.ByImage(normalized))
                    report.Signals.Add(new Signal(tech.Id, SignalKind.ContainerImage, report.Path, number, normalized!) { InTest = inTest });
                continue;
            }
            if (line.StartsWith("EXPOSE ", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var part in line[7..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(part.Split('/')[0], out var port)) report.Ports.Add(new PortDeclaration(directory, port, report.Path, number) { Source = "dockerfile" });
                }
            }
            else if (line.StartsWith("USER ", StringComparison.OrdinalIgnoreCase))
            {
                user = line[5..].Trim().Split(':')[0];
                userLine = number;
            }
            else if (line.StartsWith("HEALTHCHECK ", StringComparison.OrdinalIgnoreCase))
            {
                healthcheck = !line[12..].Trim().Equals("NONE", StringComparison.OrdinalIgnoreCase);
                if (healthcheck) report.Probes.Add(new Audit.ProbeFact("dockerfile-healthcheck", null, report.Path, number));
            }
            else if (line.StartsWith("ENV ", StringComparison.OrdinalIgnoreCase))
            {
                var name = line[4..].Trim().Split('=', ' ')[0];
                if (name.Length > 0) report.EnvVars.Add(new EnvVarUse(name, report.Path, number, Declared: true));
            }
        }
        if (stageCount == 0) return;
        var runsAsRoot = user is null || user is "root" or "0";
        report.Dockerfile = new Audit.DockerfileFact(report.Path, runsAsRoot, userLine, healthcheck, stageCount);
        // A distroless or scratch final stage carries no runtime tag; the build stage names the language line then.
        report.Runtimes.AddRange(finalRuntimes.Count > 0 ? finalRuntimes : stageRuntimes.Values.Take(1));
    }

    public static void EnvFile(string text, FileReport report, TechnologyCatalog? catalog = null)
    {
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var eq = line.IndexOf('=');
            if (line.Length == 0 || line[0] == '#' || eq <= 0) continue;
            var name = line[..eq].Trim();
            if (!EnvName().IsMatch(name)) continue;
            report.EnvVars.Add(new EnvVarUse(name, report.Path, number, Declared: true));
            // A committed value that picks a backend (FILESYSTEM_DISK=s3) selects it; the values themselves are never output.
            if (catalog is not null && Source.Selectors.FromAssignment(catalog, name, line[(eq + 1)..], report.Path, number) is { } selected)
                report.Signals.Add(selected);
            if (Source.Selectors.Setting(name, line[(eq + 1)..], report.Path, number, isDefault: false) is { } setting) report.Settings.Add(setting);
            // The image a compose file takes from the environment (image: ${DOCKER_DB_IMAGE}): an image name is no secret.
            if (catalog is not null && name.EndsWith("_IMAGE", StringComparison.Ordinal) && ImageName.Normalize(line[(eq + 1)..].Trim().Trim('"', '\'')) is { } image)
            {
                foreach (var tech in catalog.ByImage(image))
                    report.Signals.Add(new Signal(tech.Id, SignalKind.ContainerImage, report.Path, number, $"{name}={image}"));
            }
        }
    }

    public static void Terraform(string text, bool inTest, TechnologyCatalog catalog, FileReport report)
    {
        foreach (Match match in TerraformResource().Matches(text))
        {
            var type = match.Groups[1].Value;
            var techs = catalog.ByTerraform(type);
            if (techs.Count == 0) continue;
            var line = text.AsSpan(0, match.Index).Count('\n') + 1;
            foreach (var tech in techs)
                report.Signals.Add(new Signal(tech.Id, SignalKind.Terraform, report.Path, line, type) { InTest = inTest });
            // A database instance names its engine ("engine = \"postgres\""): the engine is a connection of the deployment too.
            if (EngineOf(text, match.Index + match.Length) is { } engine && catalog[engine] is { } engineTech && !techs.Contains(engineTech))
                report.Signals.Add(new Signal(engineTech.Id, SignalKind.Terraform, report.Path, line, $"{type} engine") { InTest = inTest });
        }
    }

    /// <summary>Kubernetes workloads, Helm Chart.yaml and values files, kustomization images; any other YAML is left alone.</summary>
    /// <summary>Spring's <c>server.port</c> in application.yml and its profiles (application-docker.yml), every document of the file.</summary>
    private static void SpringServerPort(string text, FileReport report)
    {
        List<YamlDocument> documents;
        try
        {
            documents = YamlNodes.LoadAll(text);
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or FormatException)
        {
            report.Problems.Add(new Problem(report.Path, null, "invalid YAML: " + e.Message));
            return;
        }
        var folder = Path.GetDirectoryName(report.Path)?.Replace('\\', '/') ?? "";
        foreach (var document in documents)
        {
            var port = document.RootNode.Get("server").Get("port");
            var value = port.Text();
            // "${PORT:8080}" falls back to its default.
            if (value is not null && value.StartsWith("${", StringComparison.Ordinal) && value.IndexOf(':') is > 0 and var colon) value = value[(colon + 1)..].TrimEnd('}');
            if (int.TryParse(value, out var number) && number is > 0 and < 65536)
                report.Ports.Add(new PortDeclaration(folder, number, report.Path, port!.Line()) { Source = "config" });
        }
    }

    public static void Yaml(string text, bool inTest, TechnologyCatalog catalog, FileReport report)
    {
        var name = Path.GetFileName(report.Path);
        var isChart = name is "Chart.yaml" or "Chart.yml";
        var isValues = name.StartsWith("values", StringComparison.Ordinal);
        var isKustomization = name is "kustomization.yaml" or "kustomization.yml";
        var looksKubernetes = text.Contains("apiVersion", StringComparison.Ordinal) && text.Contains("kind:", StringComparison.Ordinal);
        // Spring's application*.yml (an Argo CD "kind: Application" manifest of the same name is Kubernetes, read below).
        if (name.StartsWith("application", StringComparison.Ordinal) && !looksKubernetes)
        {
            if (!inTest) SpringServerPort(text, report);
            return;
        }
        if (!isChart && !isValues && !isKustomization && !looksKubernetes) return;
        // Helm templates are Go templates, not YAML: nothing to read without rendering them.
        if (text.Contains("{{", StringComparison.Ordinal) && !isValues) return;

        List<YamlDocument> documents;
        try
        {
            documents = YamlNodes.LoadAll(text);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            if (isChart || isKustomization || looksKubernetes) report.Problems.Add(new Problem(report.Path, (int)e.Start.Line, "invalid YAML: " + e.Message));
            return;
        }
        catch (FormatException e)
        {
            if (isChart || isKustomization || looksKubernetes) report.Problems.Add(new Problem(report.Path, null, e.Message));
            return;
        }
        foreach (var document in documents)
        {
            var root = document.RootNode;
            if (isChart)
            {
                foreach (var dependency in root.Get("dependencies").Items())
                {
                    var chart = dependency.Get("name").Text();
                    var techs = chart is null ? [] : catalog[chart] is { } byId ? [byId] : catalog.ByImage(chart);
                    foreach (var tech in techs)
                        report.Signals.Add(new Signal(tech.Id, SignalKind.ContainerImage, report.Path, dependency.Line(), "helm chart " + chart) { Guard = dependency.Get("condition").Text() is { } condition ? $"the Helm condition `{condition}`" : null, InTest = inTest });
                }
            }
            else if (isKustomization)
            {
                foreach (var image in root.Get("images").Items()) AddImage(image.Get("newName") ?? image.Get("name"), inTest, catalog, report);
            }
            else if (WorkloadKinds.Contains(root.Get("kind").Text() ?? ""))
            {
                Workload(root, inTest, catalog, report);
            }
            else if (isValues)
            {
                ValuesImages(root, inTest, catalog, report, depth: 0);
            }
        }
    }

    private static void Workload(YamlNode node, bool inTest, TechnologyCatalog catalog, FileReport report)
    {
        foreach (var (key, value) in node.Pairs())
        {
            if (key.Text() == "runAsNonRoot" && value.Text() == "true" || key.Text() == "runAsUser" && int.TryParse(value.Text(), out var uid) && uid > 0)
                report.DeclaresNonRoot = true;
            if (key.Text() is "containers" or "initContainers")
            {
                foreach (var container in value.Items())
                {
                    AddImage(container.Get("image"), inTest, catalog, report);
                    ComposeReader.AddEnvironment(new YamlSequenceNode(container.Get("env").Items().Select(e => e.Get("name")).OfType<YamlNode>()), report);
                    foreach (var port in container.Get("ports").Items())
                    {
                        if (int.TryParse(port.Get("containerPort").Text(), out var number))
                            report.Ports.Add(new PortDeclaration(report.Path.Contains('/') ? report.Path[..report.Path.LastIndexOf('/')] : "", number, report.Path, port.Line()) { Source = "kubernetes" });
                    }
                    foreach (var probe in (string[])["livenessProbe", "readinessProbe", "startupProbe"])
                    {
                        if (container.Get(probe) is not { } probeNode) continue;
                        var path = probeNode.Get("httpGet").Get("path").Text()
                            ?? (probeNode.Get("grpc") is not null ? "grpc" : probeNode.Get("tcpSocket") is not null ? "tcp" : probeNode.Get("exec") is not null ? "exec" : null);
                        report.Probes.Add(new Audit.ProbeFact(probe, path, report.Path, probeNode.Line()));
                    }
                }
            }
            else if (value is YamlMappingNode or YamlSequenceNode)
            {
                if (value is YamlSequenceNode seq) foreach (var item in seq.Children) Workload(item, inTest, catalog, report);
                else Workload(value, inTest, catalog, report);
            }
        }
    }

    private static void ValuesImages(YamlNode node, bool inTest, TechnologyCatalog catalog, FileReport report, int depth)
    {
        if (depth > 12) return;
        foreach (var (key, value) in node.Pairs())
        {
            var name = key.Text();
            if (name is "image" or "repository" && value is YamlScalarNode) AddImage(value, inTest, catalog, report);
            else if (name == "image" && value.Get("repository") is { } repository) AddImage(repository, inTest, catalog, report);
            else if (value is YamlMappingNode) ValuesImages(value, inTest, catalog, report, depth + 1);
        }
    }

    private static void AddImage(YamlNode? node, bool inTest, TechnologyCatalog catalog, FileReport report)
    {
        if (node?.Text() is not { } reference) return;
        var normalized = ImageName.Normalize(reference);
        foreach (var tech in normalized is null ? [] : catalog.ByImage(normalized))
            report.Signals.Add(new Signal(tech.Id, SignalKind.ContainerImage, report.Path, node.Line(), normalized!) { InTest = inTest });
    }

    [GeneratedRegex(@"^FROM\s+(?:--\S+\s+)*(?<image>\S+)(?:\s+AS\s+(?<stage>\S+))?", RegexOptions.IgnoreCase)]
    private static partial Regex DockerFrom();

    /// <summary>The engine attribute of the resource block starting at <paramref name="from"/>, as a catalog id.</summary>
    private static string? EngineOf(string text, int from)
    {
        var end = text.IndexOf("\n}", from, StringComparison.Ordinal);
        var block = text.AsSpan(from, (end < 0 ? text.Length : end) - from);
        if (block.Length > 8000) block = block[..8000];
        var match = EngineAttribute().Match(block.ToString());
        if (!match.Success) return null;
        var engine = match.Groups[1].Value.ToLowerInvariant();
        return engine.Contains("postgres", StringComparison.Ordinal) ? "postgresql"
            : engine.Contains("mysql", StringComparison.Ordinal) ? "mysql"
            : engine.Contains("mariadb", StringComparison.Ordinal) ? "mariadb"
            : engine.Contains("sqlserver", StringComparison.Ordinal) ? "sqlserver"
            : engine.Contains("oracle", StringComparison.Ordinal) ? "oracle"
            : engine is "redis" or "valkey" ? "redis"
            : engine == "memcached" ? "memcached"
            : null;
    }

    [GeneratedRegex(@"^\s*(?:engine|database_version)\s*=\s*""([A-Za-z0-9_.-]+)""", RegexOptions.Multiline)]
    private static partial Regex EngineAttribute();

    [GeneratedRegex(@"^[ \t]*resource[ \t]+""([A-Za-z0-9_-]+)""[ \t]+""", RegexOptions.Multiline)]
    private static partial Regex TerraformResource();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.]*$")]
    private static partial Regex EnvName();
}
