using System.Text.Json;
using System.Text.Json.Nodes;
using Panoptic.Storage;

namespace Panoptic.Server.Registries;

/// <summary>
/// A service, backend connection or external API of an uploaded registry, as the graph, the probes and the dashboard
/// compare against them: for a connection, the services that use it and the first pieces of evidence behind it.
/// </summary>
internal sealed record RegistryEntry(string Section, string Id, string Name, string? Category, IReadOnlyList<string> EnvVars)
{
    /// <summary>The evidence kept per entry: enough to show where it comes from without carrying a whole scan.</summary>
    public const int EvidenceShown = 5;

    public string? Status { get; init; }
    public IReadOnlyList<string> UsedBy { get; init; } = [];
    public IReadOnlyList<RegistryEvidence> Evidence { get; init; } = [];
    public int EvidenceTotal { get; init; }

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
                var evidence = item!["evidence"] as JsonArray ?? [];
                entries.Add(new RegistryEntry(section, id, Text(item["name"]) ?? id, Text(item["category"]), Texts(item["env_vars"]))
                {
                    Status = Text(item["status"]),
                    UsedBy = Texts(item["used_by"]),
                    Evidence = [.. evidence.Take(EvidenceShown).Where(e => Text(e?["file"]) is not null)
                        .Select(e => new RegistryEvidence(Text(e!["file"])!, Number(e["line"]), Text(e["detail"]) ?? ""))],
                    EvidenceTotal = Number(item["evidence_total"]) is > 0 and var total ? total : evidence.Count,
                });
            }
        }
        return (stored.Id, entries);
    }

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    private static List<string> Texts(JsonNode? node) => [.. (node as JsonArray ?? []).Select(Text).OfType<string>()];

    private static int Number(JsonNode? node) => node?.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var n) ? n : 0;
}

/// <summary>Where the scan saw a connection: a file, a line (0 when the whole file is the evidence) and what it found there.</summary>
internal sealed record RegistryEvidence(string File, int Line, string Detail);
