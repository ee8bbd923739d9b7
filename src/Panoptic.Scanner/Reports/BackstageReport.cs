using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Panoptic.Scanner.Registry;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Panoptic.Scanner.Reports;

/// <summary>
/// The registry as a Backstage catalog-info.yaml: a System for the repository, a Component per service, a Resource
/// per backend connection and an API per external API, tied together by dependsOn and consumesApis so Backstage
/// draws the same map. Names are reduced to what Backstage accepts (letters, digits, '-', '_', '.', at most 63).
/// </summary>
public static class BackstageReport
{
    /// <summary>Backstage requires an owner; Panoptic cannot know it, so the entities name a placeholder group to edit.</summary>
    public const string DefaultOwner = "group:default/unknown";

    public static string Write(RegistryDocument document, string owner = DefaultOwner)
    {
        var names = new Names();
        var system = names.Take("system", document.Project.Name);
        var resources = document.BackendConnections.ToDictionary(c => c.Id, c => names.Take("resource", c.Id), StringComparer.Ordinal);
        var apis = document.ExternalApis.ToDictionary(a => a.Id, a => names.Take("api", a.Id), StringComparer.Ordinal);
        var entities = new List<JsonObject>
        {
            Entity("System", system, document.Project.Name, $"Everything in the {document.Project.Name} repository, as found by Panoptic.", new JsonObject { ["owner"] = owner }),
        };
        foreach (var service in document.Services)
        {
            var spec = new JsonObject { ["type"] = "service", ["lifecycle"] = "production", ["owner"] = owner, ["system"] = system };
            var dependsOn = document.BackendConnections.Where(c => c.UsedBy.Contains(service.Id)).Select(c => (JsonNode)$"resource:default/{resources[c.Id]}").ToArray();
            var consumes = document.ExternalApis.Where(a => a.UsedBy.Contains(service.Id)).Select(a => (JsonNode)$"api:default/{apis[a.Id]}").ToArray();
            if (dependsOn.Length > 0) spec["dependsOn"] = new JsonArray(dependsOn);
            if (consumes.Length > 0) spec["consumesApis"] = new JsonArray(consumes);
            var component = Entity("Component", names.Take("component", service.Id), service.Id, $"Service at {service.Path}", spec);
            var tags = new[] { service.Language }.Concat(service.Frameworks).OfType<string>().Select(Tag).OfType<string>().Distinct().ToArray();
            if (tags.Length > 0) component["metadata"]!["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)t)]);
            component["metadata"]!["annotations"] = new JsonObject { ["panoptic.dev/source-path"] = service.Path };
            entities.Add(component);
        }
        foreach (var connection in document.BackendConnections)
        {
            entities.Add(Entity("Resource", resources[connection.Id], connection.Name, $"{connection.Name} ({connection.Category}), used by {connection.UsedBy.Count} services",
                new JsonObject { ["type"] = connection.Category, ["owner"] = owner, ["system"] = system }));
        }
        foreach (var api in document.ExternalApis)
        {
            var definition = new StringBuilder($"External API: {api.Name}{(api.Provider is { } p ? $" by {p}" : "")} ({api.Category}).");
            if (api.ModelsSeen is { Count: > 0 } models) definition.Append(" Models seen in code: ").Append(string.Join(", ", models)).Append('.');
            entities.Add(Entity("API", apis[api.Id], api.Name, $"{api.Name} ({api.Category}), an external API",
                new JsonObject { ["type"] = "external", ["lifecycle"] = "production", ["owner"] = owner, ["system"] = system, ["definition"] = definition.ToString() }));
        }

        var writer = new StringWriter();
        var emitter = new Emitter(writer, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, indentSequences: true));
        emitter.Emit(new StreamStart());
        foreach (var entity in entities)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: false));
            YamlReport.Emit(emitter, JsonSerializer.SerializeToElement(entity));
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static JsonObject Entity(string kind, string name, string title, string description, JsonObject spec) => new()
    {
        ["apiVersion"] = "backstage.io/v1alpha1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["title"] = title, ["description"] = description },
        ["spec"] = spec,
    };

    /// <summary>A Backstage tag: lowercase letters, digits, '+', '#', ':' and single dashes, at most 63 characters.</summary>
    private static string? Tag(string value)
    {
        var tag = new StringBuilder();
        foreach (var c in value.ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '#' or ':') tag.Append(c);
            else if (tag.Length > 0 && tag[^1] != '-') tag.Append('-');
        }
        var result = tag.ToString().Trim('-');
        if (result.Length > 63) result = result[..63].TrimEnd('-');
        return result.Length == 0 ? null : result;
    }

    /// <summary>Entity names unique per kind: invalid characters become '-', too long is cut, clashes get a number.</summary>
    private sealed class Names
    {
        private readonly HashSet<string> _taken = new(StringComparer.OrdinalIgnoreCase);

        public string Take(string kind, string raw)
        {
            var name = new StringBuilder();
            foreach (var c in raw)
            {
                if (char.IsAsciiLetterOrDigit(c)) name.Append(c);
                else if (name.Length > 0 && name[^1] is not ('-' or '_' or '.')) name.Append(c is '_' or '.' ? c : '-');
            }
            var baseName = Trim(name.ToString(), 60);
            if (baseName.Length == 0) baseName = kind;
            var candidate = baseName;
            for (var n = 2; !_taken.Add(kind + ":" + candidate); n++) candidate = $"{Trim(baseName, 60 - n.ToString(System.Globalization.CultureInfo.InvariantCulture).Length)}-{n}";
            return candidate;
        }

        private static string Trim(string name, int max)
        {
            if (name.Length > max) name = name[..max];
            return name.Trim('-', '_', '.');
        }
    }
}
