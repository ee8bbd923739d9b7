using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Scanner.Catalog;
using Panoptic.Server.Accounts;
using Panoptic.Server.Registries;
using Panoptic.Storage;
using Panoptic.Storage.Graph;

namespace Panoptic.Server.Graph;

/// <summary>
/// GET /api/v1/graph?from&amp;to: the service graph over a window (default: the last hour) — nodes and edges with
/// request counts, failures and latency percentiles from both sides — compared with the latest registry: a database
/// or external API the traces show but the registry does not is undeclared; a registry connection or API no trace
/// touched in the window is idle.
/// </summary>
internal static class GraphEndpoints
{
    public sealed record Latency(double? P50Ms, double? P95Ms, double? P99Ms, double? MeanMs);

    public sealed record Edge(string Client, string Server, string ConnectionType, long Requests, long Failed, double ErrorRate, double RequestsPerMinute,
        Latency ClientLatency, Latency ServerLatency, IReadOnlyList<Minute>? Series);

    /// <summary>One minute of an edge (with ?series=minute): requests, failures and each side's p95.</summary>
    public sealed record Minute(DateTimeOffset Start, long Requests, long Failed, double? ClientP95Ms, double? ServerP95Ms);

    /// <summary>The registry entry a node stands for, with what the scan knows of it.</summary>
    public sealed record RegistryMatch(string Section, string Id, string Name, string? Category, string? Status, IReadOnlyList<string> UsedBy,
        IReadOnlyList<string> EnvVars, IReadOnlyList<RegistryEvidence> Evidence, int EvidenceTotal);

    /// <summary>A node; <c>LatencyIn</c> is the latency of the calls into it, as their callers measured it (as it answered them when a caller did not).</summary>
    public sealed record Node(string Id, string Kind, long RequestsIn, long RequestsOut, long FailedIn, RegistryMatch? Registry, bool Undeclared, Latency LatencyIn);

    public sealed record Idle(string Section, string Id, string Name);

    public sealed record GraphView(DateTimeOffset From, DateTimeOffset To, string? RegistryId, IReadOnlyList<Node> Nodes, IReadOnlyList<Edge> Edges,
        IReadOnlyList<string> Undeclared, IReadOnlyList<Idle> Idle);

    public static void MapGraph(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1").WithTags("Service graph").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required())
            .MapGet("/graph", GetAsync);

    public static async Task<Results<Ok<GraphView>, ProblemHttpResult>> GetAsync(string? from, string? to, string? series, WorkspaceScope scope, PanopticStore store,
        TechnologyCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!TryTime(to, now, out var end) || !TryTime(from, end.AddHours(-1), out var start))
            return Problems.BadRequest("from and to are ISO 8601 times or dates (default: the last hour)");
        if (start >= end) return Problems.BadRequest("from must be before to");
        if (end - start > TimeSpan.FromDays(93)) return Problems.BadRequest("a window is at most 93 days");
        if (series is not (null or "minute")) return Problems.BadRequest("series: minute (or leave it out)");
        if (series is not null && end - start > TimeSpan.FromDays(1)) return Problems.BadRequest("a per-minute series covers at most one day");
        var registry = await RegistryEntry.LatestAsync(store, scope.WorkspaceId, cancellationToken);
        return TypedResults.Ok(await BuildAsync(store, catalog, scope.WorkspaceId, start, end, series is not null, registry, cancellationToken));
    }

    /// <summary>The graph of a valid window (rounded out to whole minutes), compared with <paramref name="registry"/>.</summary>
    internal static async Task<GraphView> BuildAsync(PanopticStore store, TechnologyCatalog catalog, string workspaceId, DateTimeOffset start, DateTimeOffset end,
        bool perMinute, (string? RegistryId, List<RegistryEntry> Entries) registry, CancellationToken cancellationToken)
    {
        start = StartOfMinute(start);
        end = StartOfMinute(end.AddMinutes(1).AddTicks(-1));
        var edges = await store.GraphEdgesAsync(workspaceId, start, end, cancellationToken);
        var minutesOf = perMinute ? (await store.GraphEdgeMinutesAsync(workspaceId, start, end, cancellationToken)).ToLookup(e => (e.Client, e.Server, e.ConnectionType)) : null;
        var minutes = Math.Max(1, (end - start).TotalMinutes);
        var (registryId, entries) = registry;

        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            if (edge.Client != ServiceGraph.User) kinds[edge.Client] = "service";
            kinds[edge.Server] = edge.ConnectionType switch { "database" => "database", "virtual_node" => "external", _ => "service" };
        }
        if (edges.Any(e => e.Client == ServiceGraph.User)) kinds[ServiceGraph.User] = "user";
        foreach (var edge in edges.Where(e => e.Client != ServiceGraph.User)) kinds[edge.Client] = "service"; // a caller is instrumented, whatever else calls it

