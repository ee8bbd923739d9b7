using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Manifests;

/// <summary>requirements*.txt, pyproject.toml (PEP 621, Poetry, uv/PDM groups), Pipfile, setup.cfg and setup.py.</summary>
internal static partial class PythonManifests
{
    private static readonly string[] DevWords = ["dev", "test", "lint", "doc", "typing", "ci", "local", "format"];

    public static Manifest Requirements(string file, string text)
    {
        var manifest = new Manifest(Ecosystem.PyPI, file);
        var name = Path.GetFileName(file).ToLowerInvariant();
        // pip-compile output pins the whole tree; only its ".in" source names the direct dependencies.
        var compiled = text.Contains("# via", StringComparison.Ordinal);
        var scope = compiled ? DependencyScope.Pin : IsDevName(name) ? DependencyScope.Dev : DependencyScope.Direct;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '-' || line.Contains("://", StringComparison.Ordinal)) continue;
            AddRequirement(manifest, line, scope, number);
        }
        return manifest;
    }

    public static Manifest Pyproject(string file, string text, List<(int, string)> problems)
    {
        var manifest = new Manifest(Ecosystem.PyPI, file);
        foreach (var entry in TomlLines.Read(text, problems))
        {
            switch (entry.Table)
            {
                case "project" when entry.Key == "name":
                    manifest.Name = TomlLines.Strings(entry.Value).FirstOrDefault();
                    break;
                case "project" when entry.Key == "dependencies":
                    AddAll(manifest, entry, DependencyScope.Direct);
                    break;
                case "project" when entry.Key == "scripts":
                case "project.scripts":
                case "tool.poetry.scripts":
                    manifest.Runnable = true;
                    break;
                case "project.optional-dependencies":
                    AddAll(manifest, entry, IsDevName(entry.Key) ? DependencyScope.Dev : DependencyScope.Optional);
                    break;
                case "dependency-groups":
                case "tool.pdm.dev-dependencies":
                case "tool.uv" when entry.Key == "dev-dependencies":
                    AddAll(manifest, entry, DependencyScope.Dev);
                    break;
                case "tool.poetry" when entry.Key == "name":
                    manifest.Name ??= TomlLines.Strings(entry.Value).FirstOrDefault();
                    break;
                case "tool.poetry.dependencies":
                    AddPoetry(manifest, entry, DependencyScope.Direct);
                    break;
                case "tool.poetry.dev-dependencies":
                    AddPoetry(manifest, entry, DependencyScope.Dev);
                    break;
                case var t when t.StartsWith("tool.poetry.group.", StringComparison.Ordinal) && t.EndsWith(".dependencies", StringComparison.Ordinal):
                    AddPoetry(manifest, entry, t.Contains(".main.", StringComparison.Ordinal) ? DependencyScope.Direct : DependencyScope.Dev);
                    break;
            }
        }
        return manifest;
    }

    public static Manifest Pipfile(string file, string text, List<(int, string)> problems)
    {
        var manifest = new Manifest(Ecosystem.PyPI, file);
        foreach (var entry in TomlLines.Read(text, problems))
        {
            if (entry.Table == "packages") AddPoetry(manifest, entry, DependencyScope.Direct);
            else if (entry.Table == "dev-packages") AddPoetry(manifest, entry, DependencyScope.Dev);
        }
        return manifest;
    }

    public static Manifest SetupCfg(string file, string text)
    {
        var manifest = new Manifest(Ecosystem.PyPI, file);
        var lines = text.Split('\n');
        string? key = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i];
            if (raw.Length > 0 && !char.IsWhiteSpace(raw[0]))
            {
                var eq = raw.IndexOf('=');
                key = eq > 0 ? raw[..eq].Trim() : null;
                var inline = eq > 0 ? raw[(eq + 1)..].Trim() : "";
                if (key == "install_requires" && inline.Length > 0) AddRequirement(manifest, inline, DependencyScope.Direct, i + 1);
                continue;
            }
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (key == "install_requires") AddRequirement(manifest, line, DependencyScope.Direct, i + 1);
        }
        return manifest;
    }

    public static Manifest SetupPy(string file, string text)
    {
        var manifest = new Manifest(Ecosystem.PyPI, file);
        var match = InstallRequires().Match(text);
        if (!match.Success) return manifest;
        var body = match.Groups[1];
        foreach (var item in TomlLines.Strings(body.Value))
        {
            var offset = text.IndexOf(item, body.Index, StringComparison.Ordinal);
            var line = offset < 0 ? 1 : text.AsSpan(0, offset).Count('\n') + 1;
            AddRequirement(manifest, item, DependencyScope.Direct, line);
        }
        return manifest;
    }

    /// <summary>Adds one PEP 508 requirement; each extra also becomes "name[extra]" so the catalog can match celery[redis].</summary>
    internal static void AddRequirement(Manifest manifest, string requirement, DependencyScope scope, int line)
    {
        var match = Pep508().Match(requirement);
        if (!match.Success) return;
        var name = match.Groups["name"].Value;
        if (name.Equals("python", StringComparison.OrdinalIgnoreCase)) return;
        var version = match.Groups["version"].Value.Trim();
        manifest.Dependencies.Add(new Dependency(name, version.Length == 0 ? null : version, scope, line));
        foreach (var extra in match.Groups["extras"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            manifest.Dependencies.Add(new Dependency($"{name}[{extra}]", null, scope, line));
    }

    private static void AddAll(Manifest manifest, TomlLines.Entry entry, DependencyScope scope)
    {
        foreach (var (requirement, line) in TomlLines.StringsWithLines(entry)) AddRequirement(manifest, requirement, scope, line);
    }

    private static void AddPoetry(Manifest manifest, TomlLines.Entry entry, DependencyScope scope)
    {
        if (entry.Key.Equals("python", StringComparison.OrdinalIgnoreCase)) return;
        var value = entry.Value;
        if (value.StartsWith('{'))
        {
            if (OptionalTrue().IsMatch(value) && scope == DependencyScope.Direct) scope = DependencyScope.Optional;
            var extras = ExtrasArray().Match(value);
            var extrasText = extras.Success ? "[" + string.Join(',', TomlLines.Strings(extras.Groups[1].Value)) + "]" : "";
            AddRequirement(manifest, entry.Key + extrasText, scope, entry.Line);
            return;
        }
        var version = TomlLines.Strings(value).FirstOrDefault();
        manifest.Dependencies.Add(new Dependency(entry.Key, version, scope, entry.Line));
    }

    private static bool IsDevName(string name) => DevWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"^\s*(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[(?<extras>[^\]]*)\])?\s*(?<version>[^;#]*)")]
    private static partial Regex Pep508();

    [GeneratedRegex(@"install_requires\s*=\s*\[(.*?)\]", RegexOptions.Singleline)]
    private static partial Regex InstallRequires();

    [GeneratedRegex(@"optional\s*=\s*true")]
    private static partial Regex OptionalTrue();

    [GeneratedRegex(@"extras\s*=\s*\[([^\]]*)\]")]
    private static partial Regex ExtrasArray();
}
