using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Scanner.Catalog;
using Panoptic.Server.Accounts;
using Panoptic.Server.Graph;
using Panoptic.Server.Registries;
using Panoptic.Storage;
using Panoptic.Storage.Probes;

namespace Panoptic.Server.Probes;

/// <summary>
/// /api/v1/probes (add, list, remove health probes) and GET /api/v1/connections: every backend connection and external
/// API of the latest registry, plus any other probed target, with its status, latency and availability from the
/// probes, and its SLO.
/// </summary>
internal static class ProbeEndpoints
{
    public sealed record SloInput(double? Availability, double? LatencyP95Ms);

    public sealed record ProbeInput(string? Name, string? Kind, string? Target, int? ExpectedStatus, double? IntervalSeconds, double? TimeoutMs, SloInput? Slo);

    public sealed record ProbeView(string Id, string Name, string Kind, string Target, int? ExpectedStatus, double IntervalSeconds, double TimeoutMs,
        double SloAvailability, double SloLatencyP95Ms, string Status, DateTimeOffset StatusSince, DateTimeOffset? LastCheckedAt, string? LastError);

    public sealed record Availability(double? LastHour, double? Last24Hours, double? Last30Days);

    public sealed record SloView(double AvailabilityObjective, double LatencyP95ObjectiveMs, double? ErrorBudgetRemaining, double? BurnRate1h, string? Status);

    /// <summary>
    /// A connection as the registry, the probes and the last 24 hours of traces see it. <c>UsedBy</c>: the services
    /// the scan found using it, plus those the traces show calling it. <c>Calls24h</c>: calls in the traces (null
    /// when no trace arrived in that time); an unprobed connection's latency comes from those calls, as its callers
    /// measured it (<c>LatencyFrom</c>: probe, traces, or null). <c>Undeclared</c>: probed or called but not in the registry.
    /// <c>Idle</c>: in the registry, while traces arrive, yet not called by any of them.
    /// </summary>
    public sealed record ConnectionView(string Name, string? Section, string? Category, IReadOnlyList<string> EnvVars, string Status, ProbeView? Probe,
        double? LatencyP50Ms, double? LatencyP95Ms, string? LatencyFrom, Availability Availability, SloView Slo,
        IReadOnlyList<string> UsedBy, IReadOnlyList<RegistryEvidence> Evidence, int EvidenceTotal,
        long? Calls24h, bool Undeclared, bool Idle)
    {
        /// <summary>The scan's status for the connection (core, optional, dev_only...) and its one-line reason.</summary>
        public string? RegistryStatus { get; init; }
        public string? StatusReason { get; init; }
    }

