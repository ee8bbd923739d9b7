using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Panoptic.TestUtilities;

/// <summary>
/// A stand-in for OpenAI and Anthropic on loopback, serving their real response and streamed-chunk formats (as of
/// 2026): chat completions with and without <c>stream_options.include_usage</c>, Anthropic message events, an error.
/// <see cref="HoldAfterFirstChunk"/> keeps a stream open after its first text chunk until released, to show the
/// caller gets bytes while the upstream is still generating.
/// </summary>
public sealed class FakeLlmUpstream : IAsyncDisposable
{
    public const string Model = "gpt-4o-mini-2024-07-18";
    public const string AnthropicModel = "claude-3-5-haiku-20241022";
    public static readonly string[] Words = ["Hel", "lo", " there", ",", " friend", "."];

    private WebApplication _app = null!;
    private int _flaky;

    public Uri Address { get; private set; } = null!;

    public TaskCompletionSource? HoldAfterFirstChunk { get; set; }

    /// <summary>The baggage header of every request received, empty when absent.</summary>
    public List<string> Baggage { get; } = [];

    /// <summary>Every chat or embeddings request received: path, Authorization header, body.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Path, string Authorization, string Body)> Requests { get; } = new();

    public static async Task<FakeLlmUpstream> StartAsync()
    {
        var fake = new FakeLlmUpstream();
        (fake._app, fake.Address) = await WebApp.StartAsync(null, app =>
        {
            app.MapPost("/v1/chat/completions", fake.ChatAsync);
            app.MapPost("/v1/messages", fake.MessagesAsync);
            app.MapPost("/v1/emails", (HttpContext http) => { fake.Baggage.Add(http.Request.Headers["baggage"].ToString()); return Results.Json(new { id = "em_1" }); });
            app.MapPost("/limited/v1/chat/completions", (HttpContext http) =>
            {
                http.Response.Headers.RetryAfter = "1";
                return Results.Json(new { error = new { message = "Rate limit reached for gpt-4o-mini", type = "requests", param = (string?)null, code = "rate_limit_exceeded" } }, statusCode: 429);
            });
            app.MapGet("/internal/echo-baggage", (HttpContext http) => http.Request.Headers["baggage"].ToString());
            app.MapPost("/v1/embeddings", async (HttpContext http) =>
            {
                using var reader = new StreamReader(http.Request.Body);
                fake.Requests.Enqueue((http.Request.Path, http.Request.Headers.Authorization.ToString(), await reader.ReadToEndAsync()));
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync("""{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292,0.015797347]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}""");
            });
            // Misbehaving upstreams, each under its own base path. /flaky fails every other call with a 500.
            app.MapPost("/flaky/v1/chat/completions", async (HttpContext http) =>
            {
                if (Interlocked.Increment(ref fake._flaky) % 2 == 1)
                {
                    http.Response.StatusCode = 500;
                    await http.Response.WriteAsJsonAsync(new { error = new { message = "The server had an error while processing your request.", type = "server_error", param = (string?)null, code = (string?)null } });
                    return;
                }
                await fake.ChatAsync(http);
            });
            app.MapPost("/hang/v1/chat/completions", async (HttpContext http) => await Task.Delay(Timeout.InfiniteTimeSpan, http.RequestAborted));
            app.MapPost("/html/v1/chat/completions", () => Results.Content("<html><body>502 Bad Gateway</body></html>", "text/html", statusCode: 503));
            app.MapPost("/badjson/v1/chat/completions", () => Results.Content("{\"id\":\"chatcmpl-1\",\"choices\":[{", "application/json"));
            app.MapPost("/broken/v1/chat/completions", async (HttpContext http) =>
            {
                http.Response.ContentType = "text/event-stream";
                await Chunk(http, $$$"""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"{{{Model}}}","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}""");
                await Chunk(http, """{"id":"c1","object":"chat.completion.chunk","choi""");
                await Chunk(http, $$$"""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"{{{Model}}}","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}""");
                await Chunk(http, "[DONE]");
            });
        });
        return fake;
    }

    private async Task ChatAsync(HttpContext http)
    {
        Baggage.Add(http.Request.Headers["baggage"].ToString());
        using var bodyReader = new StreamReader(http.Request.Body);
        var body = await bodyReader.ReadToEndAsync();
        Requests.Enqueue((http.Request.Path, http.Request.Headers.Authorization.ToString(), body));
        using var request = JsonDocument.Parse(body);
        var root = request.RootElement;
        var stream = root.TryGetProperty("stream", out var s) && s.GetBoolean();
        var includeUsage = root.TryGetProperty("stream_options", out var o) && o.TryGetProperty("include_usage", out var u) && u.GetBoolean();
        if (!stream)
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync($$$"""
                {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"{{{Model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"{{{string.Concat(Words)}}}","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":64,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}
                """);
            return;
        }
        http.Response.ContentType = "text/event-stream";
        var head = $$"""{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"{{Model}}","service_tier":"default","system_fingerprint":"fp_06737a9306",""";
        var usageNull = includeUsage ? ""","usage":null""" : "";
        await Chunk(http, head + $$"""
            "choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]{{usageNull}}}
            """);
        for (var i = 0; i < Words.Length; i++)
        {
            await Chunk(http, head + $$"""
                "choices":[{"index":0,"delta":{"content":"{{Words[i]}}"},"logprobs":null,"finish_reason":null}]{{usageNull}}}
                """);
            if (i == 0 && HoldAfterFirstChunk is { } hold) await hold.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        await Chunk(http, head + $$"""
            "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]{{usageNull}}}
            """);
        if (includeUsage)
        {
            await Chunk(http, head + """
                "choices":[],"usage":{"prompt_tokens":900,"completion_tokens":6,"total_tokens":906,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
                """);
        }
        await Chunk(http, "[DONE]");
    }

    private async Task MessagesAsync(HttpContext http)
    {
        using var bodyReader = new StreamReader(http.Request.Body);
        var body = await bodyReader.ReadToEndAsync();
        Requests.Enqueue((http.Request.Path, http.Request.Headers["x-api-key"].FirstOrDefault() ?? http.Request.Headers.Authorization.ToString(), body));
        using (var request = JsonDocument.Parse(body.Length == 0 ? "{}" : body))
        {
            if (!(request.RootElement.TryGetProperty("stream", out var s) && s.GetBoolean()))
            {
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync($$$"""
                    {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"{{{AnthropicModel}}}","content":[{"type":"text","text":"{{{string.Concat(Words)}}}"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":2000,"cache_creation_input_tokens":0,"cache_read_input_tokens":1500,"output_tokens":15}}
                    """);
                return;
            }
        }
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        async Task Event(string type, string data)
        {
            await http.Response.WriteAsync($"event: {type}\ndata: {data}\n\n");
            await http.Response.Body.FlushAsync();
        }
        await Event("message_start", $$$$"""{"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","content":[],"model":"{{{{AnthropicModel}}}}","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":2000,"cache_creation_input_tokens":0,"cache_read_input_tokens":1500,"output_tokens":1}}}""");
        await Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        await Event("ping", """{"type": "ping"}""");
        foreach (var word in Words) await Event("content_block_delta", $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"{{{word}}}"}}""");
        await Event("content_block_stop", """{"type":"content_block_stop","index":0}""");
        await Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}""");
        await Event("message_stop", """{"type":"message_stop"}""");
    }

    private static async Task Chunk(HttpContext http, string data)
    {
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("data: " + data + "\n\n"));
        await http.Response.Body.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        HoldAfterFirstChunk?.TrySetResult();
        await _app.DisposeAsync();
    }
}
