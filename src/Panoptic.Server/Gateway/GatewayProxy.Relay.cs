using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Panoptic.Sdk.Http;
using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// Relaying an upstream's answer to the client: a JSON body (validated, translated when Anthropic serves a chat
/// completion), a stream read by read (broken chunks stopped before the client sees them), or an error in the
/// client's own envelope.
/// </summary>
internal sealed partial class GatewayProxy
{
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
                : Record(Ended(log, 499, "the client went away"), started, null, null);
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
        log = log with { Status = (int)response.StatusCode, ModelServed = reader.Model ?? log.ModelRequested };
        http.Response.StatusCode = log.Status;
        http.Response.ContentType = "application/json";
        // The answer is complete before it is relayed, so its cost can go ahead of it (a stream's is known only at its end: in the log).
        if (reader.Usage is { } usage && PriceOf(pricing, log, usage) is { } usd)
            http.Response.Headers[CostHeader] = Storage.Ledger.Nanos.FromUsd(usd).Usd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
        Captured(http, body);
        return Record(log, started, reader, null, pricing);
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
        return Record(Ended(log, status, error) with { ModelServed = reader.Model ?? log.ModelRequested, TtftMs = ttft }, started, reader, estimated: !reader.SawEnd || reader.Usage is null, pricing);
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
        return Record(Ended(log, status, Truncate(message, 1000)), started, null, null);
    }
}
