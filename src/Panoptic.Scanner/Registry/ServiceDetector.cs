using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Manifests;
using Panoptic.Scanner.Source;

namespace Panoptic.Scanner.Registry;

/// <summary>
/// Finds the deployable units of a repository: folders with a Dockerfile, a compose build context, or a manifest
/// that runs (a web SDK, a start script, a server framework), leaving out tests, libraries and workspace roots.
/// </summary>
internal sealed class ServiceDetector(TechnologyCatalog catalog, string projectName)
{
    public sealed record DetectedService(string Id, string Path, List<string> ComposeNames);

    public List<DetectedService> Detect(IReadOnlyList<FileReport> reports)
    {
        var candidates = new SortedSet<string>(StringComparer.Ordinal);
        var manifestDirs = new SortedSet<string>(StringComparer.Ordinal);
        var workspaceRoots = new HashSet<string>(StringComparer.Ordinal);
        var generators = Source.GoGenerators.Directories(reports);
        var goMainDirs = reports.Where(r => r.DeclaresGoMain && !r.IsTest && !Source.GoGenerators.IsGenerator(r, generators)).Select(r => DirectoryOf(r.Path)).ToList();
        var sourceDirs = reports.Where(r => r.Language is not null).Select(r => DirectoryOf(r.Path)).ToHashSet(StringComparer.Ordinal);
        var dockerfileDirs = new HashSet<string>(StringComparer.Ordinal);
        var runnableModules = new HashSet<string>(StringComparer.Ordinal);

        foreach (var report in reports)
        {
            var dir = DirectoryOf(report.Path);
            if (report.IsTest) continue;
            // A Dockerfile that builds a catalog image (FROM postgres) is infrastructure, not a service.
            if (report.IsDockerfile && report.Signals.Count == 0) dockerfileDirs.Add(dir);
            foreach (var manifest in report.Manifests)
            {
                if (manifest.IsTestProject || manifest.PinsOnly || manifest.IsClientApp) continue;
                manifestDirs.Add(dir);
                foreach (var module in manifest.RunnableModules) runnableModules.Add(Deployment.Paths.Combine(dir, module));
                if (manifest.IsWorkspaceRoot) workspaceRoots.Add(dir);
                else if (manifest.Runnable || (HasServerFramework(manifest) && !IsLibraryFolder(dir)) || (manifest.Ecosystem == Ecosystem.Go && goMainDirs.Any(g => IsWithin(g, dir))))
                    candidates.Add(dir);
            }
        }
        foreach (var module in runnableModules.Where(manifestDirs.Contains)) candidates.Add(module);
        // A Dockerfile folder with neither a manifest nor source beside it is a build recipe for code elsewhere.
        foreach (var dir in dockerfileDirs.Where(d => manifestDirs.Contains(d) || (sourceDirs.Any(s => IsWithin(s, d)) && d.Length > 0 && !IsRecipeFolder(d))))
            candidates.Add(dir);
        var compose = reports.SelectMany(r => r.ComposeServices).ToList();
        foreach (var service in compose)
        {
            if (service.BuildContext is { } context && !SourceFiles.IsTestPath(context + "/x")) candidates.Add(context);
        }
        foreach (var root in workspaceRoots)
        {
            if (!reports.Any(r => r.IsDockerfile && DirectoryOf(r.Path) == root)) candidates.Remove(root);
        }
        if (candidates.Count == 0)
        {
            foreach (var dir in manifestDirs.Where(d => !workspaceRoots.Contains(d))) candidates.Add(dir);
        }

        var services = new List<DetectedService>();
        var usedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in candidates)
        {
            var composeNames = compose.Where(c => c.BuildContext == path).Select(c => c.Name).Distinct().Order(StringComparer.Ordinal).ToList();
            var id = composeNames.Count == 1 ? composeNames[0] : path.Length == 0 ? projectName : NameOf(path);
            if (!usedIds.Add(id))
            {
                id = path.Length == 0 ? projectName : path;
                usedIds.Add(id);
            }
            services.Add(new DetectedService(id, path, composeNames));
        }
        return services;
    }

    /// <summary>The owner of every file, computed once per folder (safe from several threads): scans ask this for each piece of evidence.</summary>
    public static Func<string, DetectedService?> OwnerLookup(IReadOnlyList<DetectedService> services)
    {
        var byFolder = new System.Collections.Concurrent.ConcurrentDictionary<string, DetectedService?>(StringComparer.Ordinal);
        return file => byFolder.GetOrAdd(DirectoryOf(file), static (_, state) => Owner(state.Services, state.File), (Services: services, File: file));
    }

    /// <summary>The service a file belongs to: the deepest service folder that contains it.</summary>
    public static DetectedService? Owner(IReadOnlyList<DetectedService> services, string file)
    {
        DetectedService? best = null;
        foreach (var service in services)
        {
            if (IsWithin(file, service.Path) && (best is null || service.Path.Length > best.Path.Length)) best = service;
        }
        return best;
    }

    private static readonly HashSet<string> GenericNames = new(StringComparer.OrdinalIgnoreCase) { "src", "app", "server", "service", "code", "main", "source" };

    /// <summary>A folder's name, or its parent's when the name says nothing ("src/cartservice/src" is cartservice).</summary>
    private static string NameOf(string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i > 0; i--)
        {
            if (!GenericNames.Contains(parts[i])) return parts[i];
        }
        return parts[0];
    }

    private static bool IsLibraryFolder(string dir) =>
        dir.Split('/').Any(p => p is "packages" or "libs" or "lib" or "shared" or "common" or "internal" or "pkg");

    private static bool IsRecipeFolder(string dir) =>
        dir.Split('/')[^1] is "docker" or "deploy" or "deployment" or "build" or "ci" or "scripts" or ".docker";

    // Asked for every file against every service and library folder: no "directory/" string is built per question.
    public static bool IsWithin(string path, string directory) =>
        directory.Length == 0 || path == directory
        || (path.Length > directory.Length && path[directory.Length] == '/' && path.StartsWith(directory, StringComparison.Ordinal));

    public static string DirectoryOf(string path) => path.Contains('/') ? path[..path.LastIndexOf('/')] : "";

    private bool HasServerFramework(Manifest manifest) =>
        manifest.Dependencies.Any(d => d.Scope == DependencyScope.Direct && catalog.ByPackage(manifest.Ecosystem, d.Name).Any(t => t.Section == RegistrySection.Framework));
}
