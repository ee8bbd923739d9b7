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
                        report.Signals.Add(new Signal(tech.Id, SignalKind.ContainerImage, report.Path, image.Line(), normalized!) { ComposeService = name, Optional = optional, InTest = inTest });
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
                        report.Ports.Add(new PortDeclaration(service.BuildContext ?? directory, exposed, report.Path, expose.Line(), name));
                }
                AddEnvironment(node.Get("environment"), report);
                report.ComposeServices.Add(service);
            }
        }
    }

    private static void AddPort(YamlNode port, ComposeService service, string directory, FileReport report)
    {
        int? target = null;
        var published = false;
        if (port is YamlMappingNode)
        {
            target = int.TryParse(port.Get("target").Text(), out var t) ? t : null;
            published = port.Get("published") is not null;
        }
        else if (port.Text() is { } text)
        {
            // HOST_IP:HOST:CONTAINER/proto, HOST:CONTAINER, or CONTAINER; ranges keep their first port.
            var parts = text.Split('/')[0].Split(':');
            published = parts.Length > 1;
            target = int.TryParse(parts[^1].Split('-')[0], out var t) ? t : null;
        }
        if (target is { } value)
            report.Ports.Add(new PortDeclaration(service.BuildContext ?? directory, value, report.Path, port.Line(), service.Name, published));
    }

    internal static void AddEnvironment(YamlNode? environment, FileReport report)
    {
        if (environment is YamlSequenceNode)
        {
            foreach (var item in environment.Items())
            {
                var name = item.Text()?.Split('=')[0].Trim();
                if (!string.IsNullOrEmpty(name)) report.EnvVars.Add(new EnvVarUse(name, report.Path, item.Line(), Declared: true));
            }
        }
        else
        {
            foreach (var (key, _) in environment.Pairs())
            {
                if (key.Text() is { Length: > 0 } name) report.EnvVars.Add(new EnvVarUse(name, report.Path, key.Line(), Declared: true));
            }
        }
    }
}
