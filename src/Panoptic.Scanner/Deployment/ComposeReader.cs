using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;
using YamlDotNet.RepresentationModel;

namespace Panoptic.Scanner.Deployment;

/// <summary>docker-compose*.yml / compose*.yaml: images, build contexts, ports, env names, profiles and depends_on.</summary>
internal static class ComposeReader
{
    public static bool IsComposeFile(string name)
    {
        var lower = name.ToLowerInvariant();
        return (lower.StartsWith("docker-compose", StringComparison.Ordinal) || lower.StartsWith("compose", StringComparison.Ordinal))
            && (lower.EndsWith(".yml", StringComparison.Ordinal) || lower.EndsWith(".yaml", StringComparison.Ordinal));
    }

    public static void Read(string text, bool inTest, TechnologyCatalog catalog, FileReport report)
    {
        var directory = Path.GetDirectoryName(report.Path)?.Replace('\\', '/') ?? "";
        foreach (var document in YamlNodes.LoadAll(text))
        {
            foreach (var (key, node) in document.RootNode.Get("services").Pairs())
            {
                var name = key.Text() ?? "";
                var service = new ComposeService(name, report.Path, key.Line());
                foreach (var profile in node.Get("profiles").Items()) service.Profiles.Add(profile.Text() ?? "");
                var optional = service.Profiles.Count > 0;

                var image = node.Get("image");
                if (image?.Text() is { } imageRef)
                {
                    service.Image = imageRef;
                    var normalized = ImageName.Normalize(imageRef);
                    foreach (var tech in normalized is null ? [] : catalog.ByImage(normalized))
                        report.Signals.Add(new Signal(tech.Id, SignalKind.ContainerImage, report.Path, image.Line(), normalized!) { ComposeService = name, Guard = optional ? $"the compose profile `{service.Profiles[0]}`" : null, InTest = inTest });
                }

                var build = node.Get("build");
                var context = build is YamlScalarNode ? build.Text() : build.Get("context").Text();
                if (context is not null && !context.Contains("://", StringComparison.Ordinal)) service.BuildContext = Paths.Combine(directory, context);

                var depends = node.Get("depends_on");
                if (depends is YamlSequenceNode) service.DependsOn.AddRange(depends.Items().Select(d => d.Text() ?? "").Where(d => d.Length > 0));
                else service.DependsOn.AddRange(depends.Pairs().Select(p => p.Key.Text() ?? "").Where(d => d.Length > 0));

                foreach (var port in node.Get("ports").Items()) AddPort(port, service, directory, report);
                foreach (var expose in node.Get("expose").Items())
                {
                    if (int.TryParse(expose.Text()?.Split('/')[0], out var exposed))
                        report.Ports.Add(new PortDeclaration(service.BuildContext ?? directory, exposed, report.Path, expose.Line(), name) { Source = "compose" });
                }
                AddEnvironment(node.Get("environment"), report, service);
                var healthcheck = node.Get("healthcheck");
                service.HasHealthcheck = healthcheck is not null && healthcheck.Get("disable").Text() != "true";
                if (service.HasHealthcheck) report.Probes.Add(new Audit.ProbeFact("compose-healthcheck", null, report.Path, healthcheck!.Line()) );
                report.ComposeServices.Add(service);
            }
        }
    }

    private static void AddPort(YamlNode port, ComposeService service, string directory, FileReport report)
    {
        int? target = null;
        int? hostPort = null;
        string? hostIp = null;
        if (port is YamlMappingNode)
        {
            target = int.TryParse(port.Get("target").Text(), out var t) ? t : null;
            hostPort = int.TryParse(port.Get("published").Text(), out var p) ? p : null;
            hostIp = port.Get("host_ip").Text();
        }
        else if (port.Text() is { } text)
        {
            // HOST_IP:HOST:CONTAINER/proto, HOST:CONTAINER, or CONTAINER; ranges keep their first port.
            var parts = text.Split('/')[0].Split(':');
            target = int.TryParse(parts[^1].Split('-')[0], out var t) ? t : null;
            if (parts.Length > 1) hostPort = int.TryParse(parts[^2].Split('-')[0], out var h) ? h : null;
            if (parts.Length > 2) hostIp = string.Join(':', parts[..^2]);
        }
        if (target is { } value)
        {
            report.Ports.Add(new PortDeclaration(service.BuildContext ?? directory, value, report.Path, port.Line(), service.Name, hostPort is not null)
            {
                Source = "compose",
                HostPort = hostPort,
                HostIp = hostIp,
            });
        }
    }

    internal static void AddEnvironment(YamlNode? environment, FileReport report, ComposeService? service = null)
    {
        if (environment is YamlSequenceNode)
        {
            foreach (var item in environment.Items())
            {
                var text = item.Text() ?? "";
                var eq = text.IndexOf('=');
                var name = (eq < 0 ? text : text[..eq]).Trim();
                if (name.Length == 0) continue;
                report.EnvVars.Add(new EnvVarUse(name, report.Path, item.Line(), Declared: true));
                service?.Environment.Add((name, eq < 0 ? "" : text[(eq + 1)..], item.Line()));
            }
        }
        else
        {
            foreach (var (key, value) in environment.Pairs())
            {
                if (key.Text() is not { Length: > 0 } name) continue;
                report.EnvVars.Add(new EnvVarUse(name, report.Path, key.Line(), Declared: true));
                service?.Environment.Add((name, value.Text() ?? "", key.Line()));
            }
        }
    }
}
