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
        signals = PickActiveStorage(signals, settings);
        var effective = settings.GroupBy(s => s.Name, StringComparer.Ordinal)
            .SelectMany(g => g.Any(s => !s.IsDefault) ? g.Where(s => !s.IsDefault) : g)
            .ToList();
        // A code default selects nothing when a committed env file sets the same setting: DB_CONNECTION=mysql in
        // .env.example is what a deployment starts from, not env('DB_CONNECTION', 'sqlite').
        var committed = effective.Where(s => !s.IsDefault).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (committed.Count > 0)
            signals = signals.FindAll(s => !(s.Kind == SignalKind.Selected && s.Detail.IndexOf(" defaults to ", StringComparison.Ordinal) is > 0 and var at && committed.Contains(s.Detail[..at])));
        var byCategory = new Dictionary<string, SelectorSetting>(StringComparer.Ordinal);
        foreach (var setting in effective.OrderBy(s => s.IsDefault).ThenBy(s => s.File, StringComparer.Ordinal).ThenBy(s => s.Line))
        {
            if (Selectors.CategoryOf(setting.Name) is { } category) byCategory.TryAdd(category, setting);
        }
        // A setting named for a feature (PF_BACKUP_DRIVER) picks a backend for that feature only: where the setting
        // named for the category (FILESYSTEM_DRIVER=local) picks another one, the feature's pick is not the default.
        var secondary = effective.Where(s => Selectors.CategoryOf(s.Name) is null && catalog.BySelector(s.Value) is { } t
            && byCategory.TryGetValue(t.Category, out var main) && catalog.BySelector(main.Value)?.Id != t.Id).ToList();
        var picked = effective.Except(secondary).Select(s => catalog.BySelector(s.Value)?.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (byCategory.Count == 0) return signals;
        return signals.ConvertAll(signal =>
        {
            if (signal.Guard is not null || picked.Contains(signal.TechnologyId) || StatusRule.PlaceOf(signal) != Place.Product) return signal;
            var tech = catalog[signal.TechnologyId]!;
            // Job libraries run on the broker a setting picks; they are no alternative to it, unless the setting runs
            // jobs inline (QUEUE_CONNECTION=sync): then the library is there for deployments that choose a broker.
            if (tech.RunsOn.Count > 0)
                return InCode(signal.Kind) && byCategory.TryGetValue("queue", out var queue) && Inline(queue.Value)
                    ? signal with { Guard = $"a broker: `{queue.Name}{(queue.IsDefault ? " defaults to " : "=")}{queue.Value}` runs jobs inline ({queue.File}:{queue.Line})" } : signal;
            if (!byCategory.TryGetValue(tech.Category, out var choice)) return signal;
            var chosen = catalog.BySelector(choice.Value)?.Name ?? choice.Value;
            var picks = $"`{choice.Name}{(choice.IsDefault ? " defaults to " : "=")}{choice.Value}` picks {chosen} ({choice.File}:{choice.Line})";
            if (signal.Kind == SignalKind.Selected)
                return secondary.Any(s => signal.Detail.StartsWith(s.Name + " ", StringComparison.Ordinal) || signal.Detail.StartsWith(s.Name + "=", StringComparison.Ordinal))
                    ? signal with { Guard = $"the feature its setting names, while {picks}" } : signal;
            return InCode(signal.Kind) ? signal with { Guard = $"an alternative: {picks}" } : signal;
        });
    }

    /// <summary>A storage.yml service production picks by name is no longer one of several: its uses are unguarded.</summary>
    private static List<Signal> PickActiveStorage(List<Signal> signals, List<SelectorSetting> settings)
    {
        var picks = settings.Where(s => ActiveStorage.IsProductionEnvironment(s.File)).Select(s => s.Value).ToHashSet(StringComparer.Ordinal);
        return picks.Count == 0 ? signals : signals.ConvertAll(s => ActiveStorage.ServiceOf(s.Guard) is { } service && picks.Contains(service) ? s with { Guard = null } : s);
    }

    private static bool Inline(string value) => value.ToLowerInvariant() is "sync" or "null" or "inline" or "immediate" or "eager" or "none";

    // Deployment files run what they name; the choice concerns the code that supports several backends.
    private static bool InCode(SignalKind kind) => kind is SignalKind.Import or SignalKind.Code or SignalKind.ApiHost or SignalKind.OutboundCall or SignalKind.ConnectionString or SignalKind.EnvVar or SignalKind.Model;
}
