using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Panoptic.Benchmarks;

/// <summary>
/// The gateway's cost to a caller, measured side by side with calling the upstream directly:
/// <c>gateway-upstream PORT</c> serves OpenAI-format answers (a JSON completion, and a stream of 20 chunks 20 ms apart);
/// <c>gateway-load GATEWAY_URL GATEWAY_KEY UPSTREAM_URL REQUESTS CONCURRENCY</c> sends the same requests to both, in
/// alternation, and prints latency percentiles, time to first chunk and throughput.
/// </summary>
internal static class GatewayLoad
{
    private static readonly byte[] Completion = Encoding.UTF8.GetBytes("""
        {"id":"chatcmpl-1","object":"chat.completion","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, friend.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":0}}}
        """);

    public static async Task UpstreamAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{args[1]}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var stream = (await reader.ReadToEndAsync()).Contains("\"stream\":true", StringComparison.Ordinal);
            if (!stream)
            {
                http.Response.ContentType = "application/json";
                await http.Response.Body.WriteAsync(Completion);
                return;
            }
            http.Response.ContentType = "text/event-stream";
            for (var i = 0; i < 20; i++)
            {
                await http.Response.WriteAsync($$"""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"w{{i}} "},"finish_reason":null}]}""" + "\n\n");
                await http.Response.Body.FlushAsync();
                await Task.Delay(20);
            }
            await http.Response.WriteAsync("""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":900,"completion_tokens":20,"total_tokens":920}}""" + "\n\ndata: [DONE]\n\n");
        });
        await app.RunAsync();
    }

    public static async Task RunAsync(string[] args)
    {
        var (gateway, key, upstream) = (new Uri(args[1].TrimEnd('/') + "/v1/chat/completions"), args[2], new Uri(args[3].TrimEnd('/') + "/v1/chat/completions"));
        var requests = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
        var concurrency = int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 });
        const string plain = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""";
        const string streamed = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

        async Task<(double Total, double First)> Call(Uri target, string body, bool stream)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var content = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[16 * 1024];
            double first = 0;
            while (await content.ReadAsync(buffer) is > 0 and var read)
                if (first == 0) first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, first);
        }

        // Warm both paths (JIT, connections, the gateway's caches).
        for (var i = 0; i < 50; i++)
        {
            await Call(upstream, plain, false);
            await Call(gateway, plain, false);
        }

        Console.WriteLine("sequential, one request at a time, direct and through the gateway in alternation:");
        var direct = new List<double>();
        var through = new List<double>();
        for (var i = 0; i < requests; i++)
        {
            direct.Add((await Call(upstream, plain, false)).Total);
            through.Add((await Call(gateway, plain, false)).Total);
        }
        Report("  JSON completion, direct", direct);
        Report("  JSON completion, gateway", through);

        var directFirst = new List<double>();
        var throughFirst = new List<double>();
        var directTotal = new List<double>();
        var throughTotal = new List<double>();
        for (var i = 0; i < Math.Min(requests, 100); i++)
        {
            var d = await Call(upstream, streamed, true);
            var g = await Call(gateway, streamed, true);
            directFirst.Add(d.First);
            throughFirst.Add(g.First);
            directTotal.Add(d.Total);
            throughTotal.Add(g.Total);
        }
        Report("  stream (20 chunks, 20 ms apart): first chunk, direct", directFirst);
        Report("  stream: first chunk, gateway", throughFirst);
        Report("  stream: whole stream, direct", directTotal);
        Report("  stream: whole stream, gateway", throughTotal);

        Console.WriteLine($"throughput, {concurrency} requests in flight, JSON completions:");
        foreach (var (name, target) in new[] { ("direct", upstream), ("gateway", gateway) })
        {
            var done = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (Interlocked.Increment(ref done) <= requests * 2) await Call(target, plain, false);
            }));
            Console.WriteLine($"  {name}: {requests * 2 / clock.Elapsed.TotalSeconds:F0} requests/s");
        }
    }

    private static void Report(string name, List<double> values)
    {
        values.Sort();
        double At(double p) => values[Math.Min(values.Count - 1, (int)(p * values.Count))];
        Console.WriteLine($"{name}: p50 {At(0.5):F2} ms, p95 {At(0.95):F2} ms, p99 {At(0.99):F2} ms ({values.Count} requests)");
    }
}
