using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Server.Accounts;
using Panoptic.Server.Gateway;
using Panoptic.Storage;
using Panoptic.Storage.CostSources;

namespace Panoptic.Server.CostSources;

/// <summary>
/// /api/v1/cost-sources: where billed figures come from. A source's key is stored encrypted like a gateway provider
/// key and shown back only as a masked hint; "sync now" runs one sync and answers with its outcome; a csv source is
/// filled by uploading invoice exports.
/// </summary>
internal static class CostSourceEndpoints
{
    public static readonly string[] Kinds = ["openai", "anthropic", "langfuse", "csv"];

    public sealed record NewCostSource(string? Name, string? Kind, string? ApiKey, string? PublicKey, string? BaseUrl, double? IntervalMinutes);

    public sealed record CostSourceChange(string? Name, string? ApiKey, string? PublicKey, string? BaseUrl, double? IntervalMinutes);

    /// <summary>A source as shown: never its key. <c>Status</c>: new (never synced), ok, or failing (the last sync failed; what it imported before stays).</summary>
    public sealed record CostSourceView(string Id, string Name, string Kind, string BaseUrl, string? Hint, string? PublicKey, double? IntervalMinutes, string Status,
        DateTimeOffset CreatedAt, DateTimeOffset? NextRunAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? LastSuccessAt, string? LastError, DateTimeOffset? LastErrorAt);

    public sealed record SyncView(bool Ok, int Days, int Rows, decimal CostUsd, string? Error, CostSourceView Source);

