using System.Text.Json;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Manifests;

/// <summary>composer.json: require and require-dev, without the PHP platform itself.</summary>
internal static class ComposerManifest
{
    public static Manifest Read(string file, string text)
    {
        var (document, lines) = JsonLines.Parse(text);
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the top level is not a JSON object");
            var manifest = new Manifest(Ecosystem.Composer, file) { Name = JsonLines.String(root, "name"), Runnable = true };
            foreach (var (section, scope) in new[] { ("require", DependencyScope.Direct), ("require-dev", DependencyScope.Dev) })
            {
                if (!root.TryGetProperty(section, out var deps) || deps.ValueKind != JsonValueKind.Object) continue;
                foreach (var dep in deps.EnumerateObject())
                {
                    if (dep.Name == "php" || dep.Name.StartsWith("ext-", StringComparison.Ordinal)) continue;
                    manifest.Dependencies.Add(new Dependency(dep.Name, dep.Value.ValueKind == JsonValueKind.String ? dep.Value.GetString() : null, scope, lines.GetValueOrDefault(section + "/" + dep.Name, 1)));
                }
            }
            return manifest;
        }
    }
}
