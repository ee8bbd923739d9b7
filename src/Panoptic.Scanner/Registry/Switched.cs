using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Source;

namespace Panoptic.Scanner.Registry;

/// <summary>
/// A vendor whose feature the code defines as on only when its setting is present
/// (<c>EnableBilling => !String.IsNullOrEmpty(StripeApiKey)</c>) is optional wherever it is used: its unguarded uses in
/// product code take the switch as their guard.
/// </summary>
internal static class Switched
{
    public static List<Signal> Mark(List<Signal> signals, IReadOnlyList<FileReport> reports, TechnologyCatalog catalog)
    {
        var switches = reports.Where(r => r.Switches.Count > 0 && SourceFiles.PlaceOf(r.Path) == Place.Product).SelectMany(r => r.Switches).ToList();
        if (switches.Count == 0) return signals;
        var tokens = FeatureSwitches.Tokens(catalog);
        var guards = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var feature in switches.OrderBy(s => s.File, StringComparer.Ordinal).ThenBy(s => s.Line))
        {
            var inFile = signals.Where(s => s.File == feature.File && catalog[s.TechnologyId]?.Section is RegistrySection.ExternalApi or RegistrySection.Connection).Select(s => s.TechnologyId).Distinct();
            foreach (var vendor in FeatureSwitches.Vendors(feature, catalog, tokens, inFile))
                guards.TryAdd(vendor, $"`{Shorten(feature.Text)}` ({feature.File}:{feature.Line})");
        }
        return signals.ConvertAll(s => s.Guard is null && guards.TryGetValue(s.TechnologyId, out var guard) && StatusRule.PlaceOf(s) == Place.Product
            && s.Kind is SignalKind.Import or SignalKind.Code or SignalKind.ApiHost or SignalKind.OutboundCall or SignalKind.ConnectionString ? s with { Guard = guard } : s);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..79] + "…";
}
