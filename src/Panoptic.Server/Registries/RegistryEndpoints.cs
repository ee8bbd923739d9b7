using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Scanner.Reports;
using Panoptic.Server.Accounts;
using Panoptic.Storage;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Registries;

/// <summary>
/// Registries uploaded by `panoptic scan --push`: every upload is kept; the latest comes back with each external
/// API's month-to-date spend from the cost ledger beside it; any two can be compared.
/// </summary>
internal static class RegistryEndpoints
{
    private const long MaxRegistryBytes = 64L * 1024 * 1024;

    public sealed record Uploaded(string Id, DateTimeOffset ReceivedAt, string Project, string? Commit);

    /// <summary>An external API beside its month-to-date spend and month-end projection; <see cref="Budget"/> is the registry's (panoptic.yaml) budget.</summary>
    public sealed record ApiSpend(string Id, string Name, string Provider, decimal MonthToDateUsd, decimal ProjectedUsd, long Events, JsonNode? Budget, bool? ProjectedOverBudget);

    public sealed record RegistryView(string Id, DateTimeOffset ReceivedAt, string Project, string? Commit, JsonNode Registry, IReadOnlyList<ApiSpend> ExternalApiSpend);

    public static void MapRegistries(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").WithTags("Registries").RequireAuthorization(PanopticAuthentication.IngestPolicy).WithMetadata(new WorkspaceScope.Required())
            .MapPost("/registries", UploadAsync);
        var read = app.MapGroup("/api/v1/registries").WithTags("Registries").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required());
        read.MapGet("/", ListAsync);
        read.MapGet("/diff", DiffAsync);
        read.MapGet("/{id}", GetAsync);
    }

    public static async Task<Results<Created<Uploaded>, ProblemHttpResult>> UploadAsync(HttpContext http, WorkspaceScope scope, PanopticStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxRegistryBytes;
        JsonObject registry;
        try
        {
            // Parsing a stream synchronously would block a thread; buffer it first (the limit above bounds it).
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, cancellationToken);
            if (Utf8Bytes.FirstInvalid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is >= 0 and var at)
                return Problems.BadRequest($"the body is not valid UTF-8 (byte {at}); a registry is the JSON `panoptic scan --format json` writes");
            buffer.Position = 0;
            registry = RegistryDiff.Parse(buffer, "the body");
        }
        catch (RegistryDiffException e)
        {
            return Problems.BadRequest(e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"a registry of more than {MaxRegistryBytes} bytes");
        }
        var now = time.GetUtcNow();
        var project = registry["project"].Field("name").AsText() ?? "unnamed";
        var commit = registry["project"].Field("commit").AsText();
        // Time-ordered ids: newest first by id as well as by time.
        var id = "reg_" + now.ToUnixTimeMilliseconds().ToString("x12", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var stored = new StoredRegistry(id, now, project.Length > 200 ? project[..200] : project, commit, registry.ToJsonString())
        {
            ReadinessScore = registry["commercial_readiness"].Field("score").AsNumber(),
        };
        await store.AddRegistryAsync(scope.WorkspaceId, stored, cancellationToken);
        return TypedResults.Created($"/api/v1/registries/{id}", new Uploaded(id, now, stored.Project, commit));
    }

    public static async Task<Ok<List<Uploaded>>> ListAsync(WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.RegistriesAsync(scope.WorkspaceId, 100, cancellationToken)).Select(r => new Uploaded(r.Id, r.ReceivedAt, r.Project, r.Commit)).ToList());

    public static async Task<Results<Ok<RegistryView>, ProblemHttpResult>> GetAsync(string id, WorkspaceScope scope, PanopticStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var stored = await store.RegistryAsync(scope.WorkspaceId, id, cancellationToken);
        if (stored is null) return Problems.NotFound(id == "latest" ? "registry (push one with `panoptic scan --push`)" : "registry");
        var registry = JsonNode.Parse(stored.Document!)!;
        var now = time.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = await store.QueryCostsAsync(new CostQuery(scope.WorkspaceId, monthStart, monthStart.AddMonths(1), [CostDimension.Provider], null,
            new Dictionary<CostDimension, string>()), RollupTable.ModelDay, cancellationToken);
        var spend = rows.ToDictionary(r => r.Keys[0], StringComparer.OrdinalIgnoreCase);
        var apis = new List<ApiSpend>();
        foreach (var api in registry["external_apis"].Objects())
        {
            if (api["id"].AsText() is not { } apiId) continue;
            var provider = api["provider"].AsText() ?? apiId;
            // The ledger's name for it: the registry's google-gemini is the ledger's gemini (providers.json).
            var ledger = CostSources.ProviderNames.OfRegistryApi(apiId, null);
            var matched = new[] { ledger, apiId, provider }.FirstOrDefault(spend.ContainsKey) ?? ledger;
            var row = spend.GetValueOrDefault(matched);
            var budget = api["budget"];
            var monthly = budget.Field("currency").AsText() is null or "USD" ? budget.Field("monthly").AsNumber() : null;
            // The same projection budgets use, over this provider's spend.
            var status = await Budgets.BudgetEndpoints.StatusAsync(store, scope.WorkspaceId,
                new Budget("", apiId, "provider", matched, "month", null, null, monthly ?? 1, "usd", [], now), now, cancellationToken);
            apis.Add(new ApiSpend(apiId, api["name"].AsText() ?? apiId, provider, Nanos.ToUsd(row?.CostNanos ?? 0), status.Projection.Projected, row?.Events ?? 0,
                budget?.DeepClone(), monthly is null ? null : status.ProjectedOverspend));
        }
        return TypedResults.Ok(new RegistryView(stored.Id, stored.ReceivedAt, stored.Project, stored.Commit, registry, apis));
    }

    /// <summary>What changed between two uploads: `new` defaults to the latest, `old` to the one before it.</summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> DiffAsync(string? old, string? @new, WorkspaceScope scope, PanopticStore store,
        CancellationToken cancellationToken)
    {
        var newer = await store.RegistryAsync(scope.WorkspaceId, @new ?? "latest", cancellationToken);
        if (newer is null) return Problems.NotFound("registry");
        var olderId = old ?? (await store.RegistriesAsync(scope.WorkspaceId, 100, cancellationToken)).SkipWhile(r => r.Id != newer.Id).Skip(1).FirstOrDefault()?.Id;
        var older = olderId is null ? null : await store.RegistryAsync(scope.WorkspaceId, olderId, cancellationToken);
        if (older is null) return Problems.NotFound("earlier registry to compare with");
        var diff = RegistryDiff.Compare((JsonObject)JsonNode.Parse(older.Document!)!, (JsonObject)JsonNode.Parse(newer.Document!)!);
        return TypedResults.Content(diff.ToJson(), "application/json");
    }
}
