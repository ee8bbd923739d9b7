using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using Panoptic.Sdk.Context;
using Panoptic.Sdk.Http;
using Panoptic.Sdk.Pricing;
using Panoptic.Sdk.Tests.Support;
using Panoptic.TestUtilities;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Tests.Http;

/// <summary>The HttpClient handler in front of a fake OpenAI/Anthropic upstream on loopback, driven by the official OpenAI .NET client.</summary>
[Collection(SdkTests.Name)]
public sealed class HttpHandlerTests : IAsyncLifetime, IDisposable
{
    private FakeLlmUpstream _upstream = null!;
    private CollectingTransport.Tracked _sdk = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeLlmUpstream.StartAsync();
        _sdk = CollectingTransport.Init();
        // The fake upstream's address stands in for api.openai.com, as Panoptic:Hosts lets a proxy do.
        var hosts = new Dictionary<string, string> { [$"127.0.0.1:{_upstream.Address.Port}"] = "openai" };
        _http = new HttpClient(new PanopticHttpHandler(new SocketsHttpHandler(), hosts));
    }

    public async Task DisposeAsync()
    {
        await _sdk.DisposeAsync();
        _http.Dispose();
        await _upstream.DisposeAsync();
    }

    public void Dispose() => _http.Dispose();

    private ChatClient Chat() => new("gpt-4o-mini", new ApiKeyCredential("sk-test"),
        new OpenAIClientOptions { Endpoint = new Uri(_upstream.Address, "v1"), Transport = new HttpClientPipelineTransport(_http) });

    [Fact]
    public async Task AChatCompletion_IsRecordedWithModelUsageCostAndContext()
    {
        using (PanopticContext.Begin(new() { TenantId = "acme", Feature = "support" }))
        {
            var completion = await Chat().CompleteChatAsync([new UserChatMessage("hi")]);
            completion.Value.Content[0].Text.ShouldBe(string.Concat(FakeLlmUpstream.Words));
        }
        var e = (await _sdk.Events.WaitForAsync(1)).Single();
        (e.Provider, e.Model, e.Operation, e.Context.TenantId, e.Context.Feature).ShouldBe(("openai", FakeLlmUpstream.Model, "POST /v1/chat/completions", "acme", "support"));
        e.Usage.ShouldBe(new Usage { InputTokens = 1200, CachedInputTokens = 1024, OutputTokens = 300, ReasoningTokens = 64 });
        e.UsageEstimated.ShouldBeFalse();
        e.Failed.ShouldBeFalse();
        // gpt-4o-mini: 176 uncached input at $0.15/M, 1024 cached at $0.075/M, 300 output at $0.60/M.
        e.CostUsd.ShouldBe((176 * 0.15m + 1024 * 0.075m + 300 * 0.60m) / 1_000_000m);
        e.ExecutionMs.ShouldNotBeNull().ShouldBeGreaterThan(0);
        e.TotalMs.ShouldBe(e.ExecutionMs!.Value + e.OverheadMs!.Value, 0.001);
        _upstream.Baggage.ShouldAllBe(b => b == "", "the tenant is never sent to a provider");
    }

    [Fact]
    public async Task AStreamWithItsUsageChunk_IsPricedFromIt_AndTheCallerGetsEveryChunk()
    {
        var text = new StringBuilder();
        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
        text.ToString().ShouldBe(string.Concat(FakeLlmUpstream.Words));
        var e = (await _sdk.Events.WaitForAsync(1)).Single();
        (e.Model, e.Usage).ShouldBe((FakeLlmUpstream.Model, new Usage { InputTokens = 900, OutputTokens = 6 }));
        e.UsageEstimated.ShouldBeFalse();
        e.CostUsd.ShouldBe((900 * 0.15m + 6 * 0.60m) / 1_000_000m);
    }

    [Fact]
    public async Task AStreamWithoutAUsageChunk_IsEstimatedFromItsTextChunks_AndMarkedSo()
    {
        var lines = await PostStreamAsync("v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        lines.Count(l => l.StartsWith("data: ", StringComparison.Ordinal)).ShouldBe(FakeLlmUpstream.Words.Length + 3);
        var e = (await _sdk.Events.WaitForAsync(1)).Single();
        (e.Model, e.Usage, e.UsageEstimated).ShouldBe((FakeLlmUpstream.Model, new Usage { OutputTokens = FakeLlmUpstream.Words.Length }, true));
    }

    [Fact]
    public async Task AnAnthropicStream_CountsCacheReadsAsInput_AndTakesTheFinalOutputCount()
    {
        _http.Dispose();
        _http = new HttpClient(new PanopticHttpHandler(new SocketsHttpHandler(), new Dictionary<string, string> { ["127.0.0.1"] = "anthropic" }));
        await PostStreamAsync("v1/messages", """{"model":"claude-3-5-haiku-latest","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var e = (await _sdk.Events.WaitForAsync(1)).Single();
        (e.Provider, e.Model, e.Operation).ShouldBe(("anthropic", FakeLlmUpstream.AnthropicModel, "POST /v1/messages"));
        e.Usage.ShouldBe(new Usage { InputTokens = 3500, CachedInputTokens = 1500, OutputTokens = 15 });
        e.UsageEstimated.ShouldBeFalse();
    }

    [Fact]
    public async Task TheCallerGetsTheFirstChunk_WhileTheUpstreamIsStillGenerating()
    {
        _upstream.HoldAfterFirstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var updates = Chat().CompleteChatStreamingAsync([new UserChatMessage("hi")]).GetAsyncEnumerator();
        var first = "";
        while (first.Length == 0 && await updates.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)))
            first = string.Concat(updates.Current.ContentUpdate.Select(p => p.Text));
        first.ShouldBe(FakeLlmUpstream.Words[0]);
        _upstream.HoldAfterFirstChunk.Task.IsCompleted.ShouldBeFalse("the upstream is still holding the rest of the stream");
        _sdk.Events.Events.ShouldBeEmpty("the call is recorded when its stream ends, not before");
        _upstream.HoldAfterFirstChunk.SetResult();
        while (await updates.MoveNextAsync()) { }
        (await _sdk.Events.WaitForAsync(1)).Single().UsageEstimated.ShouldBeFalse();
    }

    [Fact]
    public async Task AStreamTheCallerAbandons_IsRecordedOnce_FromWhatWasSeen_AndMarkedEstimated()
    {
        _upstream.HoldAfterFirstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_upstream.Address, "v1/chat/completions")))
        {
            request.Content = new StringContent("""{"model":"gpt-4o-mini","stream":true,"messages":[]}""", Encoding.UTF8, "application/json");
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            using var reader = new StreamReader(body);
            while (await reader.ReadLineAsync() is { } line && !line.Contains("\"Hel\"", StringComparison.Ordinal)) { }
        }
        var e = (await _sdk.Events.WaitForAsync(1)).Single();
        (e.Usage, e.UsageEstimated, e.Failed).ShouldBe((new Usage { OutputTokens = 1 }, true, false));
        await Task.Delay(50);
        _sdk.Events.Events.Count.ShouldBe(1);
    }

    [Fact]
    public async Task AnUpstreamError_IsRecordedAsAFailedCall_AndTheCallerSeesItUnchanged()
    {
        var limited = new ChatClient("gpt-4o-mini", new ApiKeyCredential("sk-test"),
            new OpenAIClientOptions { Endpoint = new Uri(_upstream.Address, "limited/v1"), Transport = new HttpClientPipelineTransport(_http), RetryPolicy = new ClientRetryPolicy(0) });
        var error = await Should.ThrowAsync<ClientResultException>(() => limited.CompleteChatAsync([new UserChatMessage("hi")]));
        error.Status.ShouldBe(429);
        var e = (await _sdk.Events.WaitForAsync(1)).Single();
        (e.Provider, e.Failed, e.ErrorMessage).ShouldBe(("openai", true, "the provider answered 429 TooManyRequests"));
    }

    [Fact]
    public async Task ServiceCalls_CountTheirUnits_AndOwnServicesReceiveTheContextAsBaggage()
    {
        _http.Dispose();
        var hosts = new Dictionary<string, string> { [$"127.0.0.1:{_upstream.Address.Port}"] = "resend" };
        _http = new HttpClient(new PanopticHttpHandler(new SocketsHttpHandler(), hosts));
        using var own = new HttpClient(new PanopticHttpHandler(new SocketsHttpHandler()));
        string baggage;
        using (PanopticContext.Begin(new() { TenantId = "acme corp", UserId = "ann" }))
        {
            (await _http.PostAsync(new Uri(_upstream.Address, "v1/emails"), new StringContent("{}"))).StatusCode.ShouldBe(HttpStatusCode.OK);
            baggage = await own.GetStringAsync(new Uri(_upstream.Address, "internal/echo-baggage"));
        }
        PanopticContext.FromBaggageHeader(baggage).ShouldBe(new ContextValues { TenantId = "acme corp", UserId = "ann" });
        var e = (await _sdk.Events.WaitForAsync(1)).Single();
        (e.Provider, e.Operation, e.Usage, e.CostUsd).ShouldBe(("resend", "POST /v1/emails", new Usage { Requests = 1, Units = 1 }, 0.0004m));
        _upstream.Baggage.ShouldBe([""], "the tenant is never sent to a provider");
    }

    [Fact]
    public async Task WithoutInit_TheHandlerPassesCallsThrough()
    {
        PanopticSdk.Shutdown();
        (await Chat().CompleteChatAsync([new UserChatMessage("hi")])).Value.Content[0].Text.ShouldBe(string.Concat(FakeLlmUpstream.Words));
        await Task.Delay(30);
        _sdk.Events.Events.ShouldBeEmpty();
    }

    private async Task<List<string>> PostStreamAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_upstream.Address, path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line) lines.Add(line);
        return lines;
    }
}
