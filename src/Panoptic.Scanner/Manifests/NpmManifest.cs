using System.Text.Json;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Manifests;

/// <summary>package.json: dependencies by kind, workspaces, and whether the package starts a program.</summary>
internal static class NpmManifest
{
    private static readonly (string Section, DependencyScope Scope)[] Sections =
    [
        ("dependencies", DependencyScope.Direct),
        ("devDependencies", DependencyScope.Dev),
        ("optionalDependencies", DependencyScope.Optional),
        ("peerDependencies", DependencyScope.Optional),
    ];

    public static Manifest Read(string file, string text)
    {
        var (document, lines) = JsonLines.Parse(text);
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the top level is not a JSON object");
            var manifest = new Manifest(Ecosystem.Npm, file) { Name = JsonLines.String(root, "name") };
            foreach (var (section, scope) in Sections)
            {
                if (!root.TryGetProperty(section, out var deps) || deps.ValueKind != JsonValueKind.Object) continue;
                foreach (var dep in deps.EnumerateObject())
                {
                    var version = dep.Value.ValueKind == JsonValueKind.String ? dep.Value.GetString() : null;
                    manifest.Dependencies.Add(new Dependency(dep.Name, version, scope, lines.GetValueOrDefault(section + "/" + dep.Name, 1)));
                }
            }
            manifest.IsWorkspaceRoot = root.TryGetProperty("workspaces", out _);
            var scripts = root.TryGetProperty("scripts", out var s) ? s : default;
            // "main" and "bin" describe libraries and CLIs too; a service starts.
            manifest.Runnable = JsonLines.String(scripts, "start") is not null || JsonLines.String(scripts, "serve") is not null;
            return manifest;
        }
    }
}