        var nodes = new List<Node>();
        var matched = new HashSet<(string, string)>();
        foreach (var (id, kind) in kinds.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var match = kind == "user" ? null : Match(id, kind, entries, catalog);
            if (match is not null) matched.Add((match.Section, match.Id));
            var undeclared = registryId is not null && match is null && kind is "database" or "external";
            var calls = edges.Where(e => e.Server == id).ToList();
            nodes.Add(new Node(id, kind, calls.Sum(e => e.Requests), edges.Where(e => e.Client == id).Sum(e => e.Requests), calls.Sum(e => e.Failed), match, undeclared,
                LatencyIn(calls)));
        }
        var idle = entries.Where(e => e.Section != RegistryEntry.Service && !matched.Contains((e.Section, e.Id))).Select(e => new Idle(e.Section, e.Id, e.Name)).ToList();
        return new GraphView(start, end, registryId, nodes, [.. edges.Select(e => View(e, minutes, minutesOf?[(e.Client, e.Server, e.ConnectionType)]))],
            [.. nodes.Where(n => n.Undeclared).Select(n => n.Id)], idle);
    }

    private static Edge View(GraphEdge e, double minutes, IEnumerable<GraphEdge>? series) => new(e.Client, e.Server, e.ConnectionType, e.Requests, e.Failed,
        e.Requests == 0 ? 0 : Math.Round((double)e.Failed / e.Requests, 4), Math.Round(e.Requests / minutes, 3),
        LatencyOf(e.ClientBuckets, e.ClientSeconds), LatencyOf(e.ServerBuckets, e.ServerSeconds),
        series?.Select(m => new Minute(DateTimeOffset.FromUnixTimeMilliseconds(m.Minute), m.Requests, m.Failed,
            LatencyOf(m.ClientBuckets, m.ClientSeconds).P95Ms, LatencyOf(m.ServerBuckets, m.ServerSeconds).P95Ms)).ToList());

    private static Latency LatencyIn(List<GraphEdge> calls)
    {
        var buckets = new long[GraphEdge.Buckets];
        var seconds = 0.0;
        foreach (var call in calls)
        {
            var measured = call.ClientBuckets.Any(b => b > 0);
            var side = measured ? call.ClientBuckets : call.ServerBuckets;
            for (var i = 0; i < buckets.Length; i++) buckets[i] += side[i];
            seconds += measured ? call.ClientSeconds : call.ServerSeconds;
        }
        return LatencyOf(buckets, seconds);
    }

    internal static Latency LatencyOf(long[] buckets, double seconds)
    {
        var count = buckets.Sum();
        double? Ms(double? s) => s is { } v ? Math.Round(v * 1000, 3) : null;
        return new Latency(Ms(LatencyHistogram.Percentile(buckets, 0.5)), Ms(LatencyHistogram.Percentile(buckets, 0.95)), Ms(LatencyHistogram.Percentile(buckets, 0.99)),
            count == 0 ? null : Ms(seconds / count));
    }

    /// <summary>
    /// The registry entry a node stands for: a service by its id; a database by its db.system value against the
    /// catalog ids (a few names differ); an external node by its host against the catalog's known hosts, or by name.
    /// </summary>
    private static RegistryMatch? Match(string node, string kind, List<RegistryEntry> entries, TechnologyCatalog catalog)
    {
        var ids = new List<string> { DatabaseAliases.GetValueOrDefault(node, node) };
        if (kind == "external")
        {
            foreach (var technology in catalog.Technologies)
                if (technology.Hosts.Any(h => h.StartsWith('.') ? node.EndsWith(h, StringComparison.OrdinalIgnoreCase) || node.Equals(h[1..], StringComparison.OrdinalIgnoreCase)
                    : node.Equals(h, StringComparison.OrdinalIgnoreCase))) ids.Add(technology.Id);
        }
        var sections = kind == "service" ? new[] { RegistryEntry.Service } : [RegistryEntry.Connection, RegistryEntry.ExternalApi];
        var entry = entries.FirstOrDefault(e => sections.Contains(e.Section) && ids.Any(id => e.Id.Equals(id, StringComparison.OrdinalIgnoreCase) || e.Name.Equals(id, StringComparison.OrdinalIgnoreCase)));
        return entry is null ? null
            : new RegistryMatch(entry.Section, entry.Id, entry.Name, entry.Category, entry.Status, entry.UsedBy, entry.EnvVars, entry.Evidence, entry.EvidenceTotal);
    }

    /// <summary>db.system values whose catalog id differs.</summary>
    private static readonly Dictionary<string, string> DatabaseAliases = new(StringComparer.Ordinal)
    {
        ["mssql"] = "sqlserver", ["microsoft.sql_server"] = "sqlserver", ["cosmosdb"] = "cosmosdb", ["azure.cosmosdb"] = "cosmosdb",
        ["aws.dynamodb"] = "dynamodb", ["gcp.spanner"] = "spanner", ["elasticsearch"] = "elasticsearch",
    };

    private static DateTimeOffset StartOfMinute(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero);

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        value = fallback;
        return string.IsNullOrWhiteSpace(text)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
