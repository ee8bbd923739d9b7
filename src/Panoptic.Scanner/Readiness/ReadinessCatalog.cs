using System.Buffers;
using System.Reflection;
using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Deployment;
using YamlDotNet.RepresentationModel;

namespace Panoptic.Scanner.Readiness;

/// <summary>The readiness checks and their preconditions, loaded from embedded data and validated entry by entry.</summary>
public sealed class ReadinessCatalog
{
    private const string Source = "checklist.yaml";
    private static readonly HashSet<string> Risks = ["critical", "high", "medium", "low"];
    private static readonly HashSet<string> SignalKinds = ["paths", "routes", "deps", "code", "config_keys", "env_vars", "ci", "iac", "secrets"];
    private static readonly HashSet<string> CheckKeys =
    [
        "id", "title", "why", "blocking", "risk", "applies_if", "absence_means", "unknowable_from_code", "detect", "fail_if", "delegated_if",
        "manual_check", "evaluation", "profile_override", "escalate_to_blocking_if",
    ];

    private ReadinessCatalog(IReadOnlyDictionary<string, string> preconditions, IReadOnlyList<(string Id, string Title)> categories, IReadOnlyList<ReadinessCheck> checks)
    {
        Preconditions = preconditions;
        Categories = categories;
        Checks = checks;
        var globs = checks.SelectMany(c => new[] { c.Detect, c.FailIf, c.DelegatedIf }).OfType<SignalSet>().SelectMany(s => s.Paths).ToList();
        if (globs.Count > 0 && globs.All(g => g.Required is not null))
            PathLiterals = SearchValues.Create([.. globs.Select(g => g.Required!).Distinct(StringComparer.OrdinalIgnoreCase)], StringComparison.OrdinalIgnoreCase);
    }

    public IReadOnlyDictionary<string, string> Preconditions { get; }
    public IReadOnlyList<(string Id, string Title)> Categories { get; }
    public IReadOnlyList<ReadinessCheck> Checks { get; }

    /// <summary>
    /// When every path pattern has a required literal: all of them, so one search per path sets aside the paths
    /// no pattern can match (nearly all of them) before 172 patterns each look at the rest.
    /// </summary>
    internal SearchValues<string>? PathLiterals { get; }

