using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Manifests;

namespace Panoptic.Scanner.Audit.Rules;

/// <summary>Dependency and runtime versions that drifted apart across services, missing lockfiles, no central pinning.</summary>
internal static partial class DependencyRules
{
    /// <summary>Direct dependencies of one ecosystem at different versions in different services (indirect pins never count).</summary>
    public static IEnumerable<AuditFinding> VersionDrift(AuditContext context)
    {
        var workspaceRoots = context.Reports.Where(r => r.Manifests.Any(m => m.IsWorkspaceRoot)).Select(r => Registry.ServiceDetector.DirectoryOf(r.Path)).ToList();
        var uses = new List<(Ecosystem Ecosystem, string Name, string Version, string Service, string File, int Line)>();
        foreach (var report in context.Reports)
        {
            if (context.ServiceOf(report.Path) is not { } service || report.IsTest) continue;
            foreach (var manifest in report.Manifests.Where(m => !m.PinsOnly && !m.IsTestProject))
            {
                // Packages of one npm/Cargo workspace share a lockfile that already unifies their versions.
                if (manifest.Ecosystem is Ecosystem.Npm or Ecosystem.Cargo && workspaceRoots.Any(root => Registry.ServiceDetector.IsWithin(report.Path, root))) continue;
                foreach (var dependency in manifest.Dependencies.Where(d => d.Scope == DependencyScope.Direct && d.Version is not null && !d.Name.Contains('[')))
                {
                    var version = Normalize(dependency.Version!);
                    if (version is not null) uses.Add((manifest.Ecosystem, TechnologyCatalog.NormalizePackage(manifest.Ecosystem, dependency.Name), version, service, report.Path, dependency.Line));
                }
            }
        }
        foreach (var group in uses.GroupBy(u => (u.Ecosystem, u.Name)).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var byService = group.GroupBy(u => u.Service).Select(g => g.First()).ToList();
            var versions = byService.Select(u => u.Version).Distinct().ToList();
            if (byService.Count < 2 || versions.Count < 2) continue;
            var ordered = byService.OrderBy(u => u.Version, VersionComparer.Instance).ToList();
            var listing = string.Join(", ", ordered.Select(u => $"{u.Service} {u.Version}"));
            yield return context.Finding("deps.version_drift",
                $"{group.Key.Name} ({group.Key.Ecosystem.ToString().ToLowerInvariant()}) is used at {versions.Count} versions across {byService.Count} services: {listing}.",
                byService.Select(u => u.Service),
                ordered.Select(u => new FindingLocation(u.File, u.Line)),
                group.Key.Ecosystem.ToString(), group.Key.Name);
        }
    }

    /// <summary>Services of one runtime on different release lines (node 18 and 20, python 3.9 and 3.12).</summary>
    public static IEnumerable<AuditFinding> RuntimeDrift(AuditContext context)
    {
        var uses = context.Services.SelectMany(s => s.Runtimes.Select(r => (Service: s.Id, Runtime: r))).GroupBy(x => x.Runtime.Runtime);
        foreach (var group in uses.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var versions = group.Select(x => x.Runtime.Version).Distinct().OrderBy(v => v, VersionComparer.Instance).ToList();
            if (versions.Count < 2) continue;
            var oldest = group.OrderBy(x => x.Runtime.Version, VersionComparer.Instance).First();
            var listing = string.Join("; ", versions.Select(v => $"{v}: {string.Join(", ", group.Where(x => x.Runtime.Version == v).Select(x => x.Service).Distinct().Order(StringComparer.Ordinal))}"));
            yield return context.Finding("deps.runtime_version_drift",
                $"{group.Key} runs on {versions.Count} release lines — {listing}.",
                group.Select(x => x.Service),
                [new FindingLocation(oldest.Runtime.File, oldest.Runtime.Line), .. group.Where(x => x != oldest).Select(x => new FindingLocation(x.Runtime.File, x.Runtime.Line)).Distinct()],
                group.Key, string.Join(",", versions));
        }
    }

