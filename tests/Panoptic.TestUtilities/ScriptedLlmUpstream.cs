using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Panoptic.TestUtilities;

/// <summary>
/// An OpenAI-compatible upstream on loopback that answers as scripted, told apart by the API key it is called with
/// (several provider keys of one account at one base URL): each call takes the next answer queued for its key, else
/// the next queued for any key, else a normal completion (JSON or a stream, as asked). <see cref="Hold"/> keeps normal
/// completions waiting until released, so a test can have requests in flight.
/// </summary>
public sealed class ScriptedLlmUpstream : IAsyncDisposable
{
    /// <summary>An error status with an optional Retry-After header, in OpenAI's error envelope.</summary>
    public sealed record Answer(int Status, string? RetryAfter = null, bool StreamThenAbort = false)
    {
        public static Answer Error(int status, string? retryAfter = null) => new(status, retryAfter);

        /// <summary>A stream's first chunk, then the connection dropped.</summary>
        public static readonly Answer BrokenStream = new(200, StreamThenAbort: true);
    }

    private readonly ConcurrentDictionary<string, ConcurrentQueue<Answer>> _byKey = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Answer> _any = new();
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private WebApplication _app = null!;
    private int _held;

    public Uri Address { get; private set; } = null!;

    /// <summary>The base URL provider keys use ("…/v1").</summary>
    public string BaseUrl => new Uri(Address, "v1").ToString();

    public TaskCompletionSource? Hold { get; set; }

    /// <summary>How many normal completions are waiting on <see cref="Hold"/>.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>The API keys of the calls received, in order.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public int CallsWith(string apiKey) => _calls.TryGetValue(apiKey, out var count) ? count : 0;

    public void Script(string apiKey, params Answer[] answers)
    {
        var queue = _byKey.GetOrAdd(apiKey, _ => new ConcurrentQueue<Answer>());
        foreach (var answer in answers) queue.Enqueue(answer);
    }

    public void ScriptAny(params Answer[] answers)
    {
        foreach (var answer in answers) _any.Enqueue(answer);
    }

    public static async Task<ScriptedLlmUpstream> StartAsync()
    {
        var fake = new ScriptedLlmUpstream();
        (fake._app, fake.Address) = await WebApp.StartAsync(null, app => app.MapPost("/v1/chat/completions", fake.ChatAsync));
        return fake;
    }

    private async Task ChatAsync(HttpContext http)
    {
        var apiKey = http.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
        Calls.Enqueue(apiKey);
        _calls.AddOrUpdate(apiKey, 1, (_, count) => count + 1);
        using var request = await JsonDocument.ParseAsync(http.Request.Body);
        var stream = request.RootElement.TryGetProperty("stream", out var s) && s.GetBoolean();
        var answer = _byKey.TryGetValue(apiKey, out var mine) && mine.TryDequeue(out var scripted) ? scripted : _any.TryDequeue(out var shared) ? shared : null;
        if (answer is { StreamThenAbort: false })
        {
            if (answer.RetryAfter is { } retryAfter) http.Response.Headers.RetryAfter = retryAfter;
            http.Response.StatusCode = answer.Status;
            await http.Response.WriteAsJsonAsync(new { error = new { message = $"scripted {answer.Status}", type = answer.Status == 429 ? "requests" : "server_error", param = (string?)null, code = (string?)null } });
            return;
        }
        if (answer is null && Hold is { } hold)
        {
            Interlocked.Increment(ref _held);
            try
            {
                await hold.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        }
        if (!stream)
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync($$$"""
                {"id":"chatcmpl-1","object":"chat.completion","created":1741570283,"model":"{{{FakeLlmUpstream.Model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13}}
                """);
            return;
        }
        http.Response.ContentType = "text/event-stream";
        var chunk = $$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"{{FakeLlmUpstream.Model}}","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}""";
        await http.Response.WriteAsync($"data: {chunk}\n\n");
        await http.Response.Body.FlushAsync();
        if (answer is { StreamThenAbort: true })
        {
            // A reset would discard the chunk unread on the gateway's side: it must have reached the client first.
            await Task.Delay(300);
            http.Abort();
            return;
        }
        await http.Response.WriteAsync($$$"""
            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"{{{FakeLlmUpstream.Model}}}","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}}

            data: [DONE]


            """);
    }

    public async ValueTask DisposeAsync()
    {
        Hold?.TrySetResult();
        await _app.DisposeAsync();
    }
}
