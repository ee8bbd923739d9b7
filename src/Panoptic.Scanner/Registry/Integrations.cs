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
        // Second factors a user turns on for their own account (TOTP, Duo, YubiKey, WebAuthn).
        "two_factor", "two-factor", "twofactor", "2fa", "mfa",
    };

    /// <summary>
    /// Evidence from integration modules that reach their vendor through a URL the user configures (a webhook, a
    /// self-hosted server): a folder under a plugin folder named exactly for one technology
    /// (hc/integrations/victorops/, plugins/mattermost/) is that technology's integration, one of several.
    /// </summary>
    public static IEnumerable<Signal> Folders(IReadOnlyList<FileReport> reports, TechnologyCatalog catalog)
    {
        Dictionary<string, Technology?>? byName = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            if (report.Language is null) continue;
            var segments = report.Path.Split('/');
            for (var i = 0; i < segments.Length - 2; i++)
            {
                if (!PluginFolders.Contains(segments[i])) continue;
                // Where the file sits is asked only of the few files under a plugin folder.
                if (Source.SourceFiles.PlaceOf(report.Path) != Place.Product) break;
                var folder = string.Join('/', segments[..(i + 2)]) + "/";
                if (!seen.Add(folder)) break;
                byName ??= UniqueNames(catalog);
                if (byName.GetValueOrDefault(Normalize(segments[i + 1])) is { } tech)
                    yield return new Signal(tech.Id, SignalKind.IntegrationFolder, report.Path, 1, folder) { Guard = $"one of several integrations in {string.Join('/', segments[..(i + 1)])}/", FilePlace = Place.Product };
                break;
            }
        }
        foreach (var signal in VendorFiles(reports, catalog, byName ??= UniqueNames(catalog))) yield return signal;
    }

    // Folders whose vendor-named files are pictures or words about the vendor, not code that talks to it.
    private static readonly HashSet<string> AssetFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "icons", "icon", "logos", "logo", "images", "img", "assets", "svg", "svgs", "illustrations", "brands", "emoji", "static",
        "fixtures", "locales", "locale", "i18n", "translations", "docs", "examples", "samples",
    };

    /// <summary>
    /// Source files named each for one external API or backend, three or more side by side (internal/bounce/webhooks/sendgrid.go,
    /// postmark.go, forwardemail.go; SongStorages/DropboxStorage.php, S3Storage.php, SftpStorage.php): each is one
    /// integration among several, even when it names no host or package the catalog knows.
    /// </summary>
    private static IEnumerable<Signal> VendorFiles(IReadOnlyList<FileReport> reports, TechnologyCatalog catalog, Dictionary<string, Technology?> byName)
    {
        var byFolder = new Dictionary<string, List<(FileReport Report, Technology Tech)>>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            if (report.Language is null) continue;
            var slash = report.Path.LastIndexOf('/');
            if (slash < 0) continue;
            var stem = Path.GetFileNameWithoutExtension(report.Path.AsSpan(slash + 1));
            if (stem.Length < 4 || VendorOf(Normalize(stem.ToString()), byName) is not { Section: RegistrySection.ExternalApi or RegistrySection.Connection } tech) continue;
            var folder = report.Path[..slash];
            if (AssetFolders.Contains(Path.GetFileName(folder)) || Source.SourceFiles.PlaceOf(report.Path) != Place.Product) continue;
            if (!byFolder.TryGetValue(folder, out var files)) byFolder[folder] = files = [];
            files.Add((report, tech));
        }
        foreach (var (folder, files) in byFolder)
        {
            if (files.Select(f => f.Tech.Id).Distinct().Count() < VendorSiblings) continue;
            foreach (var (report, tech) in files)
                yield return new Signal(tech.Id, SignalKind.IntegrationFolder, report.Path, 1, folder + "/") { Guard = $"one of several integrations in {folder}/", FilePlace = Place.Product };
        }
    }

    // What a file adds to the vendor's name when it is one implementation among several: DropboxStorage.php, SesTransport.ts.
    private static readonly string[] RoleSuffixes =
        ["storage", "provider", "adapter", "driver", "transport", "client", "service", "gateway", "channel", "notifier", "sender", "mailer", "webhook", "handler", "integration", "connector", "backend"];

    private static Technology? VendorOf(string stem, Dictionary<string, Technology?> byName)
    {
        if (byName.GetValueOrDefault(stem) is { } named) return named;
        foreach (var suffix in RoleSuffixes)
        {
            if (stem.Length >= suffix.Length + 4 && stem.EndsWith(suffix, StringComparison.Ordinal)) return byName.GetValueOrDefault(stem[..^suffix.Length]);
        }
        return null;
    }

    /// <summary>Technologies by their normalized id and name, when exactly one technology has that name.</summary>
    private static Dictionary<string, Technology?> UniqueNames(TechnologyCatalog catalog)
    {
        var names = new Dictionary<string, Technology?>(StringComparer.Ordinal);
        foreach (var tech in catalog.Technologies.Where(t => t.Section is RegistrySection.Connection or RegistrySection.ExternalApi))
        {
            foreach (var name in new[] { Normalize(tech.Id), Normalize(tech.Name) }.Distinct())
            {
                if (name.Length < 4) continue;
                names[name] = names.TryGetValue(name, out var other) && other != tech ? null : tech;
            }
        }
        return names;
    }

    /// <summary>Marks integrations; <paramref name="signals"/> holds each file's evidence together, as the reports give it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static List<Signal> Mark(List<Signal> signals, TechnologyCatalog catalog)
    {
        var located = new (string Parent, string Child, bool Plugin)?[signals.Count];
        var preset = new int[signals.Count];
        var vendorChildren = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var names = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var any = false;
        for (var start = 0; start < signals.Count;)
        {
            var file = signals[start].File;
            var end = start;
            while (end < signals.Count && signals[end].File == file) end++;
            any |= MarkFile(signals, start, end, catalog, names, located, preset, vendorChildren);
            start = end;
        }
        if (!any) return signals;
        var result = new List<Signal>(signals.Count);
        for (var i = 0; i < signals.Count; i++)
        {
            var signal = signals[i];
            var section = catalog[signal.TechnologyId]!.Section;
            if (located[i] is { } p && (p.Plugin || (section == RegistrySection.ExternalApi && vendorChildren.GetValueOrDefault(p.Parent)?.Count >= VendorSiblings)))
                result.Add(signal with { Guard = $"one of several integrations in {p.Parent}/" });
            else if (preset[i] > 0 && signal.Kind == SignalKind.ApiHost && IsViewTemplate(signal.File))
                continue;
            else if (preset[i] > 0)
                result.Add(signal with { Guard = $"one of {preset[i]} {catalog[signal.TechnologyId]!.Category} choices listed in {signal.File}" });
            else result.Add(signal);
        }
        return result;
    }

    /// <summary>
    /// One file's evidence: the plugin or vendor folder it sits in, and whether it lists three or more technologies of
    /// one category (OAuth providers of a sign-in library, SMTP presets of a settings page, the channels of one
    /// transports module), each then one of several choices.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static bool MarkFile(List<Signal> signals, int start, int end, TechnologyCatalog catalog, Dictionary<string, List<string>> names,
        (string Parent, string Child, bool Plugin)?[] located, int[] preset, Dictionary<string, HashSet<string>> vendorChildren)
    {
        (string[] Raw, string[] Normalized)? segments = null;
        var any = false;
        Dictionary<string, HashSet<string>>? byCategory = null;
        for (var i = start; i < end; i++)
        {
            var signal = signals[i];
            if (!Candidate(signal)) continue;
            var tech = catalog[signal.TechnologyId]!;
            if (!names.TryGetValue(tech.Id, out var techNames)) names[tech.Id] = techNames = Names(tech);
            segments ??= Segments(signal.File);
            var place = located[i] = Locate(segments.Value.Raw, segments.Value.Normalized, techNames);
            any |= place is not null;
            if (place is { Plugin: false } p && tech.Section == RegistrySection.ExternalApi)
            {
                if (!vendorChildren.TryGetValue(p.Parent, out var children)) vendorChildren[p.Parent] = children = new(StringComparer.Ordinal);
                children.Add(p.Child);
            }
            if (signal.Kind != SignalKind.Import && signal.FilePlace is null or Place.Product)
            {
                byCategory ??= new(StringComparer.Ordinal);
                if (!byCategory.TryGetValue(tech.Category, out var techs)) byCategory[tech.Category] = techs = new(StringComparer.Ordinal);
                techs.Add(tech.Id);
            }
        }
        if (byCategory is null || byCategory.All(c => c.Value.Count < Presets(c.Key))) return any;
        for (var i = start; i < end; i++)
        {
            var signal = signals[i];
            if (!Candidate(signal) || signal.Kind == SignalKind.Import || signal.FilePlace is not (null or Place.Product)) continue;
            var count = byCategory[catalog[signal.TechnologyId]!.Category].Count;
            if (count >= Presets(catalog[signal.TechnologyId]!.Category)) preset[i] = count;
        }
        return true;
    }

    /// <summary>
    /// A view template (Vue, Svelte, Blade, ERB) that lists hosts of several vendors of one category holds presets a user
    /// picks from (SMTP hosts, OIDC issuers of a settings page): the hosts are suggestions, no use of the vendors.
    /// </summary>
    private static bool IsViewTemplate(string file) =>
        file.EndsWith(".vue", StringComparison.Ordinal) || file.EndsWith(".svelte", StringComparison.Ordinal)
        || file.EndsWith(".blade.php", StringComparison.Ordinal) || file.EndsWith(".erb", StringComparison.Ordinal);

    // Sign-in methods offered side by side are each a choice of the user's: two in one file already make a list.
    private static int Presets(string category) => category == "auth" ? 2 : PresetsInOneFile;

    private static (string[] Raw, string[] Normalized) Segments(string file)
    {
        var raw = file.Split('/');
        var normalized = new string[raw.Length];
        for (var i = 0; i < raw.Length; i++) normalized[i] = Normalize(i == raw.Length - 1 ? Path.GetFileNameWithoutExtension(raw[i]) : raw[i]);
        return (raw, normalized);
    }

    private static bool Candidate(Signal signal) => signal.Guard is null && !signal.InTest
        && signal.Kind is SignalKind.Import or SignalKind.Code or SignalKind.ApiHost or SignalKind.OutboundCall or SignalKind.ConnectionString or SignalKind.Model or SignalKind.EnvVar;

    /// <summary>The plugin folder above the file, or the vendor-named folder (or file) and its parent.</summary>
    private static (string Parent, string Child, bool Plugin)? Locate(string[] segments, string[] normalized, List<string> names)
    {
        for (var i = segments.Length - 2; i >= 0; i--)
        {
            if (PluginFolders.Contains(segments[i]) && i + 1 < segments.Length - 1)
                return (string.Join('/', segments[..(i + 1)]), segments[i + 1], true);
        }
        // A file named for the technology right inside a plugin folder (providers/stripe.ts, two_factor/duo.rs).
        if (segments.Length >= 2 && PluginFolders.Contains(segments[^2]) && normalized[^1] is { Length: >= 3 } stem)
        {
            var first = Normalize(Path.GetFileNameWithoutExtension(segments[^1]).Split('_', '-', '.')[0]);
            // A file may carry the product's name where the catalog has a longer one (two_factor/yubikey.rs for "YubiKey OTP").
            if (names.Any(n => stem == n || first == n || (stem.StartsWith(n, StringComparison.Ordinal) && n.Length >= 4) || (first.Length >= 5 && n.StartsWith(first, StringComparison.Ordinal))))
                return (string.Join('/', segments[..^1]), stem, true);
        }
        for (var i = segments.Length - 1; i >= 1; i--)
        {
            var segment = normalized[i];
            if (segment.Length >= 3 && NamedFor(segment, names))
                return (string.Join('/', segments[..i]), segment, false);
        }
        return null;
    }

    // A loop rather than names.Any(...): this runs for every segment of every signal's path, and a lambda capturing the segment allocates each time.
    private static bool NamedFor(string segment, List<string> names)
    {
        foreach (var n in names)
        {
            if (segment == n || (segment.StartsWith(n, StringComparison.Ordinal) && n.Length >= 4)) return true;
        }
        return false;
    }

    private static List<string> Names(Technology tech)
    {
        var names = new List<string> { Normalize(tech.Id), Normalize(tech.Name) };
        if (tech.Provider is { } provider) names.Add(Normalize(provider));
        var first = tech.Id.Split('-')[0];
        if (first.Length >= 4) names.Add(first);
        return [.. names.Where(n => n.Length >= 3).Distinct()];
    }

    private static string Normalize(string text)
    {
        Span<char> buffer = stackalloc char[Math.Min(text.Length, 256)];
        var length = 0;
        foreach (var c in text.AsSpan(0, buffer.Length))
        {
            if (char.IsAsciiLetterOrDigit(c)) buffer[length++] = char.ToLowerInvariant(c);
        }
        return new string(buffer[..length]);
    }
}
