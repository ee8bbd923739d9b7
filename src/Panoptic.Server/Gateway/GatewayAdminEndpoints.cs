using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Server.Accounts;
using Panoptic.Storage;
using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// Managing the gateway: provider keys (stored encrypted, shown back only as a masked hint), gateway keys (shown once,
/// stored hashed, revocable, optionally expiring and limited to some models), and the request logs.
/// </summary>
internal static class GatewayAdminEndpoints
{
    public sealed record NewProviderKey(string? Name, string? Provider, string? ApiKey, string? BaseUrl, string[]? Models, double? TimeoutSeconds, int? Weight = null);

    public sealed record ProviderKeyView(string Id, string Name, string Provider, string BaseUrl, IReadOnlyList<string> Models, string Hint, double? TimeoutSeconds, DateTimeOffset CreatedAt, int Weight);

    public sealed record RotatedSecret(string? ApiKey);

    public sealed record NewGatewayKey(string? Name, string[]? AllowedModels, DateTimeOffset? ExpiresAt, long? Rpm, long? Tpm, decimal? BudgetUsd, bool? RefuseUnpriced = null);

    public sealed record GatewayKeyView(string Id, string Name, string Prefix, IReadOnlyList<string>? AllowedModels, long? Rpm, long? Tpm, decimal? BudgetUsd,
        decimal SpentUsd, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, bool Active, bool RefuseUnpriced);

    public sealed record CreatedGatewayKey(string Id, string Name, string Key, string Prefix, IReadOnlyList<string>? AllowedModels, long? Rpm, long? Tpm, decimal? BudgetUsd,
        DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool RefuseUnpriced);

    public sealed record LogPage(IReadOnlyList<GatewayLogView> Data, string? Next);

    public sealed record GatewayLogView(string Id, DateTimeOffset At, string KeyId, string Endpoint, string ModelRequested, string ModelServed, string Upstream, int Status,
        bool Stream, double LatencyMs, double? TtftMs, long InputTokens, long CachedTokens, long OutputTokens, long ReasoningTokens, decimal? CostUsd, string? RateCard,
        bool Estimated, string TenantId, string UserId, string Feature, string? Error);

