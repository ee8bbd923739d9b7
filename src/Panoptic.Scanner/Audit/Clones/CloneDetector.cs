using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Audit.Clones;

/// <summary>
/// Finds copied code from winnowed fingerprints: files sharing fingerprints share at least one run of
/// <see cref="CodeFingerprints.TokensPerWindow"/> identical tokens there. Overlapping shared windows between two
/// files merge into one region; regions of at least <see cref="MinimumLines"/> lines are clones.
/// </summary>
internal static class CloneDetector
{
    public const int MinimumLines = 5;

    public static CloneReport Detect(IReadOnlyList<FileReport> reports, Func<string, string?> serviceOf)
    {
        var files = reports.Where(r => r.Fingerprints.Length > 0).ToList();
        var indexOf = new Dictionary<FileReport, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < files.Count; i++) indexOf[files[i]] = i;
        var postings = new Dictionary<ulong, List<(int File, int Index)>>();
        for (var f = 0; f < files.Count; f++)
        {
            var prints = files[f].Fingerprints;
            for (var i = 0; i < prints.Length; i++)
            {
                if (!postings.TryGetValue(prints[i].Hash, out var list)) postings[prints[i].Hash] = list = [];
                if (list.Count == 0 || list[^1].File != f) list.Add((f, i));
            }
        }

        // Shared windows per file pair, then merged into regions.
        var pairs = new Dictionary<(int A, int B), List<(CodeFingerprint A, CodeFingerprint B)>>();
        foreach (var list in postings.Values)
        {
            // Each copy is paired with the first one only: n copies make n - 1 pairs, not n²/2, and groups form through the first.
            if (list.Count < 2 || list.Count > 1000) continue;
            for (var y = 1; y < list.Count; y++)
            {
                var key = (A: list[0].File, B: list[y].File);
                if (!pairs.TryGetValue(key, out var shared)) pairs[key] = shared = [];
                shared.Add((files[key.A].Fingerprints[list[0].Index], files[key.B].Fingerprints[list[y].Index]));
            }
        }

        var duplicated = files.Select(_ => new HashSet<int>()).ToArray();
        var groups = new List<CloneGroup>();
        foreach (var ((a, b), shared) in pairs.OrderBy(p => files[p.Key.A].Path, StringComparer.Ordinal).ThenBy(p => files[p.Key.B].Path, StringComparer.Ordinal))
        {
            foreach (var region in Merge(shared))
            {
                if (region.AEnd - region.AStart + 1 < MinimumLines) continue;
                for (var line = region.AStart; line <= region.AEnd; line++) duplicated[a].Add(line);
                for (var line = region.BStart; line <= region.BEnd; line++) duplicated[b].Add(line);
                var serviceA = serviceOf(files[a].Path);
                var serviceB = serviceOf(files[b].Path);
                groups.Add(new CloneGroup(region.AEnd - region.AStart + 1, serviceA is not null && serviceB is not null && serviceA != serviceB,
                [
                    new CloneLocation(files[a].Path, region.AStart, region.AEnd, serviceA),
                    new CloneLocation(files[b].Path, region.BStart, region.BEnd, serviceB),
                ]));
            }
        }

        var byService = new Dictionary<string, (int Lines, int Duplicated)>(StringComparer.Ordinal);
        var totalLines = 0;
        var totalDuplicated = 0;
        foreach (var report in reports.Where(r => r.CodeLines > 0))
        {
            var index = indexOf.TryGetValue(report, out var found) ? found : -1;
            var dup = index >= 0 ? Math.Min(duplicated[index].Count, report.CodeLines) : 0;
            totalLines += report.CodeLines;
            totalDuplicated += dup;
            if (serviceOf(report.Path) is not { } service) continue;
            var (lines, d) = byService.GetValueOrDefault(service);
            byService[service] = (lines + report.CodeLines, d + dup);
        }
        return new CloneReport
        {
            Computed = true,
            Groups = Coalesce(groups),
            ByService = byService.ToDictionary(kv => kv.Key, kv => new DuplicationFigures(kv.Value.Lines, kv.Value.Duplicated), StringComparer.Ordinal),
            Overall = new DuplicationFigures(totalLines, totalDuplicated),
        };
    }

    /// <summary>Overlapping or adjacent shared windows of one file pair become one region on each side.</summary>
    private static IEnumerable<(int AStart, int AEnd, int BStart, int BEnd)> Merge(List<(CodeFingerprint A, CodeFingerprint B)> shared)
    {
        var sorted = shared.OrderBy(s => s.A.StartLine).ThenBy(s => s.B.StartLine).ToList();
        var current = (AStart: sorted[0].A.StartLine, AEnd: sorted[0].A.EndLine, BStart: sorted[0].B.StartLine, BEnd: sorted[0].B.EndLine);
        foreach (var (a, b) in sorted.Skip(1))
        {
            if (a.StartLine <= current.AEnd + 1 && b.StartLine <= current.BEnd + 1 && b.EndLine >= current.BStart - 1)
            {
                current = (current.AStart, Math.Max(current.AEnd, a.EndLine), Math.Min(current.BStart, b.StartLine), Math.Max(current.BEnd, b.EndLine));
                continue;
            }
            yield return current;
            current = (a.StartLine, a.EndLine, b.StartLine, b.EndLine);
        }
        yield return current;
    }

    /// <summary>The same region copied to several files appears once, with every place it stands.</summary>
    private static List<CloneGroup> Coalesce(List<CloneGroup> pairs)
    {
        var groups = new List<(CloneLocation First, HashSet<CloneLocation> Places, int Lines)>();
        foreach (var pair in pairs)
        {
            var existing = groups.FindIndex(g => g.Places.Contains(pair.Locations[0]) || g.Places.Contains(pair.Locations[1]));
            if (existing < 0) groups.Add((pair.Locations[0], [.. pair.Locations], pair.Lines));
            else groups[existing].Places.UnionWith(pair.Locations);
        }
        return [.. groups.Select(g =>
        {
            var places = g.Places.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.StartLine).ToList();
            // Cross-service only between services: a copy of shared-library code inside one service is duplication, not a copy between services.
            return new CloneGroup(g.Lines, places.Select(p => p.Service).OfType<string>().Distinct().Count() > 1, places);
        }).OrderByDescending(g => g.Lines).ThenBy(g => g.Locations[0].File, StringComparer.Ordinal)];
    }
}
