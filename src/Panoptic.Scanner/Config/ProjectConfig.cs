using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Deployment;
using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Walking;
using YamlDotNet.RepresentationModel;

namespace Panoptic.Scanner.Config;

/// <summary>
/// panoptic.yaml at the scanned root (optional): ignored paths, extra technologies, status overrides and budgets.
/// Every problem names its key and line.
/// </summary>
public sealed class ProjectConfig
{
    public const string FileName = "panoptic.yaml";
    /// <summary>An override status that removes a technology from the registry.</summary>
    public const string Ignored = "ignored";

    private static readonly HashSet<string> TopLevelKeys = ["ignore", "technologies", "overrides", "budgets", "readiness"];

    public static ProjectConfig Empty { get; } = new();

    public IReadOnlyList<string> Ignore { get; private init; } = [];
    public IReadOnlyList<Technology> Technologies { get; private init; } = [];
    public IReadOnlyDictionary<string, string> Overrides { get; private init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, BudgetConfig> Budgets { get; private init; } = new Dictionary<string, BudgetConfig>();
    public Readiness.ReadinessConfig Readiness { get; private init; } = Panoptic.Scanner.Readiness.ReadinessConfig.Default;

    public GitIgnore? IgnoreList => Ignore.Count == 0 ? null : GitIgnore.Parse("", Ignore, isConfig: true);

    /// <summary>Loads panoptic.yaml from <paramref name="root"/>, or returns an empty config when there is none.</summary>
    public static ProjectConfig Load(string root, TechnologyCatalog catalog)
    {
        var path = Path.Combine(root, FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path), catalog) : Empty;
    }

    public static ProjectConfig Parse(string text, TechnologyCatalog catalog)
    {
        var root = CatalogReader.LoadMapping(text, FileName);
        foreach (var key in root.Children.Keys)
        {
            var name = CatalogReader.Scalar(key, FileName, "(top level)");
            if (!TopLevelKeys.Contains(name)) throw CatalogReader.Error(FileName, key, $"unknown key '{name}' (expected one of: {string.Join(", ", TopLevelKeys.Order())})");
        }

        var ignore = new List<string>();
        foreach (var item in Sequence(root, "ignore")) ignore.Add(CatalogReader.Scalar(item, FileName, "ignore"));

        var technologies = root.Get("technologies") is { } techNode
            ? techNode is YamlSequenceNode seq ? CatalogReader.ParseTechnologies(seq, catalog.Categories, FileName, "technologies") : throw CatalogReader.Error(FileName, techNode, "technologies: expected a list")
            : [];
        var known = catalog.Technologies.Select(t => t.Id).Concat(technologies.Select(t => t.Id)).ToHashSet(StringComparer.Ordinal);

        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Mapping(root, "overrides"))
        {
            var id = CheckId(key, known, "overrides");
            var status = CatalogReader.Scalar(value.Get("status") ?? throw CatalogReader.Error(FileName, value, $"overrides.{id}.status: required"), FileName, $"overrides.{id}.status");
            if (!Statuses.All.Contains(status) && status != Ignored)
                throw CatalogReader.Error(FileName, value, $"overrides.{id}.status: '{status}' is not one of {string.Join(", ", Statuses.All)}, {Ignored}");
            overrides[id] = status;
        }

        var budgets = new Dictionary<string, BudgetConfig>(StringComparer.Ordinal);
        foreach (var (key, value) in Mapping(root, "budgets"))
        {
            var id = CheckId(key, known, "budgets");
            var monthlyNode = value.Get("monthly") ?? throw CatalogReader.Error(FileName, value, $"budgets.{id}.monthly: required");
            var monthlyText = CatalogReader.Scalar(monthlyNode, FileName, $"budgets.{id}.monthly");
            if (!decimal.TryParse(monthlyText, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var monthly) || monthly < 0)
                throw CatalogReader.Error(FileName, monthlyNode, $"budgets.{id}.monthly: '{monthlyText}' is not a non-negative number");
            var currency = value.Get("currency")?.Text() ?? "USD";
            if (currency.Length != 3) throw CatalogReader.Error(FileName, value, $"budgets.{id}.currency: '{currency}' is not a three-letter currency code");
            budgets[id] = new BudgetConfig(monthly, currency.ToUpperInvariant());
        }

