using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// Trying the targets: keys cooling down after a 429 skipped, retries with backoff on the same key, fallbacks to the
/// next, the circuit breaker, and every attempt told in the log row.
/// </summary>
internal sealed partial class GatewayProxy
{
    /// <summary>
    /// Tries the targets in order. A key cooling down after a 429 is skipped (every key cooling: a 429 with the
    /// shortest Retry-After); a key whose circuit is open goes last. A 5xx or a connection error is retried on the same
    /// key GatewayRetries times, after the upstream's Retry-After or a full-jitter backoff; a 429 cools the key down and
    /// moves on, or, on the last key, is retried after its Retry-After as well. A wait longer than GatewayRetryMaxDelay
    /// is not waited for. The last target's answer, whatever it is, goes to the client. Nothing is sent to the client
    /// before a target has answered, so a retry or a fallback never follows a byte the client has seen.
    /// </summary>
    private async Task<GatewayLog> SendAsync(HttpContext http, GatewayLog log, long started, List<Target> targets, bool stream)
    {
        var ready = targets.Where(t => balancer.CoolingUntil(t.Provider.Id) is null).ToList();
        if (ready.Count == 0) return await AllCoolingAsync(http, log, started, targets);
        var open = ready.Where(t => breakers.IsOpen(t.Provider.Id)).ToHashSet();
        var order = ready.Where(t => !open.Contains(t)).Concat(ready.Where(open.Contains)).ToList();
        var tried = new List<string>();
        for (var i = 0; i < order.Count; i++)
        {
            var target = order[i];
            var last = i == order.Count - 1;
            var attemptLog = Tried(log, target, tried, fellBack: i > 0);
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
                Attempt result;
                using (balancer.Enter(target.Provider.Id))
                    result = await AttemptAsync(http, attemptLog, started, target, secret, stream, last, canRetry: attempt < options.Value.GatewayRetries);
                if (result.Log is { } done)
                {
                    if (done.Status is < 500 and not 429) breakers.Succeeded(target.Provider.Id);
                    else breakers.Failed(target.Provider.Id, time.GetUtcNow());
                    if (done.Status < 400) balancer.Served(target.Provider.Id);
                    return done;
                }
                breakers.Failed(target.Provider.Id, time.GetUtcNow());
                if (!result.Retryable || attempt >= options.Value.GatewayRetries)
                {
                    tried.Add($"{target.Provider.Name}: {result.Failure}");
                    break;
                }
                var wait = result.RetryAfter ?? balancer.Backoff(attempt);
                tried.Add($"{target.Provider.Name}: {result.Failure}, waited {Seconds(wait)} s");
                attemptLog = Tried(log, target, tried, fellBack: i > 0);
                try
                {
                    await Task.Delay(wait, time, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Record(Ended(attemptLog, 499, "the client went away while a retry waited"), started, null, null);
                }
            }
        }
        // Every target failed in a way that was not relayed (only possible when the last one was skipped above).
        return await FailAsync(http, log, started, 502, "no upstream could serve the request: " + string.Join("; ", tried), "upstream_error", null);
    }

    /// <summary>The log row of an attempt: its key, and what was tried before it ("fell back after" another key, "retried after" this one's failures).</summary>
    private static GatewayLog Tried(GatewayLog log, Target target, List<string> tried, bool fellBack) => log with
    {
        Upstream = target.Provider.Name,
        Error = tried.Count == 0 ? null : (fellBack ? "fell back after: " : "retried after: ") + string.Join("; ", tried),
    };

    /// <summary>Every key that serves the request is cooling down: a 429 of the gateway's own, until the first of them is back.</summary>
    private async Task<GatewayLog> AllCoolingAsync(HttpContext http, GatewayLog log, long started, List<Target> targets)
    {
        var now = time.GetUtcNow();
        var keys = targets.Select(t => (t.Provider.Name, Until: balancer.CoolingUntil(t.Provider.Id) ?? now)).DistinctBy(k => k.Name).ToList();
        var wait = keys.Min(k => k.Until) - now;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        log = log with { Upstream = keys[0].Name, Error = "skipped, cooling down after a 429: " + string.Join(", ", keys.Select(k => $"{k.Name} ({Seconds(k.Until - now)} s)")) };
        return await FailAsync(http, log, started, 429, $"every provider key serving '{log.ModelRequested}' is over its provider's rate limit; try again in {seconds} s",
            "rate_limit_error", null, "rate_limit_exceeded", wait);
    }

    /// <summary>One try of one target: a relayed answer (Log set), or a failure that may move on (Retryable: worth retrying the same key, after RetryAfter when the upstream said).</summary>
    private readonly record struct Attempt(GatewayLog? Log, bool Retryable, string? Failure, TimeSpan? RetryAfter = null);

    /// <remarks>
    /// A failure is relayed to the client only by the last target, and only when it will not be retried: timeouts are
    /// never retried on the same key, 429s only on the last (the others cool down and the next key serves), 5xx and
    /// connection errors are while <paramref name="canRetry"/> and the upstream's Retry-After is within the cap.
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
            var retryAfter = RetryAfter(response);
            var waitable = canRetry && !(retryAfter > options.Value.GatewayRetryMaxDelay);
            if (status == 429)
            {
                // The key is over its own limit: out of rotation on this server, whoever serves this request.
                var cooling = balancer.CoolDown(provider.Id, retryAfter);
                if (!last) return new(null, false, $"answered 429, cooling {Seconds(cooling)} s");
                if (waitable) return new(null, true, "answered 429", retryAfter);
            }
            else if (status >= 500)
            {
                if (waitable) return new(null, true, $"answered {status}", retryAfter);
                if (!last) return new(null, false, $"answered {status}");
            }
            if (status < 400 && stream && response.Content.Headers.ContentType?.MediaType == "text/event-stream")
                return new(await RelayStreamAsync(http, log, started, response, target.Pricing, timeout, target.Adapter, limit), false, null);
            timeout.CancelAfter(limit);
            return new(status >= 400 ? await RelayErrorAsync(http, log, started, response, target.Adapter is not null, timeout.Token)
                : await RelayBodyAsync(http, log, started, response, target.Pricing, target.Adapter, timeout.Token), false, null);
        }
    }

    /// <summary>The upstream's Retry-After, in seconds or as an HTTP date (one in the past: now).</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
