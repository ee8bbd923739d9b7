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
    /// <summary>The evidence kept per entry, strongest first as the scan orders it: the three that decide, the rest in the registry.</summary>
    public const int EvidenceShown = 3;

    public string? Status { get; init; }
    /// <summary>The scan's one-line reason for the status ("optional: ... only with `useOpenAI`, AppHost/Program.cs:12").</summary>
    public string? StatusReason { get; init; }
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
                    StatusReason = item["status_reason"].AsText(),
                    UsedBy = item["used_by"].Texts(),
                    Evidence = [.. evidence.Where(e => e["file"].AsText() is not null).Take(EvidenceShown)
                        .Select(e => new RegistryEvidence(e["file"].AsText()!, e["line"].AsInt() ?? 0, e["detail"].AsText() ?? "") { Kind = e["kind"].AsText() })],
                    EvidenceTotal = Math.Max(item["evidence_total"].AsInt() ?? 0, evidence.Count),
                });
            }
        }
        return entries;
    }
}

/// <summary>Where the scan saw a connection: a file, a line (0 when the whole file is the evidence), what it found there and its kind.</summary>
internal sealed record RegistryEvidence(string File, int Line, string Detail)
{
    /// <summary>The evidence kind as the registry spells it (import, code, deployment, dependency_in_test...).</summary>
    public string? Kind { get; init; }
}