    /// <summary>npm and Python services without a lockfile in their folder or a workspace root above it; requirements without exact pins.</summary>
    public static IEnumerable<AuditFinding> MissingLockfile(AuditContext context)
    {
        var manifestsByFolder = context.Reports.Where(r => r.Manifests.Count > 0).ToLookup(r => Registry.ServiceDetector.DirectoryOf(r.Path));
        foreach (var service in context.Services.Where(s => !s.HasLockfile))
        {
            var manifests = manifestsByFolder[service.Path == "." ? "" : service.Path].ToList();
            foreach (var report in manifests)
            {
                var manifest = report.Manifests[0];
                var needsLock = manifest.Ecosystem == Ecosystem.Npm && manifest.Dependencies.Count > 0
                    || (manifest.Ecosystem == Ecosystem.PyPI && Path.GetFileName(report.Path) == "pyproject.toml" && manifest.Dependencies.Count > 0)
                    || (manifest.Ecosystem == Ecosystem.PyPI && Path.GetFileName(report.Path).StartsWith("requirements", StringComparison.Ordinal)
                        && manifest.Dependencies.Any(d => d.Scope == DependencyScope.Direct && (d.Version is null || !d.Version.StartsWith("==", StringComparison.Ordinal))));
                if (!needsLock) continue;
                yield return context.Finding("deps.missing_lockfile",
                    $"{service.Id} resolves {manifest.Ecosystem.ToString().ToLowerInvariant()} dependencies from {report.Path} without a lockfile, so builds can differ.",
                    [service.Id], [new FindingLocation(report.Path, 1)], report.Path);
            }
        }
    }

    /// <summary>Three or more manifests of one ecosystem with no central version mechanism.</summary>
    public static IEnumerable<AuditFinding> NoCentralVersions(AuditContext context)
    {
        var manifests = context.Reports.SelectMany(r => r.Manifests.Where(m => !m.PinsOnly && !m.IsTestProject && !r.IsTest).Select(m => (m.Ecosystem, r.Path))).ToList();
        var paths = context.Reports.Select(r => Path.GetFileName(r.Path)).ToHashSet(StringComparer.Ordinal);
        foreach (var group in manifests.GroupBy(m => m.Ecosystem))
        {
            if (group.Count() < 3) continue;
            var central = group.Key switch
            {
                Ecosystem.NuGet => context.Reports.Any(r => r.Manifests.Any(m => m.PinsOnly)),
                Ecosystem.Npm => context.Reports.Any(r => r.Manifests.Any(m => m.IsWorkspaceRoot)) || paths.Contains("pnpm-workspace.yaml") || paths.Contains(".syncpackrc") || paths.Contains(".syncpackrc.json"),
                Ecosystem.Go => paths.Contains("go.work"),
                Ecosystem.Maven => paths.Contains("libs.versions.toml") || context.Reports.Any(r => r.Manifests.Any(m => m.Dependencies.Any(d => d.Scope == DependencyScope.Pin))),
                Ecosystem.Cargo => context.Reports.Any(r => r.Manifests.Any(m => m.IsWorkspaceRoot)),
                _ => paths.Contains("renovate.json") || paths.Contains("dependabot.yml"),
            };
            if (central) continue;
            var first = group.OrderBy(m => m.Path, StringComparer.Ordinal).First();
            yield return context.Finding("deps.no_central_version_management",
                $"{group.Count()} {group.Key.ToString().ToLowerInvariant()} manifests pin versions independently; nothing keeps them aligned.",
                [], [new FindingLocation(first.Path, 1)], group.Key.ToString());
        }
    }

    /// <summary>"^1.2.3", "~=5.3", ">=2,<3", "v1.2.3" → "1.2.3", "5.3", "2"; null for ranges it cannot read.</summary>
    internal static string? Normalize(string version)
    {
        var match = LeadingVersion().Match(version);
        return match.Success ? match.Groups[1].Value.TrimEnd('.') : null;
    }

    [GeneratedRegex(@"^[\s\^~=><!v]*(\d+(?:\.\d+){0,3})")]
    private static partial Regex LeadingVersion();

    internal sealed class VersionComparer : IComparer<string>
    {
        public static readonly VersionComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = (x ?? "").Split('.');
            var b = (y ?? "").Split('.');
            for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
            {
                var left = i < a.Length && int.TryParse(a[i], out var l) ? l : 0;
                var right = i < b.Length && int.TryParse(b[i], out var r) ? r : 0;
                if (left != right) return left.CompareTo(right);
            }
            return 0;
        }
    }
}
