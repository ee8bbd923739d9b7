using Panoptic.Scanner.Source;

namespace Panoptic.Scanner.Registry;

/// <summary>
/// A use guarded only by a setting that is on by default (<see cref="OnByDefault"/>) runs in a default deployment:
/// the guard is dropped, so the use is as core as its other evidence says.
/// </summary>
internal static class DefaultOnSettings
{
    public static List<Signal> Unguard(List<Signal> signals, IReadOnlyList<FileReport> reports)
    {
        var on = reports.Where(r => r.OnByDefault.Count > 0 && SourceFiles.PlaceOf(r.Path) == Place.Product).SelectMany(r => r.OnByDefault).ToHashSet(StringComparer.Ordinal);
        if (on.Count == 0) return signals;
        return signals.ConvertAll(s => s.Guard is { } guard && !s.DevGuard && guard.Contains("config(", StringComparison.Ordinal)
            && OnByDefault.Tested(guard).ToList() is { Count: > 0 } tested && tested.All(on.Contains) ? s with { Guard = null } : s);
    }
}