    public static ReadinessCatalog LoadEmbedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Panoptic.Scanner.Readiness." + Source)!;
        return Parse(new StreamReader(stream).ReadToEnd());
    }

    public static ReadinessCatalog Parse(string yaml)
    {
        var root = CatalogReader.LoadMapping(yaml, Source);
        var preconditions = root.Get("preconditions").Pairs().ToDictionary(p => CatalogReader.Scalar(p.Key, Source, "preconditions"), p => CatalogReader.Scalar(p.Value, Source, "preconditions"), StringComparer.Ordinal);
        var categories = new List<(string, string)>();
        var checks = new List<ReadinessCheck>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var category in root.Get("categories").Items())
        {
            var categoryId = Required(category, "id", "categories");
            categories.Add((categoryId, Required(category, "title", $"categories.{categoryId}")));
            foreach (var node in category.Get("checks").Items())
            {
                var check = ParseCheck(node, categoryId, preconditions);
                if (!ids.Add(check.Id)) throw CatalogReader.Error(Source, node, $"checks: duplicate id '{check.Id}'");
                checks.Add(check);
            }
        }
        return new ReadinessCatalog(preconditions, categories, checks);
    }

    private static ReadinessCheck ParseCheck(YamlNode node, string category, Dictionary<string, string> preconditions)
    {
        var id = Required(node, "id", "checks");
        foreach (var (key, _) in node.Pairs())
        {
            if (!CheckKeys.Contains(key.Text() ?? "")) throw CatalogReader.Error(Source, key, $"{id}: unknown key '{key.Text()}'");
        }
        var risk = Required(node, "risk", id);
        if (!Risks.Contains(risk)) throw CatalogReader.Error(Source, node, $"{id}.risk: '{risk}' is not critical, high, medium or low");
        var absence = Required(node, "absence_means", id);
        if (absence is not ("fail" or "needs_manual_confirmation")) throw CatalogReader.Error(Source, node, $"{id}.absence_means: '{absence}' is not fail or needs_manual_confirmation");
        var appliesIf = node.Get("applies_if").Text();
        if (appliesIf is not null && !preconditions.ContainsKey(appliesIf)) throw CatalogReader.Error(Source, node, $"{id}.applies_if: unknown precondition '{appliesIf}'");
        return new ReadinessCheck
        {
            Id = id,
            Category = category,
            Title = Required(node, "title", id),
            Why = Required(node, "why", id),
            Blocking = Required(node, "blocking", id) == "true",
            Risk = risk,
            AppliesIf = appliesIf,
            AbsenceMeans = absence,
            UnknowableFromCode = node.Get("unknowable_from_code").Text() == "true",
            Detect = Signals(node.Get("detect"), $"{id}.detect") ?? SignalSet.Empty,
            FailIf = Signals(node.Get("fail_if"), $"{id}.fail_if"),
            DelegatedIf = Signals(node.Get("delegated_if"), $"{id}.delegated_if"),
            ManualCheck = node.Get("manual_check").Text(),
            Inverted = node.Get("evaluation").Text()?.StartsWith("inverted", StringComparison.Ordinal) == true,
        };
    }

    private static SignalSet? Signals(YamlNode? node, string key)
    {
        if (node is null) return null;
        foreach (var (kind, _) in node.Pairs())
        {
            if (!SignalKinds.Contains(kind.Text() ?? "")) throw CatalogReader.Error(Source, kind, $"{key}: unknown signal kind '{kind.Text()}'");
        }
        var deps = new Dictionary<Ecosystem, IReadOnlyList<string>>();
        foreach (var (ecosystem, names) in node.Get("deps").Pairs())
        {
            var parsed = ecosystem.Text() switch
            {
                "npm" => Ecosystem.Npm, "pypi" => Ecosystem.PyPI, "nuget" => Ecosystem.NuGet, "go" => Ecosystem.Go, "maven" => Ecosystem.Maven,
                "gem" => Ecosystem.RubyGems, "composer" => Ecosystem.Composer, "cargo" => Ecosystem.Cargo,
                var other => throw CatalogReader.Error(Source, ecosystem, $"{key}.deps: unknown ecosystem '{other}'"),
            };
            deps[parsed] = [.. names.Items().Select(n => CatalogReader.Scalar(n, Source, $"{key}.deps"))];
        }
        return new SignalSet
        {
            Paths = [.. Strings(node, "paths", key).Select(glob => new PathGlob(glob))],
            Routes = Compile(node, "routes", key),
            Deps = deps,
            Code = Compile(node, "code", key),
            ConfigKeys = Compile(node, "config_keys", key),
            EnvVars = Compile(node, "env_vars", key),
            Ci = Compile(node, "ci", key),
            Iac = Compile(node, "iac", key),
            Secrets = Compile(node, "secrets", key),
        };
    }

    private static List<Regex> Compile(YamlNode node, string kind, string key)
    {
        var result = new List<Regex>();
        foreach (var pattern in Strings(node, kind, key))
        {
            try
            {
                // A timeout guards against a pathological pattern, not a busy machine: the timeout is wall time, and the
                // NonBacktracking form builds its automaton during the first matches, which took over 100 ms under a loaded CI.
                result.Add(new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
            }
            catch (ArgumentException e)
            {
                throw new CatalogException($"{Source}: {key}.{kind}: '{pattern}' is not a valid regex: {e.Message}");
            }
        }
        return result;
    }

    private static IEnumerable<string> Strings(YamlNode node, string kind, string key) =>
        node.Get(kind).Items().Select(item => CatalogReader.Scalar(item, Source, $"{key}.{kind}"));

    private static string Required(YamlNode node, string key, string prefix) =>
        node.Get(key).Text() ?? throw CatalogReader.Error(Source, node, $"{prefix}.{key}: required");
}
