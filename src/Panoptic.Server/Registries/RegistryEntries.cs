using System.Text.Json.Nodes;
using Panoptic.Scanner.Reports;
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
        return (stored?.Id, stored?.Document is { } document && JsonNode.Parse(document) is JsonObject registry ? Of(registry) : []);
    }

    /// <summary>The services, backend connections and external APIs of a parsed registry (items without an id are skipped).</summary>
    public static List<RegistryEntry> Of(JsonObject registry)
    {
        var entries = new List<RegistryEntry>();
        foreach (var (array, section) in new[] { ("services", Service), ("backend_connections", Connection), ("external_apis", ExternalApi) })
        {
            foreach (var item in registry[array].Objects())
            {
                if (item["id"].AsText() is not { } id) continue;
                var evidence = item["evidence"].Objects().ToList();
                entries.Add(new RegistryEntry(section, id, item["name"].AsText() ?? id, item["category"].AsText(), item["env_vars"].Texts())
                {
                    Status = item["status"].AsText(),
                    UsedBy = item["used_by"].Texts(),
                    Evidence = [.. evidence.Where(e => e["file"].AsText() is not null).Take(EvidenceShown)
                        .Select(e => new RegistryEvidence(e["file"].AsText()!, e["line"].AsInt() ?? 0, e["detail"].AsText() ?? ""))],
                    EvidenceTotal = Math.Max(item["evidence_total"].AsInt() ?? 0, evidence.Count),
                });
            }
        }
        return entries;
    }
}

/// <summary>Where the scan saw a connection: a file, a line (0 when the whole file is the evidence) and what it found there.</summary>
internal sealed record RegistryEvidence(string File, int Line, string Detail);