    public static void MapGatewayAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/gateway").WithTags("Gateway").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required());
        group.MapGet("/provider-keys", ListProviderKeysAsync);
        group.MapPost("/provider-keys", CreateProviderKeyAsync);
        group.MapPut("/provider-keys/{id}/secret", RotateProviderKeyAsync);
        group.MapDelete("/provider-keys/{id}", DeleteProviderKeyAsync);
        group.MapGet("/keys", ListGatewayKeysAsync);
        group.MapPost("/keys", CreateGatewayKeyAsync);
        group.MapDelete("/keys/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, WorkspaceScope scope, PanopticStore store, TimeProvider time, CancellationToken cancellationToken) =>
            await store.RevokeGatewayKeyAsync(scope.WorkspaceId, id, time.GetUtcNow(), cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("gateway key"));
        group.MapGet("/logs", LogsAsync);
        group.MapGet("/usage", UsageAsync);
        group.MapGet("/settings", async (WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok(await store.GatewaySettingsAsync(scope.WorkspaceId, cancellationToken) is var s ? new SettingsView(s.LogBodies, s.Redact) : null));
        group.MapPut("/settings", SetSettingsAsync);
        group.MapPatch("/settings", SetSettingsAsync);
        group.MapGet("/logs/{id}/body", async Task<Results<Ok<GatewayBodies>, ProblemHttpResult>> (string id, WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            await store.GatewayBodiesAsync(scope.WorkspaceId, id, cancellationToken) is { } bodies ? TypedResults.Ok(bodies) : Problems.NotFound("logged body"));
        group.MapGet("/routes", async (WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok((await store.GatewayRoutesAsync(scope.WorkspaceId, cancellationToken)).Select(r => new RouteView(r.Alias, r.Models)).ToList()));
        group.MapPut("/routes/{alias}", SetRouteAsync);
        group.MapDelete("/routes/{alias}", async Task<Results<NoContent, ProblemHttpResult>> (string alias, WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
            await store.DeleteGatewayRouteAsync(scope.WorkspaceId, alias, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("route"));
    }

    public sealed record SettingsView(bool LogBodies, IReadOnlyList<string> Redact);

    public sealed record NewSettings(bool? LogBodies, string[]? Redact);

    /// <summary>
    /// PUT or PATCH /api/v1/gateway/settings (the owner's): turn body logging on or off, and the patterns redacted from
    /// bodies (on top of the built-in credential patterns). A merge: a setting left out keeps its value.
    /// </summary>
    public static async Task<Results<Ok<SettingsView>, ProblemHttpResult>> SetSettingsAsync(NewSettings body, WorkspaceScope scope, PanopticStore store, BodyLogging bodyLogging,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (await OwnerOnlyAsync(scope, store, "change the gateway's settings", cancellationToken) is { } forbidden) return forbidden;
        var current = await store.GatewaySettingsAsync(scope.WorkspaceId, cancellationToken);
        var redact = body.Redact?.Select(p => p ?? "").ToList() ?? [.. current.Redact];
        var problems = new List<string>();
        if (redact.Count > 20) problems.Add("redact: at most 20 patterns");
        foreach (var pattern in redact)
        {
            if (pattern.Length is 0 or > 500) problems.Add("redact: each pattern 1 to 500 characters");
            else if (BodyLogging.Problem(pattern) is { } problem) problems.Add($"redact: '{pattern}' is not a regular expression ({problem})");
        }
        if (problems.Count > 0) return Problems.BadRequest(string.Join("; ", problems));
        var settings = new GatewaySettings(body.LogBodies ?? current.LogBodies, redact);
        await store.SetGatewaySettingsAsync(scope.WorkspaceId, settings, time.GetUtcNow(), cancellationToken);
        bodyLogging.Forget(scope.WorkspaceId);
        return TypedResults.Ok(new SettingsView(settings.LogBodies, settings.Redact));
    }

    public sealed record NewRoute(string[]? Models);

    public sealed record RouteView(string Alias, IReadOnlyList<string> Models);

    /// <summary>PUT /api/v1/gateway/routes/{alias}: the models the alias tries, in order (the first that answers serves it).</summary>
    public static async Task<Results<Ok<RouteView>, ProblemHttpResult>> SetRouteAsync(string alias, NewRoute body, WorkspaceScope scope, PanopticStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        alias = alias.Trim();
        var models = body.Models?.Select(m => m?.Trim() ?? "").ToList() ?? [];
        var problems = new List<string>();
        if (alias.Length is 0 or > 200 || alias.EndsWith('*')) problems.Add("alias: 1 to 200 characters, not a pattern");
        if (models.Count is 0 or > 10 || models.Any(m => m.Length is 0 or > 200 || m.EndsWith('*'))) problems.Add("models: 1 to 10 model names, tried in order");
        if (problems.Count > 0) return Problems.BadRequest(string.Join("; ", problems));
        await store.SetGatewayRouteAsync(scope.WorkspaceId, alias, models, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(new RouteView(alias, models));
    }

    public static async Task<Ok<List<ProviderKeyView>>> ListProviderKeysAsync(WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ProviderKeysAsync(scope.WorkspaceId, cancellationToken)).Select(View).ToList());

    /// <summary>
    /// Provider keys and the gateway's settings are the owner's to change: a key spends the workspace's money at a
    /// provider, and the settings decide what of every prompt is stored. Members read them.
    /// </summary>
    private static async Task<ProblemHttpResult?> OwnerOnlyAsync(WorkspaceScope scope, PanopticStore store, string what, CancellationToken cancellationToken) =>
        scope.UserId is { } user && (await store.MembershipAsync(scope.WorkspaceId, user, cancellationToken))?.Role == "owner" ? null
            : Problems.Of(StatusCodes.Status403Forbidden, "Forbidden", $"only the workspace's owner can {what}");

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteProviderKeyAsync(string id, WorkspaceScope scope, PanopticStore store, CancellationToken cancellationToken)
    {
        if (await OwnerOnlyAsync(scope, store, "remove provider keys", cancellationToken) is { } forbidden) return forbidden;
        return await store.DeleteProviderKeyAsync(scope.WorkspaceId, id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("provider key");
    }

    public static async Task<Results<Created<ProviderKeyView>, ProblemHttpResult>> CreateProviderKeyAsync(NewProviderKey body, WorkspaceScope scope, PanopticStore store,
        KeyVault vault, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await OwnerOnlyAsync(scope, store, "add provider keys", cancellationToken) is { } forbidden) return forbidden;
        var problems = new List<string>();
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) problems.Add("name: 1 to 100 characters");
        var provider = body.Provider?.Trim().ToLowerInvariant() ?? "";
        if (!ModelRouting.Kinds.Contains(provider)) problems.Add($"provider: one of {string.Join(", ", ModelRouting.Kinds)}");
        var apiKey = body.ApiKey?.Trim() ?? "";
        if (apiKey.Length is < 8 or > 1000 || apiKey.Any(char.IsWhiteSpace)) problems.Add("api_key: the provider's key, 8 to 1000 characters without spaces");
        var baseUrl = string.IsNullOrWhiteSpace(body.BaseUrl) ? ModelRouting.DefaultBaseUrl(provider) : body.BaseUrl.Trim();
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.UserInfo))
            problems.Add("base_url: an http(s) address without credentials (required for openai_compatible, e.g. https://api.groq.com/openai/v1)");
        var models = body.Models is { Length: > 0 } given ? given.Select(m => m?.Trim() ?? "").ToList() : [.. ModelRouting.DefaultModels(provider)];
        if (models.Count > 100 || models.Any(m => m.Length is 0 or > 200)) problems.Add("models: up to 100 names or prefix patterns (gpt-4o*), 1 to 200 characters each");
        if (body.TimeoutSeconds is < 1 or > 3600 || (body.TimeoutSeconds is { } seconds && double.IsNaN(seconds))) problems.Add("timeout_seconds: 1 to 3600 (leave it out for the server's default)");
        if (body.Weight is < 1 or > 1000) problems.Add("weight: 1 to 1000, this key's share of its pool's requests (1 when left out)");
        if (problems.Count > 0) return Problems.BadRequest(string.Join("; ", problems));

        var key = new ProviderKey(scope.WorkspaceId, Secrets.NewId("pk_"), name!, provider, baseUrl.TrimEnd('/'), models,
            await vault.EncryptAsync(scope.WorkspaceId, apiKey, cancellationToken), Hint(apiKey), time.GetUtcNow())
        {
            Timeout = body.TimeoutSeconds is { } timeout ? TimeSpan.FromSeconds(timeout) : null,
            Weight = body.Weight ?? 1,
        };
        if (!await store.CreateProviderKeyAsync(key, cancellationToken)) return Problems.Of(StatusCodes.Status409Conflict, "Conflict", $"a provider key named '{name}' exists in this workspace");
        return TypedResults.Created($"/api/v1/gateway/provider-keys/{key.Id}", View(key));
    }

    public static async Task<Results<Created<CreatedGatewayKey>, ProblemHttpResult>> CreateGatewayKeyAsync(NewGatewayKey body, WorkspaceScope scope, PanopticStore store,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) problems.Add("name: 1 to 100 characters");
        var allowed = body.AllowedModels?.Select(m => m?.Trim() ?? "").ToList();
        if (allowed is not null && (allowed.Count is 0 or > 100 || allowed.Any(m => m.Length is 0 or > 200)))
            problems.Add("allowed_models: 1 to 100 names or prefix patterns (gpt-4o*), or leave it out for every model");
        var now = time.GetUtcNow();
        if (body.ExpiresAt is { } expires && expires <= now) problems.Add("expires_at: a time in the future");
        if (body.Rpm is < 1 or > 1_000_000) problems.Add("rpm: requests per minute, 1 to 1000000");
        if (body.Tpm is < 1 or > 1_000_000_000) problems.Add("tpm: tokens per minute, 1 to 1000000000");
        if (body.BudgetUsd is <= 0 or > 1_000_000) problems.Add("budget_usd: a monthly budget in US dollars, above 0 and up to 1000000");
        if (problems.Count > 0) return Problems.BadRequest(string.Join("; ", problems));

        var token = Secrets.NewToken(GatewayProxy.KeyPrefix);
        var key = new GatewayKey(scope.WorkspaceId, Secrets.NewId("gk_"), name!, token[..(GatewayProxy.KeyPrefix.Length + 6)], Secrets.Hash(token), allowed,
            body.Rpm, body.Tpm, body.BudgetUsd is { } usd ? Storage.Ledger.Nanos.FromUsd(usd).Value : null, now, body.ExpiresAt?.ToUniversalTime(), null) { RefuseUnpriced = body.RefuseUnpriced };
        await store.CreateGatewayKeyAsync(key, cancellationToken);
        return TypedResults.Created($"/api/v1/gateway/keys/{key.Id}",
            new CreatedGatewayKey(key.Id, key.Name, token, key.Prefix, key.AllowedModels, key.Rpm, key.Tpm, body.BudgetUsd, key.CreatedAt, key.ExpiresAt, key.RefusesUnpriced));
    }

    public static async Task<Ok<List<GatewayKeyView>>> ListGatewayKeysAsync(WorkspaceScope scope, PanopticStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var period = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var views = new List<GatewayKeyView>();
        foreach (var k in await store.GatewayKeysAsync(scope.WorkspaceId, cancellationToken))
        {
            var (spent, _) = await store.GatewaySpendAsync(k.Id, period, cancellationToken);
            views.Add(new GatewayKeyView(k.Id, k.Name, k.Prefix, k.AllowedModels, k.Rpm, k.Tpm, k.BudgetNanos is { } budget ? Storage.Ledger.Nanos.ToUsd(budget) : null, Storage.Ledger.Nanos.ToUsd(spent), k.CreatedAt,
                k.ExpiresAt, k.RevokedAt, k.IsActiveAt(now), k.RefusesUnpriced));
        }
        return TypedResults.Ok(views);
    }

    public static async Task<Results<Ok<LogPage>, ProblemHttpResult>> LogsAsync(WorkspaceScope scope, PanopticStore store, TimeProvider time, DateTimeOffset? from, DateTimeOffset? to,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "key_id")] string? keyId, string? model, string? tenant, int? limit, string? before, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var query = new GatewayLogQuery(from ?? now.AddDays(-1), to ?? now.AddMinutes(1), keyId, model, tenant, limit ?? 100, before);
        if (query.Limit is < 1 or > 1000) return Problems.BadRequest("limit: 1 to 1000");
        if (query.To <= query.From) return Problems.BadRequest("to: after from");
        var rows = await store.GatewayLogsAsync(scope.WorkspaceId, query, cancellationToken);
        var views = rows.Select(r => new GatewayLogView(r.Id, r.At, r.KeyId, r.Endpoint, r.ModelRequested, r.ModelServed, r.Upstream, r.Status, r.Stream, r.LatencyMs, r.TtftMs,
            r.InputTokens, r.CachedTokens, r.OutputTokens, r.ReasoningTokens, r.CostNanos is { } cost ? Storage.Ledger.Nanos.ToUsd(cost) : null, r.RateCard, r.Estimated, r.TenantId, r.UserId, r.Feature, r.Error)).ToList();
        return TypedResults.Ok(new LogPage(views, views.Count == query.Limit ? views[^1].Id : null));
    }

    public sealed record UsageView(string Key, long Requests, long Errors, long InputTokens, long CachedTokens, long OutputTokens, decimal CostUsd, long UnpricedRequests);

    /// <summary>GET /api/v1/gateway/usage?group_by=key|model|tenant|day&amp;from&amp;to (default: this month so far).</summary>
    public static async Task<Results<Ok<List<UsageView>>, ProblemHttpResult>> UsageAsync(WorkspaceScope scope, PanopticStore store, TimeProvider time, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "group_by")] string? groupBy,
        DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        groupBy ??= "model";
        if (groupBy is not ("key" or "model" or "tenant" or "day")) return Problems.BadRequest("group_by: key, model, tenant or day");
        var start = from ?? new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var end = to ?? now.AddMinutes(1);
        if (end <= start) return Problems.BadRequest("to: after from");
        var rows = await store.GatewayUsageAsync(scope.WorkspaceId, start, end, groupBy, cancellationToken);
        return TypedResults.Ok(rows.Select(r => new UsageView(r.Key, r.Requests, r.Errors, r.InputTokens, r.CachedTokens, r.OutputTokens, Storage.Ledger.Nanos.ToUsd(r.CostNanos), r.Unpriced)).ToList());
    }

    private static ProviderKeyView View(ProviderKey k) => new(k.Id, k.Name, k.Provider, k.BaseUrl, k.Models, k.Hint, k.Timeout?.TotalSeconds, k.CreatedAt, k.Weight);

    /// <summary>PUT /api/v1/gateway/provider-keys/{id}/secret: the provider rotated its key; requests use the new one at once, on every server.</summary>
    public static async Task<Results<Ok<ProviderKeyView>, ProblemHttpResult>> RotateProviderKeyAsync(string id, RotatedSecret body, WorkspaceScope scope, PanopticStore store, KeyVault vault,
        CancellationToken cancellationToken)
    {
        if (await OwnerOnlyAsync(scope, store, "rotate provider keys", cancellationToken) is { } forbidden) return forbidden;
        var apiKey = body.ApiKey?.Trim() ?? "";
        if (apiKey.Length is < 8 or > 1000 || apiKey.Any(char.IsWhiteSpace)) return Problems.BadRequest("api_key: the provider's key, 8 to 1000 characters without spaces");
        if (!await store.RotateProviderKeyAsync(scope.WorkspaceId, id, await vault.EncryptAsync(scope.WorkspaceId, apiKey, cancellationToken), Hint(apiKey), cancellationToken))
            return Problems.NotFound("provider key");
        return TypedResults.Ok(View((await store.ProviderKeysAsync(scope.WorkspaceId, cancellationToken)).Single(k => k.Id == id)));
    }

    /// <summary>What identifies a key to its owner without revealing it: the first three and last four characters.</summary>
    private static string Hint(string key) => key.Length >= 16 ? $"{key[..3]}…{key[^4..]}" : "…" + key[^2..];
}

/// <summary>The OpenAI-compatible endpoints.</summary>
internal static class GatewayEndpoints
{
    public static void MapGateway(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Gateway");
        group.MapPost("/chat/completions", (HttpContext http, GatewayProxy proxy) => Guarded(http, proxy.ChatAsync));
        group.MapPost("/embeddings", (HttpContext http, GatewayProxy proxy) => Guarded(http, proxy.EmbeddingsAsync));
        group.MapGet("/models", (HttpContext http, GatewayProxy proxy) => Guarded(http, proxy.ModelsAsync));
        group.MapPost("/messages", (HttpContext http, GatewayProxy proxy) => Guarded(http, proxy.MessagesAsync));
    }

    /// <summary>A store that cannot answer is a 503 with Retry-After in the client's own error shape (not the server's problem+json 500), and the gateway stays up.</summary>
    private static async Task Guarded(HttpContext http, Func<HttpContext, Task> handler)
    {
        try
        {
            await handler(http);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException && !http.Response.HasStarted)
        {
            await OpenAiError.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, "Panoptic's store is unavailable; retry after the delay.", "service_unavailable", null, null,
                TimeSpan.FromSeconds(5));
        }
    }
}