    public static void MapCostSources(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/cost-sources").WithTags("Cost sources").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required());
        group.MapGet("/", async (WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok((await store.CostSourcesAsync(scope.WorkspaceId, cancellationToken)).Select(View).ToList()));
        group.MapPost("/", CreateAsync);
        group.MapGet("/{id}", async Task<Results<Ok<CostSourceView>, ProblemHttpResult>> (string id, WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            await store.CostSourceAsync(scope.WorkspaceId, id, cancellationToken) is { } source ? TypedResults.Ok(View(source)) : Problems.NotFound("cost source"));
        group.MapPatch("/{id}", UpdateAsync);
        group.MapDelete("/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            await store.DeleteCostSourceAsync(scope.WorkspaceId, id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("cost source"));
        group.MapPost("/{id}/sync", SyncAsync);
        group.MapPost("/{id}/upload", CsvUpload.UploadAsync);
    }

    public static async Task<Results<Created<CostSourceView>, ProblemHttpResult>> CreateAsync(NewCostSource body, WorkspaceScope scope, PanopticStore store, KeyVault vault,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) problems.Add("name: 1 to 100 characters");
        var kind = body.Kind?.Trim().ToLowerInvariant() ?? "";
        if (!Kinds.Contains(kind)) problems.Add($"kind: one of {string.Join(", ", Kinds)}");
        var apiKey = body.ApiKey?.Trim() ?? "";
        if (kind == "csv" && apiKey.Length > 0) problems.Add("api_key: a csv source has none (upload files to it)");
        if (kind is "openai" or "anthropic" or "langfuse" && KeyProblem(apiKey, kind) is { } keyProblem) problems.Add(keyProblem);
        var publicKey = body.PublicKey?.Trim();
        if (kind == "langfuse" && (publicKey is null || publicKey.Length is < 8 or > 200 || publicKey.Any(char.IsWhiteSpace))) problems.Add("public_key: the Langfuse project's public key (pk-lf-…)");
        if (kind != "langfuse" && !string.IsNullOrEmpty(publicKey)) problems.Add("public_key: only for langfuse");
        var baseUrl = string.IsNullOrWhiteSpace(body.BaseUrl) ? DefaultBaseUrl(kind) : body.BaseUrl.Trim().TrimEnd('/');
        if (kind != "csv" && BaseUrlProblem(baseUrl) is { } urlProblem) problems.Add(urlProblem);
        if (IntervalProblem(body.IntervalMinutes) is { } intervalProblem) problems.Add(intervalProblem);
        if (problems.Count > 0) return Problems.BadRequest(string.Join("; ", problems));

        var now = time.GetUtcNow();
        var source = new CostSource(scope.WorkspaceId, Secrets.NewId("cs_"), name!, kind, kind == "csv" ? "" : baseUrl,
            apiKey.Length > 0 ? await vault.EncryptAsync(scope.WorkspaceId, apiKey, cancellationToken) : null, apiKey.Length > 0 ? Hint(apiKey) : null,
            kind == "langfuse" ? publicKey : null, TimeSpan.FromMinutes(body.IntervalMinutes ?? 60), now, now); // due at once: the first sync backfills two months
        if (!await store.CreateCostSourceAsync(source, cancellationToken)) return Problems.Of(StatusCodes.Status409Conflict, "Conflict", $"a cost source named '{name}' exists in this workspace");
        return TypedResults.Created($"/api/v1/cost-sources/{source.Id}", View(source));
    }

    /// <summary>PATCH /api/v1/cost-sources/{id}: rename, rotate the key, move the base URL or change the schedule; what is left out stays.</summary>
    public static async Task<Results<Ok<CostSourceView>, ProblemHttpResult>> UpdateAsync(string id, CostSourceChange body, WorkspaceScope scope, PanopticStore store, KeyVault vault,
        CancellationToken cancellationToken)
    {
        if (await store.CostSourceAsync(scope.WorkspaceId, id, cancellationToken) is not { } source) return Problems.NotFound("cost source");
        var problems = new List<string>();
        var name = body.Name?.Trim() ?? source.Name;
        if (name.Length is 0 or > 100) problems.Add("name: 1 to 100 characters");
        var apiKey = body.ApiKey?.Trim();
        if (apiKey is not null && source.Kind == "csv") problems.Add("api_key: a csv source has none");
        else if (apiKey is not null && KeyProblem(apiKey, source.Kind) is { } keyProblem) problems.Add(keyProblem);
        var publicKey = body.PublicKey?.Trim() ?? source.PublicKey;
        if (body.PublicKey is not null && (source.Kind != "langfuse" || publicKey!.Length is < 8 or > 200)) problems.Add("public_key: the Langfuse project's public key (pk-lf-…), only for langfuse");
        var baseUrl = body.BaseUrl?.Trim().TrimEnd('/') ?? source.BaseUrl;
        if (body.BaseUrl is not null && (source.Kind == "csv" || BaseUrlProblem(baseUrl) is not null)) problems.Add(BaseUrlProblem(baseUrl) ?? "base_url: a csv source has none");
        if (IntervalProblem(body.IntervalMinutes) is { } intervalProblem) problems.Add(intervalProblem);
        if (problems.Count > 0) return Problems.BadRequest(string.Join("; ", problems));
        if (name != source.Name && (await store.CostSourcesAsync(scope.WorkspaceId, cancellationToken)).Any(s => s.Name == name))
            return Problems.Of(StatusCodes.Status409Conflict, "Conflict", $"a cost source named '{name}' exists in this workspace");

        var interval = body.IntervalMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : source.Interval;
        var updated = source with
        {
            Name = name, BaseUrl = baseUrl, PublicKey = publicKey, Interval = interval,
            Secret = apiKey is null ? source.Secret : await vault.EncryptAsync(scope.WorkspaceId, apiKey, cancellationToken),
            Hint = apiKey is null ? source.Hint : Hint(apiKey),
            // A new key or address is tried at the next tick rather than at the end of the old interval.
            NextRunAt = apiKey is not null || body.BaseUrl is not null ? source.CreatedAt : source.NextRunAt - source.Interval + interval,
        };
        await store.UpdateCostSourceAsync(updated, cancellationToken);
        return TypedResults.Ok(View(updated));
    }

    /// <summary>POST /api/v1/cost-sources/{id}/sync: syncs now and answers with the outcome (200 either way; a failure is in error and on the source).</summary>
    public static async Task<Results<Ok<SyncView>, ProblemHttpResult>> SyncAsync(string id, WorkspaceScope scope, PanopticStore store, CostImporter importer, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await store.CostSourceAsync(scope.WorkspaceId, id, cancellationToken) is not { } existing) return Problems.NotFound("cost source");
        if (!existing.IsScheduled) return Problems.BadRequest($"a csv source is filled by uploads: POST /api/v1/cost-sources/{id}/upload");
        if (await store.ClaimCostSourceAsync(scope.WorkspaceId, id, time.GetUtcNow(), CostImporter.Lease, cancellationToken) is not { } source)
            return Problems.Of(StatusCodes.Status409Conflict, "Conflict", "this source is syncing right now; try again when it is done");
        var result = await importer.SyncAsync(source, cancellationToken);
        var after = await store.CostSourceAsync(scope.WorkspaceId, id, cancellationToken) ?? source;
        return TypedResults.Ok(new SyncView(result.Ok, result.Days, result.Rows, result.CostUsd, result.Error, View(after)));
    }

    internal static CostSourceView View(CostSource s) => new(s.Id, s.Name, s.Kind, s.BaseUrl, s.Hint, s.PublicKey, s.IsScheduled ? s.Interval.TotalMinutes : null,
        s.LastErrorAt is not null ? "failing" : s.LastSuccessAt is not null ? "ok" : "new", s.CreatedAt, s.IsScheduled ? s.NextRunAt : null, s.LastAttemptAt, s.LastSuccessAt,
        s.LastError, s.LastErrorAt);

    public static string DefaultBaseUrl(string kind) => kind switch
    {
        "openai" => "https://api.openai.com/v1",
        "anthropic" => "https://api.anthropic.com/v1",
        "langfuse" => "https://cloud.langfuse.com",
        _ => "",
    };

    private static string? KeyProblem(string key, string kind) => key.Length is < 8 or > 1000 || key.Any(char.IsWhiteSpace)
        ? kind switch
        {
            "openai" => "api_key: an OpenAI admin key (sk-admin-…), 8 to 1000 characters without spaces",
            "anthropic" => "api_key: an Anthropic Admin API key (sk-ant-admin…), 8 to 1000 characters without spaces",
            _ => "api_key: the Langfuse project's secret key (sk-lf-…), 8 to 1000 characters without spaces",
        }
        : null;

    private static string? BaseUrlProblem(string baseUrl) =>
        Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Query)
            ? null : "base_url: an http(s) address without credentials or query (leave it out for the provider's own)";

    private static string? IntervalProblem(double? minutes) => minutes is { } m && (double.IsNaN(m) || m < 5 || m > 1440)
        ? "interval_minutes: 5 to 1440 (default 60)" : null;

    /// <summary>What identifies a key to its owner without revealing it: the first three and last four characters.</summary>
    private static string Hint(string key) => key.Length >= 16 ? $"{key[..3]}…{key[^4..]}" : "…" + key[^2..];
}
