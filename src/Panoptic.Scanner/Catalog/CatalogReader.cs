using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Panoptic.Scanner.Catalog;

/// <summary>Reads technology entries from YAML, checking every key and value and naming the line of any problem.</summary>
public static partial class CatalogReader
{
    private static readonly HashSet<string> KnownKeys =
    [
        "id", "name", "category", "provider", "packages", "imports", "images", "schemes", "hosts", "env",
        "terraform", "code", "aspire", "models", "files", "traits", "runs_on", "selects",
    ];

    public static IReadOnlyDictionary<string, RegistrySection> ParseCategories(YamlMappingNode categories, string source)
    {
        var result = new Dictionary<string, RegistrySection>(StringComparer.Ordinal);
        foreach (var (key, value) in categories.Children)
        {
            var section = Scalar(value, source, "categories." + Scalar(key, source, "categories")) switch
            {
                "connection" => RegistrySection.Connection,
                "api" => RegistrySection.ExternalApi,
                "framework" => RegistrySection.Framework,
                "tooling" => RegistrySection.Tooling,
                "fact" => RegistrySection.Fact,
                var other => throw Error(source, value, $"categories: unknown section '{other}' (expected connection, api, framework, tooling or fact)"),
            };
            result[Scalar(key, source, "categories")] = section;
        }
        return result;
    }

    public static List<Technology> ParseTechnologies(YamlSequenceNode entries, IReadOnlyDictionary<string, RegistrySection> categories, string source, string keyPrefix)
    {
        var list = new List<Technology>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in entries.Children)
        {
            if (node is not YamlMappingNode map) throw Error(source, node, $"{keyPrefix}: each entry must be a mapping");
            var tech = ParseTechnology(map, categories, source, keyPrefix);
            if (!seen.Add(tech.Id)) throw Error(source, node, $"{keyPrefix}: duplicate id '{tech.Id}'");
            list.Add(tech);
        }
        return list;
    }

    private static Technology ParseTechnology(YamlMappingNode map, IReadOnlyDictionary<string, RegistrySection> categories, string source, string keyPrefix)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = Scalar(key, source, keyPrefix);
            if (!KnownKeys.Contains(name)) throw Error(source, key, $"{keyPrefix}: unknown key '{name}'");
        }
        var id = Required(map, "id", source, keyPrefix);
        if (!IdPattern().IsMatch(id)) throw Error(source, map, $"{keyPrefix}.{id}.id: ids are lowercase letters, digits, '-', '_' and '.'");
        var prefix = $"{keyPrefix}.{id}";
        var category = Required(map, "category", source, prefix);
        if (!categories.TryGetValue(category, out var section)) throw Error(source, map, $"{prefix}.category: unknown category '{category}'");

        return new Technology
        {
            Id = id,
            Name = Required(map, "name", source, prefix),
            Category = category,
            Section = section,
            Provider = Optional(map, "provider", source, prefix),
            Packages = Keyed(map, "packages", source, prefix, ParseEcosystem),
            Imports = Keyed(map, "imports", source, prefix, ParseLanguage),
            Images = List(map, "images", source, prefix),
            Schemes = List(map, "schemes", source, prefix),
            Hosts = List(map, "hosts", source, prefix),
            EnvVars = List(map, "env", source, prefix),
            Terraform = List(map, "terraform", source, prefix),
            Code = List(map, "code", source, prefix),
            Aspire = List(map, "aspire", source, prefix),
            Models = List(map, "models", source, prefix),
            Files = List(map, "files", source, prefix),
            Traits = List(map, "traits", source, prefix),
            RunsOn = List(map, "runs_on", source, prefix),
            Selects = List(map, "selects", source, prefix),
            Line = (int)map.Start.Line,
        };
    }

    private static Ecosystem? ParseEcosystem(string key) => key switch
    {
        "npm" => Ecosystem.Npm,
        "pypi" => Ecosystem.PyPI,
        "nuget" => Ecosystem.NuGet,
        "go" => Ecosystem.Go,
        "maven" => Ecosystem.Maven,
        "gem" => Ecosystem.RubyGems,
        "composer" => Ecosystem.Composer,
        "cargo" => Ecosystem.Cargo,
        "hex" => Ecosystem.Hex,
        _ => null,
    };

    private static SourceLanguage? ParseLanguage(string key) => key switch
    {
        "python" => SourceLanguage.Python,
        "js" => SourceLanguage.JavaScript,
        "csharp" => SourceLanguage.CSharp,
        "go" => SourceLanguage.Go,
        "java" => SourceLanguage.Java,
        "ruby" => SourceLanguage.Ruby,
        "php" => SourceLanguage.Php,
        "rust" => SourceLanguage.Rust,
        _ => null,
    };

    private static Dictionary<TKey, IReadOnlyList<string>> Keyed<TKey>(YamlMappingNode map, string key, string source, string prefix, Func<string, TKey?> parseKey)
        where TKey : struct, Enum
    {
        var result = new Dictionary<TKey, IReadOnlyList<string>>();
        if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node)) return result;
        if (node is not YamlMappingNode inner) throw Error(source, node, $"{prefix}.{key}: expected a mapping of ecosystem or language to a list");
        foreach (var (k, v) in inner.Children)
        {
            var name = Scalar(k, source, $"{prefix}.{key}");
            var parsed = parseKey(name) ?? throw Error(source, k, $"{prefix}.{key}: unknown key '{name}'");
            result[parsed] = ListOf(v, source, $"{prefix}.{key}.{name}");
        }
        return result;
    }

    private static List<string> List(YamlMappingNode map, string key, string source, string prefix) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ListOf(node, source, $"{prefix}.{key}") : [];

    private static List<string> ListOf(YamlNode node, string source, string key)
    {
        if (node is not YamlSequenceNode seq) throw Error(source, node, $"{key}: expected a list");
        var list = new List<string>(seq.Children.Count);
        foreach (var item in seq.Children)
        {
            var value = Scalar(item, source, key);
            if (string.IsNullOrWhiteSpace(value)) throw Error(source, item, $"{key}: empty value");
            list.Add(value);
        }
        return list;
    }

    private static string Required(YamlMappingNode map, string key, string source, string prefix) =>
        Optional(map, key, source, prefix) ?? throw Error(source, map, $"{prefix}.{key}: required");

    private static string? Optional(YamlMappingNode map, string key, string source, string prefix) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? Scalar(node, source, $"{prefix}.{key}") : null;

    internal static string Scalar(YamlNode node, string source, string key) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(source, node, $"{key}: expected a single value");

    internal static CatalogException Error(string source, YamlNode node, string message) =>
        new($"{source}:{node.Start.Line}: {message}");

    internal static YamlMappingNode LoadMapping(string text, string source)
    {
        List<YamlDocument> documents;
        try
        {
            // YamlNodes turns YamlDotNet's position-less failures (an unterminated [ or {, an empty key) into YamlExceptions.
            documents = Deployment.YamlNodes.LoadAll(text);
        }
        catch (YamlException e)
        {
            throw new CatalogException($"{source}:{e.Start.Line}: invalid YAML: {e.Message}");
        }
        if (documents.Count == 0) return new YamlMappingNode();
        return documents[0].RootNode as YamlMappingNode
            ?? throw new CatalogException($"{source}:{documents[0].RootNode.Start.Line}: expected a mapping at the top level");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex IdPattern();
}
