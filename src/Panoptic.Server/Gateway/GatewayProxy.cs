using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Panoptic.Sdk.Http;
using Panoptic.Server.Accounts;
using Panoptic.Server.Costs;
using Panoptic.Storage;
using Panoptic.Storage.Gateway;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Gateway;

/// <summary>
/// The OpenAI-compatible front door: authenticates the gateway key, checks the model against the key, routes it to a
/// provider key, forwards the request (unknown fields untouched; streams ask the upstream for usage), relays the
/// answer — a stream chunk by chunk as it arrives — and logs and prices every request into the cost ledger.
/// </summary>
internal sealed partial class GatewayProxy(PanopticStore store, KeyVault vault, WorkspaceRates rates, GatewayLogWriter logs, IHttpClientFactory clients,
    CircuitBreakers breakers, KeyBalancer balancer, BodyLogging bodyLogging, TimeProvider time, IOptions<ServerOptions> options)
{
    public const string ClientName = "gateway-upstream";
    public const string KeyPrefix = "pan_gk_";
    public const string TenantHeader = "X-Panoptic-Tenant", UserHeader = "X-Panoptic-User", FeatureHeader = "X-Panoptic-Feature";

    public Task ChatAsync(HttpContext http) => ForwardAsync(http, "chat/completions", streams: true);

    /// <summary>POST /v1/messages: Anthropic's Messages API passed through to an Anthropic provider key, so Anthropic clients can use the gateway.</summary>
    public Task MessagesAsync(HttpContext http) => ForwardAsync(http, "messages", streams: true);

    public Task EmbeddingsAsync(HttpContext http) => ForwardAsync(http, "embeddings", streams: false);

    /// <summary>
    /// GET /v1/models: what this key can call — each provider key's exact names, its patterns resolved against the rate
    /// card of the provider whose prices apply, and the aliases with a target the key may use that a provider key serves.
    /// </summary>
    public async Task ModelsAsync(HttpContext http)
    {
        if (await AuthenticateAsync(http) is not { } key) return;
        var providers = await store.ProviderKeysAsync(key.WorkspaceId, http.RequestAborted);
        var card = await rates.ForAsync(key.WorkspaceId, http.RequestAborted);
        var names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in providers)
        {
            foreach (var pattern in provider.Models)
            {
                if (!pattern.EndsWith('*')) names.Add(pattern);
                else foreach (var known in card.ModelNames(PricingProvider(provider))) if (ModelRouting.Matches(pattern, known)) names.Add(known);
            }
        }
        names.RemoveWhere(n => !ModelRouting.Allows(key.AllowedModels, n));
        foreach (var (alias, models) in await store.GatewayRoutesAsync(key.WorkspaceId, http.RequestAborted))
            if (models.Any(m => ModelRouting.Allows(key.AllowedModels, m) && ModelRouting.Route(providers, m) is not null)) names.Add(alias);
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        await http.Response.WriteAsJsonAsync(new
        {
            @object = "list",
            data = names.Select(n => new { id = n, @object = "model", created, owned_by = "panoptic" }),
        }, http.RequestAborted);
    }

    /// <summary>What pricing a request needs: the workspace's card and the provider whose prices apply.</summary>
    private sealed record Pricing(Sdk.Pricing.RateCard Card, string Provider);

    private async Task ForwardAsync(HttpContext http, string path, bool streams)
    {
        var started = Stopwatch.GetTimestamp();
        var at = time.GetUtcNow();
        if (await AuthenticateAsync(http) is not { } key) return;
        var log = new GatewayLog
        {
            WorkspaceId = key.WorkspaceId, Id = Guid.CreateVersion7(at).ToString("N"), At = at, KeyId = key.Id, Endpoint = "/v1/" + path,
            TenantId = Header(http, TenantHeader), UserId = Header(http, UserHeader), Feature = Header(http, FeatureHeader),
        };
        http.Response.Headers[RequestIdHeader] = Header(http, RequestIdHeader) is { Length: > 0 } requestId ? requestId : log.Id;

        var (request, problem, problemStatus) = await ReadJsonAsync(http);
        if (request is null)
        {
            await FailAsync(http, log, started, problemStatus, problem!, "invalid_request_error", null, problemStatus == 413 ? "request_too_large" : null);
            return;
        }
        var model = request["model"] is JsonValue m && m.TryGetValue<string>(out var name) ? name.Trim() : null;
        if (log.UserId.Length == 0 && request["user"] is JsonValue u && u.TryGetValue<string>(out var user)) log = log with { UserId = Truncate(user, 256) };
        if (string.IsNullOrEmpty(model))
        {
            await FailAsync(http, log, started, 400, "you must provide a model parameter", "invalid_request_error", "model");
            return;
        }
        log = log with { ModelRequested = Truncate(model, 200) };
        // An alias is allowed through the models it routes to, never its own name: only those the key may use are tried.
        var candidates = (await store.GatewayRouteAsync(key.WorkspaceId, model, http.RequestAborted) ?? [model]).Where(c => ModelRouting.Allows(key.AllowedModels, c)).ToList();
        if (candidates.Count == 0)
        {
            await FailAsync(http, log, started, 403, $"this gateway key may not use the model '{log.ModelRequested}'", "permission_error", "model", "model_not_allowed");
            return;
        }
        var stream = streams && request["stream"] is JsonValue s && s.TryGetValue<bool>(out var isStream) && isStream;
        var (targets, routeProblem) = await TargetsAsync(key.WorkspaceId, candidates, request, path, stream, http.RequestAborted);
        if (targets.Count == 0)
        {
            if (routeProblem is not null) await FailAsync(http, log, started, 400, routeProblem, "invalid_request_error", "model");
            else await FailAsync(http, log, started, 404, $"the model '{log.ModelRequested}' does not exist or no provider key serves it", "invalid_request_error", "model", "model_not_found");
            return;
        }
        // A model without a price costs nothing a budget can see: a key that refuses them tries only priced targets.
        if (key.RefusesUnpriced) targets.RemoveAll(t => !t.Pricing.Card.Knows(t.Pricing.Provider, t.Model));
        if (targets.Count == 0)
        {
            await FailAsync(http, log, started, 403, $"the model '{log.ModelRequested}' has no price on this workspace's rate card, and this gateway key refuses unpriced models "
                + "(a budget cannot see what they cost): give the model a price with PUT /api/v1/rate-card, or create the key with \"refuse_unpriced\": false",
                "permission_error", "model", "model_not_priced");
            return;
        }
        log = log with { Upstream = targets[0].Provider.Name, Stream = stream };
        var now = time.GetUtcNow();
        var minute = now.ToUnixTimeMilliseconds() / 60_000;
        var bodyBytes = http.Request.ContentLength ?? request.ToJsonString().Length;
        // Reserved against tpm before the request is sent, as the budget is, and settled to what it used after.
        var reservedTokens = key.Tpm is null ? 0 : InputEstimate(bodyBytes) + (streams ? MaxOutputTokens(request) ?? 0 : 0);
        if ((key.Rpm is not null || key.Tpm is not null) && !await TakeSlotAsync(http, key, log, started, minute, reservedTokens, now)) return;
        var reservation = 0L;
        var period = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        if (key.BudgetNanos is not null)
        {
            if (await ReserveBudgetAsync(http, key, log, started, targets, request, bodyBytes, streams, period, now) is not { } reserved)
            {
                if (reservedTokens > 0) await store.AddGatewayTokensAsync(key.Id, minute, -reservedTokens, CancellationToken.None);
                return;
            }
            reservation = reserved;
        }
        var (logBodies, redactions) = await bodyLogging.ForAsync(key.WorkspaceId, http.RequestAborted);
        var capture = logBodies ? new BodyCapture(request.ToJsonString()) : null;
        if (capture is not null) http.Items[typeof(BodyCapture)] = capture;
        if (logBodies) log = RequestFingerprint.With(log, request);
        GatewayLog? outcome = null;
        try
        {
            outcome = await SendAsync(http, log, started, targets, stream);
        }
        finally
        {
            if (capture is not null && outcome is not null)
                logs.EnqueueBodies(outcome.WorkspaceId, outcome.Id, new GatewayBodies(BodyLogging.Redact(capture.Request, redactions), BodyLogging.Redact(capture.Response, redactions)));
            // Settled even when the request failed: the reservation becomes what was actually spent (often nothing).
            if (key.BudgetNanos is not null) await store.SettleGatewaySpendAsync(key.Id, period, reservation, outcome?.CostNanos ?? 0, CancellationToken.None);
            var usedTokens = outcome is { } done ? done.InputTokens + done.OutputTokens : 0;
            if (key.Tpm is not null && usedTokens != reservedTokens) await store.AddGatewayTokensAsync(key.Id, minute, usedTokens - reservedTokens, CancellationToken.None);
        }
    }

    private async Task<GatewayLog> FailAsync(HttpContext http, GatewayLog log, long started, int status, string message, string type, string? param, string? code = null,
        TimeSpan? retryAfter = null)
    {
        await OpenAiError.WriteAsync(http, status, message, type, code, param, retryAfter);
        return Record(Ended(log, status, message), started, null, null);
    }

    /// <summary>How a request ended: its status, and its error after what was tried before (a fallback's "fell back after: ..." is kept).</summary>
    private static GatewayLog Ended(GatewayLog log, int status, string? error) =>
        log with { Status = status, Error = log.Error is null ? error : error is null ? log.Error : $"{log.Error}; then {error}" };

    /// <summary>Logs the request and, when it reached a model, puts its cost into the ledger — both through the background writer.</summary>
    private GatewayLog Record(GatewayLog log, long started, UsageReader? reader, bool? estimated, Pricing? pricing = null)
    {
        var usage = reader?.Usage;
        if (usage is null && reader is { TextChunks: > 0 }) usage = new Sdk.Pricing.Usage { OutputTokens = reader.TextChunks };
        log = log with { LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds, Estimated = estimated ?? false };
        LedgerEvent? cost = null;
        if (usage is not null && pricing is not null)
        {
            var (card, provider) = pricing;
            var price = PriceOf(pricing, log, usage);
            var nanos = price is { } usd ? Storage.Ledger.Nanos.FromUsd(usd).Value : (long?)null;
            log = log with
            {
                InputTokens = usage.InputTokens, CachedTokens = usage.CachedInputTokens, OutputTokens = usage.OutputTokens, ReasoningTokens = usage.ReasoningTokens,
                CostNanos = nanos, RateCard = price is null ? null : card.Version,
            };
            cost = new LedgerEvent
            {
                Id = "gw-" + log.Id, Timestamp = log.At, Provider = provider, Service = "gateway", Model = log.ModelServed, Operation = log.Endpoint,
                TenantId = log.TenantId, UserId = log.UserId, Feature = log.Feature, InputTokens = usage.InputTokens, OutputTokens = usage.OutputTokens,
                CachedInputTokens = usage.CachedInputTokens, ReasoningTokens = usage.ReasoningTokens, Requests = 1, CostNanos = nanos,
                CostSource = nanos is null ? CostSource.Unpriced : CostSource.RateCard, RateCard = log.RateCard, TotalMs = log.LatencyMs,
                Status = log.Status < 400 ? "ok" : "error", Error = log.Error,
                Attributes = JsonSerializer.Serialize(new Dictionary<string, object?> { ["gateway_key"] = log.KeyId, ["upstream"] = log.Upstream, ["estimated"] = log.Estimated }),
            };
        }
        logs.Enqueue(log, cost);
        return log;
    }

    /// <summary>The gateway key in the Authorization header (or api-key, as Azure clients send it); answers 401 in OpenAI's shape when missing, unknown, revoked or expired.</summary>
    private async Task<GatewayKey?> AuthenticateAsync(HttpContext http)
    {
        // Bearer (OpenAI clients), api-key (Azure OpenAI clients) or x-api-key (Anthropic clients).
        var token = PanopticAuthentication.BearerToken(http.Request) ?? http.Request.Headers["x-api-key"].FirstOrDefault() ?? http.Request.Headers["api-key"].ToString();
        GatewayKey? key = null;
        if (token.StartsWith(KeyPrefix, StringComparison.Ordinal)) key = await store.FindGatewayKeyAsync(Secrets.Hash(token), http.RequestAborted);
        if (key is not null && key.IsActiveAt(time.GetUtcNow())) return key;
        var message = token.Length == 0 ? "You didn't provide an API key: send your Panoptic gateway key as 'Authorization: Bearer pan_gk_...'."
            : key is null ? "Incorrect API key provided: not a Panoptic gateway key of this server."
            : key.RevokedAt is not null ? "This gateway key was revoked." : "This gateway key has expired.";
        await OpenAiError.WriteAsync(http, 401, message, "invalid_request_error", "invalid_api_key");
        return null;
    }

    private async Task<(JsonObject? Body, string? Problem, int Status)> ReadJsonAsync(HttpContext http)
    {
        var limit = options.Value.GatewayMaxBodyBytes;
        if (http.Request.ContentLength > limit) return (null, $"the request body is larger than {limit} bytes", 413);
        byte[] bytes;
        try
        {
            bytes = await ReadBoundedAsync(http.Request.Body, limit, http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return (null, $"the request body is larger than {limit} bytes", 413);
        }
        // Forwarded as it stands, such text would fail (a 500) or reach the provider garbled.
        if (Utf8Bytes.JsonTextProblem(bytes) is { } unreadable) return (null, $"the request body cannot be read: {unreadable}", 400);
        try
        {
            return JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) is JsonObject body ? (body, null, 200) : (null, "the request body must be a JSON object", 400);
        }
        catch (JsonException e)
        {
            return (null, $"the request body is not valid JSON: {e.Message}", 400);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        return await ReadBoundedAsync(stream, limit, cancellationToken);
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit) throw new InvalidDataException($"more than {limit} bytes");
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    private static void Captured(HttpContext http, ReadOnlySpan<byte> bytes)
    {
        if (http.Items[typeof(BodyCapture)] is BodyCapture capture) capture.Add(bytes);
    }

    /// <summary>Whose prices apply: the provider key's provider, or for an OpenAI-compatible base URL the provider its host belongs to (Groq, Mistral, ...).</summary>
    private static string PricingProvider(ProviderKey provider) =>
        provider.Provider != "openai_compatible" ? provider.Provider
        : Uri.TryCreate(provider.BaseUrl, UriKind.Absolute, out var uri) && new ProviderHosts().Match(uri) is { } match ? match.Provider : "openai";

    private static string Header(HttpContext http, string name) => Truncate(http.Request.Headers[name].ToString().Trim(), 256);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
