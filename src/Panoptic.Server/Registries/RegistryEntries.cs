using System.Text.Json;
using System.Text.Json.Nodes;
using Panoptic.Storage;

namespace Panoptic.Server.Registries;

/// <summary>A service, backend connection or external API of an uploaded registry, as the graph and the probes compare against them.</summary>
internal sealed record RegistryEntry(string Section, string Id, string Name, string? Category, IReadOnlyList<string> EnvVars)
{
    public const string Service = "service", Connection = "connection", ExternalApi = "external_api";

    /// <summary>The latest registry's id (null when none was uploaded) and its entries.</summary>
    public static async Task<(string? RegistryId, List<RegistryEntry> Entries)> LatestAsync(PanopticStore store, string workspaceId, CancellationToken cancellationToken)
    {
        var stored = await store.RegistryAsync(workspaceId, "latest", cancellationToken);
        var entries = new List<RegistryEntry>();
        if (stored?.Document is not { } document || JsonNode.Parse(document) is not { } registry) return (stored?.Id, entries);
        foreach (var (array, section) in new[] { ("services", Service), ("backend_connections", Connection), ("external_apis", ExternalApi) })
        {
            foreach (var item in registry[array] as JsonArray ?? [])
            {
                if (Text(item?["id"]) is not { } id) continue;
                entries.Add(new RegistryEntry(section, id, Text(item!["name"]) ?? id, Text(item["category"]),
                    [.. (item["env_vars"] as JsonArray ?? []).Select(Text).OfType<string>()]));
            }
        }
        return (stored.Id, entries);
    }

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
}