    public static void MapProbes(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Probes").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required());
        api.MapPost("/probes", AddAsync);
        api.MapGet("/probes", async (WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok((await store.ProbesAsync(scope.WorkspaceId, cancellationToken)).Select(View).ToList()));
        api.MapDelete("/probes/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            await store.DeleteProbeAsync(scope.WorkspaceId, id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("probe"));
        api.MapGet("/connections", ConnectionsAsync);
    }

    public static async Task<Results<Created<ProbeView>, ProblemHttpResult>> AddAsync(ProbeInput input, WorkspaceScope scope, PanopticStore store,
        IEnumerable<IProbeKind> kinds, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) errors.Add("name: the connection this probe checks (a registry id such as postgresql, or any name), 1 to 200 characters");
        var kind = kinds.FirstOrDefault(k => k.Kind == input.Kind);
        if (kind is null) errors.Add($"kind: one of {string.Join(", ", kinds.Select(k => k.Kind))}");
        var target = input.Target?.Trim() ?? "";
        if (target.Length is 0 or > 2000) errors.Add("target: where to check, 1 to 2000 characters");
        else if (kind?.Validate(target) is { } invalid) errors.Add($"target: {invalid}");
        else if (ProbeTargets.Credentials(target) is { } secret) errors.Add($"target: {secret}");
        var interval = input.IntervalSeconds ?? 30;
        if (interval is < 5 or > 86_400) errors.Add("interval_seconds: 5 to 86400");
        var timeout = input.TimeoutMs ?? 5_000;
        if (timeout < 50 || timeout > interval * 1000) errors.Add("timeout_ms: at least 50 and at most the interval");
        if (input.ExpectedStatus is < 100 or > 599) errors.Add("expected_status: an HTTP status code");
        var (_, registry) = await RegistryEntry.LatestAsync(store, scope.WorkspaceId, cancellationToken);
        var entry = registry.FirstOrDefault(e => e.Section != RegistryEntry.Service && e.Id.Equals(name, StringComparison.OrdinalIgnoreCase));
        var defaults = Defaults(entry?.Section, entry?.Category);
        var availability = input.Slo?.Availability ?? defaults.Availability;
        var latency = input.Slo?.LatencyP95Ms ?? defaults.LatencyMs;
        if (availability is <= 0 or >= 100) errors.Add("slo.availability: a percentage between 0 and 100, e.g. 99.9");
        if (latency <= 0) errors.Add("slo.latency_p95_ms: positive");
        if (errors.Count > 0) return Problems.BadRequest(string.Join("; ", errors));

        var now = time.GetUtcNow();
        var probe = new Probe
        {
            WorkspaceId = scope.WorkspaceId, Id = "prb_" + Guid.NewGuid().ToString("N")[..16], Name = name!, Kind = kind!.Kind, Target = target,
            ExpectedStatus = input.ExpectedStatus, Interval = TimeSpan.FromSeconds(interval), Timeout = TimeSpan.FromMilliseconds(timeout),
            SloAvailability = availability, SloLatencyMs = latency, CreatedAt = now, NextRunAt = now, StatusSince = now,
        };
        if (!await store.AddProbeAsync(probe, cancellationToken)) return Problems.Of(StatusCodes.Status409Conflict, "Conflict", $"a probe named '{name}' exists; remove it first");
        return TypedResults.Created($"/api/v1/probes/{probe.Id}", View(probe));
    }

    public static async Task<Ok<List<ConnectionView>>> ConnectionsAsync(WorkspaceScope scope, PanopticStore store, TechnologyCatalog catalog, TimeProvider time,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await ConnectionsOfAsync(scope.WorkspaceId, await RegistryEntry.LatestAsync(store, scope.WorkspaceId, cancellationToken), store, catalog, time, cancellationToken));

    /// <summary>The connections against a registry the caller already read (the overview reads it once for this and for readiness).</summary>
    internal static async Task<List<ConnectionView>> ConnectionsOfAsync(string workspaceId, (string? RegistryId, List<RegistryEntry> Entries) registry, PanopticStore store,
        TechnologyCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var probes = (await store.ProbesAsync(workspaceId, cancellationToken)).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var windows = new Windows(
            await store.ProbeWindowsAsync(workspaceId, now.AddHours(-1), now.AddMinutes(1), cancellationToken),
            await store.ProbeWindowsAsync(workspaceId, now.AddDays(-1), now.AddMinutes(1), cancellationToken),
            await store.ProbeWindowsAsync(workspaceId, now.AddDays(-30), now.AddMinutes(1), cancellationToken));
        var traffic = new Traffic(await GraphEndpoints.BuildAsync(store, catalog, workspaceId, now.AddDays(-1), now, perMinute: false, registry, cancellationToken));
        var views = new List<ConnectionView>();
        foreach (var entry in registry.Entries.Where(e => e.Section != RegistryEntry.Service))
        {
            probes.Remove(entry.Id, out var probe);
            var view = traffic.Add(View(entry, probe, windows), traffic.Nodes(entry));
            views.Add(view with { Idle = traffic.Seen && view.Calls24h == 0 });
        }
        // What the traces show calling a database or external API the registry does not list, probed or not.
        foreach (var node in traffic.Undeclared)
        {
            probes.Remove(node.Id, out var probe);
            var view = View(null, probe, windows) with { Name = node.Id, Category = node.Kind, Undeclared = true };
            if (probe is null)
            {
                var (availability, latency) = node.Kind == "database" ? Defaults(null, "database") : Defaults(RegistryEntry.ExternalApi);
                view = view with { Slo = view.Slo with { AvailabilityObjective = availability, LatencyP95ObjectiveMs = latency } };
            }
            views.Add(traffic.Add(view, [node]));
        }
        foreach (var probe in probes.Values)
            views.Add(traffic.Add(View(null, probe, windows) with { Undeclared = true }, []));
        return views;
    }

    /// <summary>The service graph of the last 24 hours, asked per connection: how often it was called, by whom and how fast.</summary>
    private sealed record Traffic(GraphEndpoints.GraphView Graph)
    {
        public bool Seen => Graph.Edges.Count > 0;

        /// <summary>Databases and external APIs the traces call that match no registry entry (all of them when no registry was pushed).</summary>
        public IEnumerable<GraphEndpoints.Node> Undeclared => Graph.Nodes.Where(n => n.Kind is "database" or "external" && n.Registry is null);

        public List<GraphEndpoints.Node> Nodes(RegistryEntry entry) => [.. Graph.Nodes.Where(n => n.Registry is { } r && r.Section == entry.Section && r.Id == entry.Id)];

        /// <summary>
        /// The view with the calls into <paramref name="nodes"/>: their count (when traces arrive at all), their callers
        /// among its users, and — for a connection no probe measures — the busiest node's latency.
        /// </summary>
        public ConnectionView Add(ConnectionView view, List<GraphEndpoints.Node> nodes)
        {
            var callers = Graph.Edges.Where(e => e.Client != ServiceGraph.User && nodes.Any(n => n.Id == e.Server)).Select(e => e.Client);
            view = view with { UsedBy = [.. view.UsedBy.Union(callers, StringComparer.Ordinal)], Calls24h = Seen ? nodes.Sum(n => n.RequestsIn) : null };
            if (view.LatencyFrom is not null || nodes.MaxBy(n => n.RequestsIn) is not { LatencyIn.P50Ms: not null } busiest) return view;
            return view with { LatencyP50Ms = busiest.LatencyIn.P50Ms, LatencyP95Ms = busiest.LatencyIn.P95Ms, LatencyFrom = "traces" };
        }
    }

    /// <summary>Every probe's checks over the last hour, day and 30 days.</summary>
    private sealed record Windows(IReadOnlyDictionary<string, ProbeWindow> Hour, IReadOnlyDictionary<string, ProbeWindow> Day, IReadOnlyDictionary<string, ProbeWindow> Month)
    {
        private static readonly ProbeWindow None = new(0, 0, 0, new long[Storage.Graph.GraphEdge.Buckets]);

        public (ProbeWindow Hour, ProbeWindow Day, ProbeWindow Month) Of(string probeId) =>
            (Hour.GetValueOrDefault(probeId) ?? None, Day.GetValueOrDefault(probeId) ?? None, Month.GetValueOrDefault(probeId) ?? None);
    }

    private static ConnectionView View(RegistryEntry? entry, Probe? probe, Windows windows)
    {
        var defaults = Defaults(entry?.Section, entry?.Category);
        var objective = probe?.SloAvailability ?? defaults.Availability;
        var latencyObjective = probe?.SloLatencyMs ?? defaults.LatencyMs;
        if (probe is null)
            return new ConnectionView(entry?.Id ?? "", entry?.Section, entry?.Category, entry?.EnvVars ?? [], "unprobed", null, null, null, null, new Availability(null, null, null),
                new SloView(objective, latencyObjective, null, null, null), entry?.UsedBy ?? [], entry?.Evidence ?? [], entry?.EvidenceTotal ?? 0, null, false, false)
            { RegistryStatus = entry?.Status, StatusReason = entry?.StatusReason };
        var (hour, day, month) = windows.Of(probe.Id);
        var latency = GraphEndpoints.LatencyOf(day.Buckets, day.Seconds);
        var p95 = latency.P95Ms;
        var burn = Slo.BurnRate(hour, objective);
        return new ConnectionView(probe.Name, entry?.Section, entry?.Category, entry?.EnvVars ?? [], probe.Status, View(probe),
            latency.P50Ms, p95, latency.P50Ms is null ? null : "probe", new Availability(Slo.Availability(hour), Slo.Availability(day), Slo.Availability(month)),
            new SloView(objective, latencyObjective, Slo.BudgetRemaining(month, objective), burn, Slo.Status(Slo.Availability(month), objective, burn, p95, latencyObjective)),
            entry?.UsedBy ?? [], entry?.Evidence ?? [], entry?.EvidenceTotal ?? 0, null, false, false)
        { RegistryStatus = entry?.Status, StatusReason = entry?.StatusReason };
    }

    /// <summary>
    /// Default objectives by the registry's category: what the product cannot run without is held tighter, an
    /// external API looser, a cache to cache speed and an LLM to generation speed; by section when the category is
    /// unknown. A probe's own objectives override them.
    /// </summary>
    internal static (double Availability, double LatencyMs) Defaults(string? section, string? category = null) => (category, section) switch
    {
        ("cache", _) => (99.9, 50),
        ("database" or "queue" or "vector_store", _) => (99.9, 250),
        ("search", _) => (99.9, 500),
        ("object_storage", _) => (99.9, 1000),
        ("llm", _) => (99.0, 15_000),
        (_, RegistryEntry.Connection) => (99.9, 250),
        (_, RegistryEntry.ExternalApi) => (99.5, 1500),
        _ => (99.9, 500),
    };

    private static ProbeView View(Probe p) => new(p.Id, p.Name, p.Kind, p.Target, p.ExpectedStatus, p.Interval.TotalSeconds, p.Timeout.TotalMilliseconds,
        p.SloAvailability, p.SloLatencyMs, p.Status, p.StatusSince, p.LastCheckedAt, p.LastError);
}
