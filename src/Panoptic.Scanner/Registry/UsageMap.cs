using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Registry;

/// <summary>
/// Which services use the code in a file (safe to ask from several threads): the service that contains it, or, for a shared library (an npm workspace
/// package, a referenced .NET project), every service that depends on that library directly or through others.
/// </summary>
internal sealed class UsageMap
{
    private readonly IReadOnlyList<ServiceDetector.DetectedService> _services;
    private readonly Dictionary<string, List<ServiceDetector.DetectedService>> _libraryUsers = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<ServiceDetector.DetectedService>> _byFolder = new(StringComparer.Ordinal);
    // All evidence of one file shares its path string, so a cache by reference answers most questions without hashing text.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<ServiceDetector.DetectedService>> _byFile = new(ReferenceEqualityComparer.Instance);

    public UsageMap(IReadOnlyList<ServiceDetector.DetectedService> services, IReadOnlyList<FileReport> reports)
    {
        _services = services;
        var manifests = reports.SelectMany(r => r.Manifests.Select(m => (Folder: ServiceDetector.DirectoryOf(r.Path), Manifest: m))).ToList();
        var npmFolders = manifests.Where(m => m.Manifest.Ecosystem == Ecosystem.Npm && m.Manifest.Name is not null)
            .GroupBy(m => m.Manifest.Name!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Folder, StringComparer.Ordinal);
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (folder, manifest) in manifests)
        {
            if (!edges.TryGetValue(folder, out var targets)) edges[folder] = targets = new(StringComparer.Ordinal);
            targets.UnionWith(manifest.ProjectReferences);
            foreach (var dependency in manifest.Dependencies)
            {
                if (npmFolders.TryGetValue(dependency.Name, out var local) && local != folder) targets.Add(local);
            }
        }
        foreach (var service in services)
        {
            var pending = new Stack<string>([service.Path]);
            var seen = new HashSet<string>(StringComparer.Ordinal) { service.Path };
            while (pending.Count > 0)
            {
                if (!edges.TryGetValue(pending.Pop(), out var targets)) continue;
                foreach (var target in targets.Where(seen.Add))
                {
                    if (!_libraryUsers.TryGetValue(target, out var users)) _libraryUsers[target] = users = [];
                    users.Add(service);
                    pending.Push(target);
                }
            }
        }
    }

    public IReadOnlyList<ServiceDetector.DetectedService> UsersOf(string file) =>
        _byFile.GetOrAdd(file, static (path, map) => map.UsersOfFolder(path), this);

    private IReadOnlyList<ServiceDetector.DetectedService> UsersOfFolder(string file)
    {
        var folder = ServiceDetector.DirectoryOf(file);
        return _byFolder.GetOrAdd(folder, static (_, state) => state.Map.Compute(state.File), (Map: this, File: file));
    }

    private List<ServiceDetector.DetectedService> Compute(string file)
    {
        var owner = ServiceDetector.Owner(_services, file);
        var library = _libraryUsers.Keys.Where(l => ServiceDetector.IsWithin(file, l)).MaxBy(l => l.Length);
        return library is not null && (owner is null || library.Length > owner.Path.Length) ? _libraryUsers[library]
            : owner is null ? [] : [owner];
    }
}
