using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Registry;

/// <summary>
/// "One of several": code that lives in a plugin folder (plugins/slack/, integrations/, providers/, gateways/...), or
/// in a folder named for a vendor beside at least two other vendor-named folders (lib/slack/, lib/hubspot/,
/// lib/twilio/), is an integration a deployment turns on, not a connection every deployment holds.
/// </summary>
internal static class Integrations
{
    private const int VendorSiblings = 3;
    private const int PresetsInOneFile = 3;

    private static readonly HashSet<string> PluginFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "plugins", "plugin", "integrations", "integration", "providers", "adapters", "backends", "drivers", "connectors", "gateways",
        "extensions", "addons", "add-ons", "channels", "notifiers", "transports", "storages", "strategies", "contrib", "modules-optional",
    };

    public static List<Signal> Mark(List<Signal> signals, TechnologyCatalog catalog) => Presets(Folders(signals, catalog), catalog);

    /// <summary>
    /// A file that names several technologies of one category (OAuth providers of a sign-in library, SMTP presets of a
    /// settings page, the notification channels of one transports module) lists alternatives, each one optional.
    /// </summary>
    private static List<Signal> Presets(List<Signal> signals, TechnologyCatalog catalog)
    {
        var crowded = signals.Where(s => Candidate(s) && s.Kind != SignalKind.Import && s.FilePlace is null or Place.Product)
            .GroupBy(s => (s.File, catalog[s.TechnologyId]!.Category))
            .Where(g => g.Select(s => s.TechnologyId).Distinct(StringComparer.Ordinal).Count() >= PresetsInOneFile)
            .ToDictionary(g => g.Key, g => g.Select(s => s.TechnologyId).Distinct(StringComparer.Ordinal).Count());
        if (crowded.Count == 0) return signals;
        return signals.ConvertAll(s => Candidate(s) && s.Kind != SignalKind.Import && crowded.TryGetValue((s.File, catalog[s.TechnologyId]!.Category), out var count)
            ? s with { Guard = $"one of {count} {catalog[s.TechnologyId]!.Category} choices listed in {s.File}" }
            : s);
    }

    private static List<Signal> Folders(List<Signal> signals, TechnologyCatalog catalog)
    {
        // Folder -> the vendor-named children seen under it, from every technology's evidence.
        var vendorChildren = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var located = new Dictionary<Signal, (string Parent, string Child, bool Plugin)?>(ReferenceEqualityComparer.Instance);
        var names = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var segments = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var signal in signals)
        {
            if (!Candidate(signal)) continue;
            var tech = catalog[signal.TechnologyId]!;
            if (!names.TryGetValue(tech.Id, out var techNames)) names[tech.Id] = techNames = Names(tech);
            if (!segments.TryGetValue(signal.File, out var fileSegments)) segments[signal.File] = fileSegments = signal.File.Split('/');
            var place = Locate(fileSegments, techNames);
            located[signal] = place;
            if (place is { Plugin: false } p && tech.Section == RegistrySection.ExternalApi)
            {
                if (!vendorChildren.TryGetValue(p.Parent, out var children)) vendorChildren[p.Parent] = children = new(StringComparer.Ordinal);
                children.Add(p.Child);
            }
        }
        if (located.Count == 0) return signals;
        var result = new List<Signal>(signals.Count);
        foreach (var signal in signals)
        {
            if (located.TryGetValue(signal, out var place) && place is { } p
                && (p.Plugin || (catalog[signal.TechnologyId]!.Section == RegistrySection.ExternalApi && vendorChildren.GetValueOrDefault(p.Parent)?.Count >= VendorSiblings)))
                result.Add(signal with { Guard = $"one of several integrations in {p.Parent}/" });
            else result.Add(signal);
        }
        return result;
    }

    private static bool Candidate(Signal signal) => signal.Guard is null && !signal.InTest
        && signal.Kind is SignalKind.Import or SignalKind.Code or SignalKind.ApiHost or SignalKind.ConnectionString or SignalKind.Model or SignalKind.EnvVar;

    /// <summary>The plugin folder above the file, or the vendor-named folder (or file) and its parent.</summary>
    private static (string Parent, string Child, bool Plugin)? Locate(string[] segments, List<string> names)
    {
        for (var i = segments.Length - 2; i >= 0; i--)
        {
            if (PluginFolders.Contains(segments[i]) && i + 1 < segments.Length - 1)
                return (string.Join('/', segments[..(i + 1)]), segments[i + 1], true);
        }
        for (var i = segments.Length - 1; i >= 1; i--)
        {
            var segment = Normalize(i == segments.Length - 1 ? Path.GetFileNameWithoutExtension(segments[i]) : segments[i]);
            if (segment.Length >= 3 && names.Any(n => segment == n || (segment.StartsWith(n, StringComparison.Ordinal) && n.Length >= 4)))
                return (string.Join('/', segments[..i]), segment, false);
        }
        return null;
    }

    private static List<string> Names(Technology tech)
    {
        var names = new List<string> { Normalize(tech.Id), Normalize(tech.Name) };
        if (tech.Provider is { } provider) names.Add(Normalize(provider));
        var first = tech.Id.Split('-')[0];
        if (first.Length >= 4) names.Add(first);
        return [.. names.Where(n => n.Length >= 3).Distinct()];
    }

    private static string Normalize(string text) => new([.. text.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
}
