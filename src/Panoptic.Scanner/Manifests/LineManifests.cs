using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Manifests;

/// <summary>The line-oriented manifests: go.mod, build.gradle(.kts), Gemfile and Cargo.toml.</summary>
internal static partial class LineManifests
{
    public static Manifest GoMod(string file, string text, List<(int, string)> problems)
    {
        var manifest = new Manifest(Ecosystem.Go, file);
        var inRequire = false;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal)) continue;
            if (line.StartsWith("module ", StringComparison.Ordinal)) { manifest.Name = line[7..].Trim(); continue; }
            if (inRequire)
            {
                if (line == ")") { inRequire = false; continue; }
                AddGoRequirement(manifest, line, number, problems);
                continue;
            }
            if (line.StartsWith("require", StringComparison.Ordinal))
            {
                var rest = line[7..].Trim();
                if (rest == "(") inRequire = true;
                else AddGoRequirement(manifest, rest, number, problems);
            }
        }
        if (inRequire) problems.Add((number, "require block is not closed"));
        return manifest;
    }

    private static void AddGoRequirement(Manifest manifest, string line, int number, List<(int, string)> problems)
    {
        var comment = line.IndexOf("//", StringComparison.Ordinal);
        var indirect = comment >= 0 && line[comment..].Contains("indirect", StringComparison.Ordinal);
        var parts = (comment >= 0 ? line[..comment] : line).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !parts[1].StartsWith('v'))
        {
            problems.Add((number, $"cannot parse requirement '{line}'"));
            return;
        }
        manifest.Dependencies.Add(new Dependency(parts[0], parts[1], indirect ? DependencyScope.Indirect : DependencyScope.Direct, number));
    }

    public static Manifest Gradle(string file, string text)
    {
        var manifest = new Manifest(Ecosystem.Maven, file);
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Contains("org.springframework.boot", StringComparison.Ordinal) || line.Contains("io.quarkus", StringComparison.Ordinal)
                || line.Contains("application", StringComparison.Ordinal) && line.Trim() is "application" or "id(\"application\")" or "id 'application'")
                manifest.Runnable = true;
            var match = GradleDependency().Match(line);
            if (!match.Success) continue;
            var configuration = match.Groups["conf"].Value;
            var scope = configuration.StartsWith("test", StringComparison.Ordinal) || configuration.StartsWith("androidTest", StringComparison.Ordinal) ? DependencyScope.Dev
                : configuration is "compileOnly" or "annotationProcessor" or "kapt" or "ksp" ? DependencyScope.Optional : DependencyScope.Direct;
            var version = match.Groups["version"].Value;
            manifest.Dependencies.Add(new Dependency($"{match.Groups["group"].Value}:{match.Groups["artifact"].Value}", version.Length == 0 ? null : version, scope, number));
        }
        return manifest;
    }

    public static Manifest Gemfile(string file, string text)
    {
        var manifest = new Manifest(Ecosystem.RubyGems, file) { Runnable = true };
        var devDepth = 0;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.StartsWith("group ", StringComparison.Ordinal) && line.EndsWith(" do", StringComparison.Ordinal))
            {
                var dev = (line.Contains(":test", StringComparison.Ordinal) || line.Contains(":development", StringComparison.Ordinal)) && !line.Contains(":production", StringComparison.Ordinal);
                devDepth = dev ? 1 : devDepth;
                continue;
            }
            if (line == "end") { devDepth = 0; continue; }
            var match = GemLine().Match(line);
            if (match.Success)
                manifest.Dependencies.Add(new Dependency(match.Groups[1].Value, null, devDepth > 0 ? DependencyScope.Dev : DependencyScope.Direct, number));
        }
        return manifest;
    }

    /// <summary>Elixir's mix.exs: every <c>{:name, ...}</c> tuple in the deps list; <c>only: [:dev, :test]</c> makes it a dev dependency.</summary>
    public static Manifest Mix(string file, string text)
    {
        var manifest = new Manifest(Ecosystem.Hex, file) { Runnable = text.Contains("mod:", StringComparison.Ordinal) };
        var number = 0;
        var inDeps = false;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.StartsWith('#')) continue;
            if (line.StartsWith("defp deps", StringComparison.Ordinal) || line.StartsWith("def deps", StringComparison.Ordinal)) { inDeps = true; continue; }
            if (!inDeps) continue;
            if (line == "end") { inDeps = false; continue; }
            var match = MixDependency().Match(line);
            if (!match.Success) continue;
            var dev = line.Contains("only:", StringComparison.Ordinal) && !line.Contains(":prod", StringComparison.Ordinal);
            var version = match.Groups["version"].Success ? match.Groups["version"].Value : null;
            manifest.Dependencies.Add(new Dependency(match.Groups["name"].Value, version, dev ? DependencyScope.Dev : line.Contains("optional: true", StringComparison.Ordinal) ? DependencyScope.Optional : DependencyScope.Direct, number));
        }
        return manifest;
    }

    public static Manifest Cargo(string file, string text, List<(int, string)> problems)
    {
        var manifest = new Manifest(Ecosystem.Cargo, file);
        foreach (var entry in TomlLines.Read(text, problems))
        {
            var table = entry.Table;
            if (table == "package" && entry.Key == "name") manifest.Name = TomlLines.Strings(entry.Value).FirstOrDefault();
            if (table == "bin" || table == "[bin]") manifest.Runnable = true;
            if (table == "workspace" && entry.Key == "members") manifest.IsWorkspaceRoot = true;
            var scope = DependencyKind(table);
            if (scope is not null)
            {
                manifest.Dependencies.Add(new Dependency(entry.Key, TomlLines.Strings(entry.Value).FirstOrDefault(), scope.Value, entry.Line));
                continue;
            }
            // [dependencies.serde] style: the crate is the last part of the table name.
            var dot = table.LastIndexOf('.');
            if (dot > 0 && entry.Key == "version" && DependencyKind(table[..dot]) is { } tableScope && !manifest.Dependencies.Any(d => d.Name == table[(dot + 1)..]))
                manifest.Dependencies.Add(new Dependency(table[(dot + 1)..], TomlLines.Strings(entry.Value).FirstOrDefault(), tableScope, entry.Line - 1));
        }
        return manifest;
    }

    private static DependencyScope? DependencyKind(string table)
    {
        var last = table.Contains('.') ? table[(table.LastIndexOf('.') + 1)..] : table;
        return last switch
        {
            "dependencies" => DependencyScope.Direct,
            "dev-dependencies" or "build-dependencies" => DependencyScope.Dev,
            _ => null,
        };
    }

    [GeneratedRegex("""^\s*(?<conf>[A-Za-z]+)\s*\(?\s*["'](?<group>[^"':\s]+):(?<artifact>[^"':\s]+)(?::(?<version>[^"'\s]+))?["']""")]
    private static partial Regex GradleDependency();

    [GeneratedRegex("""^gem\s*\(?\s*["']([^"']+)["']""")]
    private static partial Regex GemLine();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\{:(?<name>[a-z0-9_]+)\s*(?:,\s*""(?<version>[^""]*)"")?")]
    private static partial System.Text.RegularExpressions.Regex MixDependency();
}