        return new ProjectConfig { Ignore = ignore, Technologies = technologies, Overrides = overrides, Budgets = budgets, Readiness = ParseReadiness(root, catalog) };
    }

    private static Readiness.ReadinessConfig ParseReadiness(YamlMappingNode root, TechnologyCatalog catalog)
    {
        if (root.Get("readiness") is not { } node) return Panoptic.Scanner.Readiness.ReadinessConfig.Default;
        if (node is not YamlMappingNode) throw CatalogReader.Error(FileName, node, "readiness: expected a mapping");
        foreach (var key in ((YamlMappingNode)node).Children.Keys)
        {
            if (key.Text() is not ("profile" or "waive" or "live")) throw CatalogReader.Error(FileName, key, $"readiness: unknown key '{key.Text()}' (expected profile, waive, live)");
        }
        var profile = node.Get("profile")?.Text() ?? "b2b-saas";
        if (!Panoptic.Scanner.Readiness.ReadinessConfig.Profiles.Contains(profile))
            throw CatalogReader.Error(FileName, node.Get("profile")!, $"readiness.profile: '{profile}' is not one of {string.Join(", ", Panoptic.Scanner.Readiness.ReadinessConfig.Profiles)}");
        var known = catalog.Readiness?.Checks.Select(c => c.Id).ToHashSet(StringComparer.Ordinal) ?? [];
        var waivers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Get("waive").Pairs())
        {
            var id = CatalogReader.Scalar(key, FileName, "readiness.waive");
            if (!known.Contains(id)) throw CatalogReader.Error(FileName, key, $"readiness.waive: unknown check '{id}'");
            var reason = value.Text();
            if (string.IsNullOrWhiteSpace(reason)) throw CatalogReader.Error(FileName, key, $"readiness.waive.{id}: a waiver needs a reason");
            waivers[id] = reason;
        }
        return new Panoptic.Scanner.Readiness.ReadinessConfig(profile, waivers) { LiveHealth = LiveList(node, "health"), LiveStatusPages = LiveList(node, "status_pages") };
    }

    /// <summary>readiness.live.health (paths) and readiness.live.status_pages (URLs): what `check --live` also checks.</summary>
    private static List<string> LiveList(YamlNode readiness, string key)
    {
        if (readiness.Get("live") is not { } live) return [];
        if (live is not YamlMappingNode map) throw CatalogReader.Error(FileName, live, "readiness.live: expected a mapping");
        foreach (var k in map.Children.Keys)
        {
            if (k.Text() is not ("health" or "status_pages")) throw CatalogReader.Error(FileName, k, $"readiness.live: unknown key '{k.Text()}' (expected health, status_pages)");
        }
        var items = Sequence(map, key).Select(item => CatalogReader.Scalar(item, FileName, $"readiness.live.{key}")).ToList();
        foreach (var item in items)
        {
            var valid = key == "health" ? item.StartsWith('/') : Uri.TryCreate(item, UriKind.Absolute, out var url) && url.Scheme is "https" or "http";
            if (!valid) throw CatalogReader.Error(FileName, map, key == "health" ? $"readiness.live.health: '{item}' is not a path (/healthz)" : $"readiness.live.status_pages: '{item}' is not an http(s) URL");
        }
        return items;
    }

    private static string CheckId(YamlNode key, HashSet<string> known, string section)
    {
        var id = CatalogReader.Scalar(key, FileName, section);
        return known.Contains(id) ? id : throw CatalogReader.Error(FileName, key, $"{section}: unknown technology '{id}'");
    }

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode root, string key) => root.Get(key) switch
    {
        null => [],
        YamlSequenceNode seq => seq.Children,
        var other => throw CatalogReader.Error(FileName, other, $"{key}: expected a list"),
    };

    private static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Mapping(YamlMappingNode root, string key) => root.Get(key) switch
    {
        null => [],
        YamlMappingNode map => map.Children,
        var other => throw CatalogReader.Error(FileName, other, $"{key}: expected a mapping"),
    };
}
