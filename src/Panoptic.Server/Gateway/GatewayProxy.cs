using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
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
internal sealed class GatewayProxy(PanopticStore store, KeyVault vault, WorkspaceRates rates, GatewayLogWriter logs, IHttpClientFactory clients,
    CircuitBreakers breakers, BodyLogging bodyLogging, TimeProvider time, IOptions<ServerOptions> options)
{
    public const string ClientName = "gateway-upstream";
    public const string KeyPrefix = "pan_gk_";
    public const string TenantHeader = "X-Panoptic-Tenant", UserHeader = "X-Panoptic-User", FeatureHeader = "X-Panoptic-Feature";

    public Task ChatAsync(HttpContext http) => ForwardAsync(http, "chat/completions", streams: true);

    /// <summary>POST /v1/messages: Anthropic's Messages API passed through to an Anthropic provider key, so Anthropic clients can use the gateway.</summary>
    public Task MessagesAsync(HttpContext http) => ForwardAsync(http, "messages", streams: true);

    public Task EmbeddingsAsync(HttpContext http) => ForwardAsync(http, "embeddings", streams: false);

    /// <summary>GET /v1/models: the models this key may use, from the workspace's provider keys (exact names, and the rate card's names under a pattern).</summary>
    public async Task ModelsAsync(HttpContext http)
    {
        if (await AuthenticateAsync(http) is not { } key) return;
        var names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in await store.ProviderKeysAsync(key.WorkspaceId, http.RequestAborted))
        {
            foreach (var pattern in provider.Models)
            {
                if (!pattern.EndsWith('*')) names.Add(pattern);
                else foreach (var known in Sdk.Pricing.RateCard.Embedded.ModelNames(provider.Provider)) if (ModelRouting.Matches(pattern, known)) names.Add(known);
            }
        }
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        await http.Response.WriteAsJsonAsync(new
        {
            @object = "list",
            data = names.Where(n => ModelRouting.Allows(key.AllowedModels, n)).Select(n => new { id = n, @object = "model", created, owned_by = "panoptic" }),
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
        if (!ModelRouting.Allows(key.AllowedModels, model))
        {
            await FailAsync(http, log, started, 403, $"this gateway key may not use the model '{log.ModelRequested}'", "permission_error", "model", "model_not_allowed");
            return;
        }
        var stream = streams && request["stream"] is JsonValue s && s.TryGetValue<bool>(out var isStream) && isStream;
        var (targets, routeProblem) = await TargetsAsync(key.WorkspaceId, model, request, path, stream, http.RequestAborted);
        if (targets.Count == 0)
        {
            if (routeProblem is not null) await FailAsync(http, log, started, 400, routeProblem, "invalid_request_error", "model");
            else await FailAsync(http, log, started, 404, $"the model '{log.ModelRequested}' does not exist or no provider key serves it", "invalid_request_error", "model", "model_not_found");
            return;
        }
        log = log with { Upstream = targets[0].Provider.Name, Stream = stream };
        var now = time.GetUtcNow();
        var minute = now.ToUnixTimeMilliseconds() / 60_000;
        if ((key.Rpm is not null || key.Tpm is not null)
            && !await store.TakeGatewayRequestAsync(key.Id, minute, key.Rpm ?? long.MaxValue, key.Tpm ?? long.MaxValue, http.RequestAborted))
        {
            await FailAsync(http, log, started, 429, $"Rate limit reached for this gateway key: {key.Rpm?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"} requests and "
                + $"{key.Tpm?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"} tokens per minute.", "requests", null, "rate_limit_exceeded",
                TimeSpan.FromMilliseconds(60_000 - now.ToUnixTimeMilliseconds() % 60_000));
            return;
        }
        var reservation = 0L;
        var period = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        if (key.BudgetNanos is { } budget)
        {
            var bodyBytes = http.Request.ContentLength ?? request.ToJsonString().Length;
            reservation = targets.Max(t => Estimate(t.Pricing, t.Model, request, bodyBytes, streams, now));
            if (!await store.ReserveGatewaySpendAsync(key.Id, period, reservation, budget, http.RequestAborted))
            {
                await FailAsync(http, log, started, 429, "This gateway key's monthly budget is used up (or this request could exceed it).", "insufficient_quota", null, "insufficient_quota");
                return;
            }
        }
        var (logBodies, redactions) = await bodyLogging.ForAsync(key.WorkspaceId, http.RequestAborted);
        var capture = logBodies ? new BodyCapture(request.ToJsonString()) : null;
        if (capture is not null) http.Items[typeof(BodyCapture)] = capture;
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
            if (key.Tpm is not null && outcome is { } done && done.InputTokens + done.OutputTokens > 0)
                await store.AddGatewayTokensAsync(key.Id, minute, done.InputTokens + done.OutputTokens, CancellationToken.None);
        }
    }

    /// <summary>
    /// The most a request can cost, reserved against the budget before it is sent: input tokens at one per three bytes of
    /// the body (more than any tokenizer produces for text), output at max_completion_tokens / max_tokens, or 4,096.
    /// An unpriced model reserves nothing (its cost is unknown, and it is logged unpriced).
    /// </summary>
    private static long Estimate(Pricing pricing, string model, JsonObject request, long bodyBytes, bool generates, DateTimeOffset at)
    {
        static long? Number(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<long>(out var n) && n > 0 ? n : null;
        var output = generates ? Number(request, "max_completion_tokens") ?? Number(request, "max_tokens") ?? 4096 : 0;
        var usage = new Sdk.Pricing.Usage { InputTokens = (bodyBytes + 2) / 3, OutputTokens = output };
        return pricing.Card.Price(pricing.Provider, model, usage, at) is { } usd ? (long)decimal.Ceiling(usd * 1_000_000_000m) : 0;
    }

    /// <summary>A chat completion being served by Anthropic: when it was created, and whether the client asked for a usage chunk.</summary>
    private sealed record AnthropicChat(long Created, bool IncludeUsage);

    /// <summary>
    /// One way to serve the request: a provider key, the model to ask it for, the body as that provider takes it, the
    /// path, the adapter when Anthropic serves a chat completion, and whose prices apply.
    /// </summary>
    private sealed record Target(ProviderKey Provider, string Model, byte[] Body, string Path, AnthropicChat? Adapter, Pricing Pricing);

    /// <summary>
    /// The targets for a model, in order: an alias (PUT /api/v1/gateway/routes) names several models, each served by the
    /// first provider key whose pattern matches; a plain model name is its own single target. A target the endpoint
    /// cannot use (a Claude model on /v1/embeddings) is left out and explained if nothing else is left.
    /// </summary>
    private async Task<(List<Target> Targets, string? Problem)> TargetsAsync(string workspaceId, string model, JsonObject request, string path, bool stream,
        CancellationToken cancellationToken)
    {
        var providers = await store.ProviderKeysAsync(workspaceId, cancellationToken);
        var routes = await store.GatewayRouteAsync(workspaceId, model, cancellationToken);
        var card = await rates.ForAsync(workspaceId, cancellationToken);
        var targets = new List<Target>();
        string? problem = null;
        foreach (var candidate in routes ?? [model])
        {
            if (ModelRouting.Route(providers, candidate) is not { } provider) continue;
            var anthropicApi = path == "messages";
            var viaAdapter = path == "chat/completions" && provider.Provider == "anthropic";
            if (anthropicApi != (provider.Provider == "anthropic") && !viaAdapter)
            {
                problem ??= anthropicApi
                    ? $"the model '{candidate}' is not served by an Anthropic provider key; call /v1/chat/completions for it"
                    : $"the model '{candidate}' is served by an Anthropic provider key, and Anthropic has no {path} endpoint";
                continue;
            }
            var body = (JsonObject)request.DeepClone();
            body["model"] = candidate;
            AnthropicChat? adapter = null;
            if (viaAdapter)
            {
                // Chat completions for a Claude model go through the adapter to the Messages API.
                var includeUsage = body["stream_options"]?["include_usage"] is JsonValue iu && iu.TryGetValue<bool>(out var wants) && wants;
                try
                {
                    body = AnthropicAdapter.ToMessages(body);
                }
                catch (Exception e) when (e is FormatException or InvalidOperationException or JsonException)
                {
                    problem ??= "this request cannot be sent to Anthropic: " + e.Message;
                    continue;
                }
                adapter = new AnthropicChat(time.GetUtcNow().ToUnixTimeSeconds(), includeUsage);
            }
            else if (stream && !anthropicApi)
            {
                // Usage is always asked for, so a stream is priced exactly (clients that did not ask see one more chunk, as from OpenAI with the option set).
                var streamOptions = body["stream_options"] as JsonObject ?? new JsonObject();
                streamOptions["include_usage"] = true;
                body["stream_options"] = streamOptions;
            }
            targets.Add(new Target(provider, candidate, Encoding.UTF8.GetBytes(body.ToJsonString()), adapter is null ? path : "messages", adapter,
                new Pricing(card, PricingProvider(provider))));
        }
        return (targets, problem);
    }

    /// <summary>
    /// Tries the targets in order. A target whose circuit is open is skipped (unless it is the only way left); a
    /// connection error or a 5xx is retried on the same target with backoff and jitter (GatewayRetries times); a 429, a
    /// 5xx after its retries, a timeout or an unreachable upstream moves on to the next target. The last target's
    /// answer, whatever it is, goes to the client. Nothing is sent to the client before a target has answered, so a
    /// stream that falls back is still one clean stream.
    /// </summary>
    private async Task<GatewayLog> SendAsync(HttpContext http, GatewayLog log, long started, List<Target> targets, bool stream)
    {
        var open = targets.Where(t => breakers.IsOpen(t.Provider.Id)).ToHashSet();
        var order = targets.Where(t => !open.Contains(t)).Concat(targets.Where(open.Contains)).ToList();
        var tried = new List<string>();
        for (var i = 0; i < order.Count; i++)
        {
            var target = order[i];
            var last = i == order.Count - 1;
            var attemptLog = log with { Upstream = target.Provider.Name, Error = tried.Count == 0 ? null : "fell back after: " + string.Join("; ", tried) };
            string secret;
            try
            {
                secret = await vault.DecryptAsync(target.Provider.WorkspaceId, target.Provider.Secret, http.RequestAborted);
            }
            catch (CryptographicException)
            {
                if (!last)
                {
                    tried.Add($"{target.Provider.Name}: its key cannot be decrypted");
                    continue;
                }
                return await FailAsync(http, attemptLog, started, 500, $"the provider key '{target.Provider.Name}' cannot be decrypted with the configured master key", "server_error", null);
            }
            for (var attempt = 0; ; attempt++)
            {
                var result = await AttemptAsync(http, attemptLog, started, target, secret, stream, last, canRetry: attempt < options.Value.GatewayRetries);
                if (result.Log is { } done)
                {
                    if (done.Status is < 500 and not 429) breakers.Succeeded(target.Provider.Id);
                    else breakers.Failed(target.Provider.Id, time.GetUtcNow());
                    return done;
                }
                breakers.Failed(target.Provider.Id, time.GetUtcNow());
                if (!result.Retryable || attempt >= options.Value.GatewayRetries)
                {
                    tried.Add($"{target.Provider.Name}: {result.Failure}");
                    break;
                }
                var backoff = TimeSpan.FromMilliseconds(options.Value.GatewayRetryDelay.TotalMilliseconds * Math.Pow(2, attempt) * (0.8 + Random.Shared.NextDouble() * 0.4));
                await Task.Delay(backoff, http.RequestAborted);
            }
        }
        // Every target failed in a way that was not relayed (only possible when the last one was skipped above).
        return await FailAsync(http, log, started, 502, "no upstream could serve the request: " + string.Join("; ", tried), "upstream_error", null);
    }

    /// <summary>One try of one target: a relayed answer (Log set), or a failure that may move on (Retryable: worth retrying the same target).</summary>
    private readonly record struct Attempt(GatewayLog? Log, bool Retryable, string? Failure);

    /// <remarks>
    /// A failure is relayed to the client only by the last target, and only when it will not be retried: 429s and
    /// timeouts are never retried on the same target (the next target may serve), 5xx and connection errors are while
    /// <paramref name="canRetry"/>.
    /// </remarks>
    private async Task<Attempt> AttemptAsync(HttpContext http, GatewayLog log, long started, Target target, string secret, bool stream, bool last, bool canRetry)
    {
        var provider = target.Provider;
        using var upstreamRequest = new HttpRequestMessage(HttpMethod.Post, provider.BaseUrl.TrimEnd('/') + "/" + target.Path) { Content = new ByteArrayContent(target.Body) };
        upstreamRequest.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (provider.Provider == "anthropic")
        {
            upstreamRequest.Headers.Add("x-api-key", secret);
            upstreamRequest.Headers.Add("anthropic-version", http.Request.Headers["anthropic-version"].FirstOrDefault() ?? "2023-06-01");
            if (http.Request.Headers["anthropic-beta"].FirstOrDefault() is { Length: > 0 } beta) upstreamRequest.Headers.TryAddWithoutValidation("anthropic-beta", beta);
        }
        else
        {
            upstreamRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var limit = provider.Timeout ?? options.Value.GatewayUpstreamTimeout;
        timeout.CancelAfter(limit);
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(upstreamRequest, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
        {
            var message = $"the upstream '{provider.Name}' did not answer within {limit.TotalSeconds:0.#} s";
            return last ? new(await FailAsync(http, log, started, 504, message, "timeout_error", null), false, null) : new(null, false, "timed out");
        }
        catch (HttpRequestException e)
        {
            var message = $"the upstream '{provider.Name}' is unreachable ({e.HttpRequestError})";
            return last && !canRetry ? new(await FailAsync(http, log, started, 502, message, "upstream_error", null), false, null) : new(null, true, "unreachable");
        }
        catch (OperationCanceledException)
        {
            return new(Record(log with { Status = 499, Error = "the client went away before the upstream answered" }, started, null, null), false, null);
        }
        // From here the timeout is an idle timeout: each read of the answer gets the full period again.
        timeout.CancelAfter(Timeout.InfiniteTimeSpan);
        using (response)
        {
            var status = (int)response.StatusCode;
            if (status == 429 && !last) return new(null, false, "answered 429");
            if (status >= 500 && !(last && !canRetry)) return new(null, true, $"answered {status}");
            if (status < 400 && stream && response.Content.Headers.ContentType?.MediaType == "text/event-stream")
                return new(await RelayStreamAsync(http, log, started, response, target.Pricing, timeout, target.Adapter, limit), false, null);
            timeout.CancelAfter(limit);
            return new(status >= 400 ? await RelayErrorAsync(http, log, started, response, target.Adapter is not null, timeout.Token)
                : await RelayBodyAsync(http, log, started, response, target.Pricing, target.Adapter, timeout.Token), false, null);
        }
    }

    private async Task<GatewayLog> RelayBodyAsync(HttpContext http, GatewayLog log, long started, HttpResponseMessage response, Pricing pricing, AnthropicChat? adapter,
        CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = await ReadBoundedAsync(response.Content, 64 << 20, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException or InvalidDataException)
        {
            var timedOut = !http.RequestAborted.IsCancellationRequested;
            return timedOut ? await FailAsync(http, log, started, 504, "the upstream stopped sending its answer", "timeout_error", null)
                : Record(log with { Status = 499, Error = "the client went away" }, started, null, null);
        }
        var reader = new UsageReader(stream: false, validate: true);
        reader.Append(body);
        reader.Complete();
        if (reader.BrokenChunks > 0)
        {
            return await FailAsync(http, log, started, 502, "the upstream answered with invalid JSON", "upstream_error", null);
        }
        if (adapter is not null)
        {
            try
            {
                body = AnthropicAdapter.ToChatCompletion(body, adapter.Created);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return await FailAsync(http, log, started, 502, "the upstream's answer is not an Anthropic message", "upstream_error", null);
            }
        }
        http.Response.StatusCode = (int)response.StatusCode;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
        Captured(http, body);
        return Record(log with { Status = (int)response.StatusCode, ModelServed = reader.Model ?? log.ModelRequested }, started, reader, null, pricing);
    }

    private async Task<GatewayLog> RelayStreamAsync(HttpContext http, GatewayLog log, long started, HttpResponseMessage response, Pricing pricing, CancellationTokenSource idle,
        AnthropicChat? adapter, TimeSpan idleLimit)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        var reader = new UsageReader(stream: true, validate: true);
        var translator = adapter is null ? null : new AnthropicAdapter.StreamTranslator(adapter.Created, adapter.IncludeUsage);
        double? ttft = null;
        string? error = null;
        var status = 200;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            await using var upstream = await response.Content.ReadAsStreamAsync(idle.Token);
            int read;
            while (true)
            {
                idle.CancelAfter(idleLimit);
                if ((read = await upstream.ReadAsync(buffer, idle.Token)) == 0) break;
                ttft ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var good = Check(reader, buffer.AsSpan(0, read));
                var relayed = translator is null ? buffer.AsMemory(0, good) : translator.Translate(buffer.AsSpan(0, good));
                await http.Response.Body.WriteAsync(relayed, http.RequestAborted);
                Captured(http, relayed.Span);
                await http.Response.Body.FlushAsync(http.RequestAborted);
                if (good < read)
                {
                    // The stream cannot change its status now: say so in the stream, OpenAI-style, and stop.
                    error = "the upstream sent invalid JSON mid-stream";
                    status = 502;
                    await http.Response.WriteAsync(OpenAiError.StreamEvent(http, status, error, "upstream_error"), http.RequestAborted);
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            if (http.RequestAborted.IsCancellationRequested)
            {
                (status, error) = (499, "the client aborted the stream");
            }
            else
            {
                (status, error) = (504, "the upstream stopped sending mid-stream");
                try
                {
                    await http.Response.WriteAsync(OpenAiError.StreamEvent(http, status, error, "timeout_error"), http.RequestAborted);
                }
                catch (Exception write) when (write is OperationCanceledException or IOException)
                {
                    // the client is gone too
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        reader.Complete();
        return Record(log with { Status = status, Error = error, ModelServed = reader.Model ?? log.ModelRequested, TtftMs = ttft }, started, reader, estimated: !reader.SawEnd || reader.Usage is null, pricing);
    }

    /// <summary>
    /// Shows the reader the bytes line by line and returns how many can go to the client: all of them, or those before
    /// the first line that is not JSON. (A broken line that began in an earlier read has its start with the client
    /// already: lines are passed on as they arrive, not held until complete.)
    /// </summary>
    private static int Check(UsageReader reader, ReadOnlySpan<byte> bytes)
    {
        var done = 0;
        while (done < bytes.Length)
        {
            var newline = bytes[done..].IndexOf((byte)'\n');
            var end = newline < 0 ? bytes.Length : done + newline + 1;
            var broken = reader.BrokenChunks;
            reader.Append(bytes[done..end]);
            if (reader.BrokenChunks > broken) return done;
            done = end;
        }
        return done;
    }

    private async Task<GatewayLog> RelayErrorAsync(HttpContext http, GatewayLog log, long started, HttpResponseMessage response, bool translate, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        byte[] body = [];
        try
        {
            body = await ReadBoundedAsync(response.Content, 1 << 20, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException or InvalidDataException)
        {
            // an error without a readable body: answered below in OpenAI's shape
        }
        var message = $"the upstream '{log.Upstream}' answered {status}";
        var openAiShaped = false;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                openAiShaped = error.ValueKind == JsonValueKind.Object;
                if (openAiShaped && error.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String) message = text.GetString()!;
            }
        }
        catch (JsonException)
        {
        }
        if (response.Headers.RetryAfter is { } retryAfter) http.Response.Headers.RetryAfter = retryAfter.ToString();
        // An error in the client's own dialect passes through; Anthropic's errors for a chat completion are re-told in OpenAI's.
        if (openAiShaped && !translate)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            await http.Response.Body.WriteAsync(body, http.RequestAborted);
            Captured(http, body);
        }
        else
        {
            // Not OpenAI's envelope (a proxy's HTML page): a 5xx becomes a 502, a 4xx keeps its status, both in OpenAI's shape.
            status = status >= 500 ? 502 : status;
            await OpenAiError.WriteAsync(http, status, message, status == 429 ? "rate_limit_error" : status >= 500 ? "upstream_error" : "invalid_request_error");
        }
        return Record(log with { Status = status, Error = Truncate(message, 1000) }, started, null, null);
    }

    private async Task<GatewayLog> FailAsync(HttpContext http, GatewayLog log, long started, int status, string message, string type, string? param, string? code = null,
        TimeSpan? retryAfter = null)
    {
        await OpenAiError.WriteAsync(http, status, message, type, code, param, retryAfter);
        return Record(log with { Status = status, Error = message }, started, null, null);
    }

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
            var price = card.Price(provider, log.ModelServed, usage, log.At) ?? card.Price(provider, log.ModelRequested, usage, log.At);
            var nanos = price is { } usd ? (long)decimal.Round(usd * 1_000_000_000m, MidpointRounding.AwayFromZero) : (long?)null;
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
