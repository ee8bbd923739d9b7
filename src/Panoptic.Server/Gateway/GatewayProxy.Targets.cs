using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// The gateway's routing: the targets a model can be served by (aliases, provider keys, the Anthropic adapter), and
/// trying them in order with retries, fallbacks and the circuit breaker.
/// </summary>
internal sealed partial class GatewayProxy
{
    /// <summary>A chat completion being served by Anthropic: when it was created, and whether the client asked for a usage chunk.</summary>
    private sealed record AnthropicChat(long Created, bool IncludeUsage);

    /// <summary>
    /// One way to serve the request: a provider key, the model to ask it for, the body as that provider takes it, the
    /// path, the adapter when Anthropic serves a chat completion, and whose prices apply.
    /// </summary>
    private sealed record Target(ProviderKey Provider, string Model, byte[] Body, string Path, AnthropicChat? Adapter, Pricing Pricing);

    /// <summary>
    /// The targets for the models a request may be served by, in order (an alias's models, or the model itself), each
    /// served by the first provider key whose pattern matches. A target the endpoint cannot use (a Claude model on
    /// /v1/embeddings) is left out and explained if nothing else is left.
    /// </summary>
    private async Task<(List<Target> Targets, string? Problem)> TargetsAsync(string workspaceId, IReadOnlyList<string> candidates, JsonObject request, string path, bool stream,
        CancellationToken cancellationToken)
    {
        var providers = await store.ProviderKeysAsync(workspaceId, cancellationToken);
        var card = await rates.ForAsync(workspaceId, cancellationToken);
        var targets = new List<Target>();
        string? problem = null;
        foreach (var candidate in candidates)
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
            return new(Record(Ended(log, 499, "the client went away before the upstream answered"), started, null, null), false, null);
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
}
