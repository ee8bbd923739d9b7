using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Source;

namespace Panoptic.Scanner.Registry;

/// <summary>
/// "The deployment picks one": when a backend-selecting setting of a category is given a value (FILE_STORAGE=local
/// committed in .env.sample, env('MAIL_MAILER', 'smtp') in code), the technologies of that category it does not pick
/// are alternatives, and their uses in code are optional ("`FILE_STORAGE=local` picks local, .env.sample:12").
/// A committed value wins over a code default of the same setting; a technology any setting picks is never an alternative.
/// </summary>
internal static class Alternatives
{
    public static List<Signal> Mark(List<Signal> signals, IReadOnlyList<FileReport> reports, TechnologyCatalog catalog)
    {
        var settings = reports.SelectMany(r => r.Settings).Where(s => SourceFiles.PlaceOf(s.File) == Place.Product && !SourceFiles.IsDocsPath(s.File)).ToList();
        if (settings.Count == 0) return signals;
        var effective = settings.GroupBy(s => s.Name, StringComparer.Ordinal)
            .SelectMany(g => g.Any(s => !s.IsDefault) ? g.Where(s => !s.IsDefault) : g)
            .ToList();
        // A code default selects nothing when a committed env file sets the same setting: DB_CONNECTION=mysql in
        // .env.example is what a deployment starts from, not env('DB_CONNECTION', 'sqlite').
        var committed = effective.Where(s => !s.IsDefault).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (committed.Count > 0)
            signals = signals.FindAll(s => !(s.Kind == SignalKind.Selected && s.Detail.IndexOf(" defaults to ", StringComparison.Ordinal) is > 0 and var at && committed.Contains(s.Detail[..at])));
        var picked = effective.Select(s => catalog.BySelector(s.Value)?.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var byCategory = new Dictionary<string, SelectorSetting>(StringComparer.Ordinal);
        foreach (var setting in effective.OrderBy(s => s.IsDefault).ThenBy(s => s.File, StringComparer.Ordinal).ThenBy(s => s.Line))
        {
            if (Selectors.CategoryOf(setting.Name) is { } category) byCategory.TryAdd(category, setting);
        }
        if (byCategory.Count == 0) return signals;
        return signals.ConvertAll(signal =>
        {
            if (signal.Guard is not null || !InCode(signal.Kind) || picked.Contains(signal.TechnologyId) || StatusRule.PlaceOf(signal) != Place.Product) return signal;
            var tech = catalog[signal.TechnologyId]!;
            if (!byCategory.TryGetValue(tech.Category, out var choice)) return signal;
            var chosen = catalog.BySelector(choice.Value)?.Name ?? choice.Value;
            return signal with { Guard = $"an alternative: `{choice.Name}{(choice.IsDefault ? " defaults to " : "=")}{choice.Value}` picks {chosen} ({choice.File}:{choice.Line})" };
        });
    }

    // Deployment files run what they name; the choice concerns the code that supports several backends.
    private static bool InCode(SignalKind kind) => kind is SignalKind.Import or SignalKind.Code or SignalKind.ApiHost or SignalKind.ConnectionString or SignalKind.EnvVar or SignalKind.Model;
}
