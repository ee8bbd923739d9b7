using System.Diagnostics;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Http;
using Panoptic.Sdk.Pricing;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Benchmarks;

/// <summary>
/// What tracking costs the caller: Track with nothing configured, Track with the exporter on (a transport that accepts
/// every batch, so the queue never fills), and — side by side in the same run — starting and stopping an Activity with
/// a listener that records it, which is what OpenTelemetry instrumentation costs per span.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class TrackBenchmarks
{
    private static readonly Operation Chat = new() { Provider = "openai", Model = "gpt-4o-mini", Name = "chat", Usage = new Usage { InputTokens = 1200, OutputTokens = 300 } };
    private static readonly Func<int> Work = static () => 42;
    private EventExporter? _exporter;
    private ActivitySource? _source;
    private ActivityListener? _listener;

    [GlobalSetup(Targets = [nameof(TrackWithExporter)])]
    public void StartExporter() => _exporter = PanopticSdk.Init(new Discard(), "bench", new ExporterOptions { QueueCapacity = 1_000_000, BatchSize = 1000 });

    [GlobalSetup(Targets = [nameof(ActivityWithListener)])]
    public void StartListener()
    {
        _source = new ActivitySource("Panoptic.Benchmarks");
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Panoptic.Benchmarks",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [GlobalCleanup]
    public void Stop()
    {
        PanopticSdk.Shutdown();
        _exporter?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _listener?.Dispose();
        _source?.Dispose();
    }

    [Benchmark(Description = "Track, nothing configured")]
    public int TrackUnconfigured() => PanopticSdk.Track(Chat, Work);

    [Benchmark(Description = "Track, exporter on (priced, queued)")]
    public int TrackWithExporter() => PanopticSdk.Track(Chat, Work);

    [Benchmark(Description = "Activity start+stop, listener recording")]
    public int ActivityWithListener()
    {
        using var activity = _source!.StartActivity("chat gpt-4o-mini", ActivityKind.Client);
        activity?.SetTag("gen_ai.request.model", "gpt-4o-mini");
        return Work();
    }

    private sealed class Discard : IEventTransport
    {
        public Task<SendResult> SendAsync(IReadOnlyList<CostEvent> batch, CancellationToken cancellationToken) => Task.FromResult(SendResult.Ok);
    }
}

/// <summary>
/// What the HTTP handler adds to a call: the same chat completion answered by an in-memory handler (so the figure is
/// the handler's own cost, not the network's), read to the end as a client would, with and without Panoptic.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class HttpHandlerBenchmarks
{
    private static readonly byte[] Completion = Encoding.UTF8.GetBytes("""
        {"id":"chatcmpl-1","object":"chat.completion","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, friend.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}
        """);
    private static readonly byte[] Stream = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20).Select(i =>
        $$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"word{{i}} "},"finish_reason":null}],"usage":null}""" + "\n\n"))
        + """data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":20,"total_tokens":1220}}""" + "\n\ndata: [DONE]\n\n");
    private static readonly Uri Chat = new("https://api.openai.com/v1/chat/completions");

    private HttpClient _plain = null!;
    private HttpClient _tracked = null!;
    private EventExporter _exporter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _exporter = PanopticSdk.Init(new Discard(), "bench", new ExporterOptions { QueueCapacity = 1_000_000, BatchSize = 1000 });
        _plain = new HttpClient(new Canned());
        _tracked = new HttpClient(new PanopticHttpHandler(new Canned()));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        PanopticSdk.Shutdown();
        _exporter.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "chat completion, plain HttpClient")]
    public Task<string> Plain() => Call(_plain, stream: false);

    [Benchmark(Description = "chat completion, through PanopticHttpHandler")]
    public Task<string> Tracked() => Call(_tracked, stream: false);

    [Benchmark(Description = "streamed completion (22 chunks), plain HttpClient")]
    public Task<string> PlainStream() => Call(_plain, stream: true);

    [Benchmark(Description = "streamed completion (22 chunks), through PanopticHttpHandler")]
    public Task<string> TrackedStream() => Call(_tracked, stream: true);

    private static async Task<string> Call(HttpClient client, bool stream)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Chat) { Content = new StringContent(stream ? "s" : "c") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync().ConfigureAwait(false);
    }

    private sealed class Canned : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var stream = await request.Content!.ReadAsStringAsync(cancellationToken).ConfigureAwait(false) == "s";
            var content = new ByteArrayContent(stream ? Stream : Completion);
            content.Headers.ContentType = new(stream ? "text/event-stream" : "application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }

    private sealed class Discard : IEventTransport
    {
        public Task<SendResult> SendAsync(IReadOnlyList<CostEvent> batch, CancellationToken cancellationToken) => Task.FromResult(SendResult.Ok);
    }
}
