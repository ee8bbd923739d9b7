using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;

public abstract partial class ServerContractTests
{
    private const string UpstreamSecret = "sk-proj-upstream-SECRET-value-1234";

    /// <summary>A server, an account, a fake OpenAI upstream with a provider key for it, and a gateway key.</summary>
    private async Task<(RunningServer Server, Onboarding.Tenant Alice, FakeLlmUpstream Upstream, string GatewayKey)> GatewayAsync(
        IDictionary<string, string?>? settings = null, string basePath = "v1", object? keyOptions = null)
    {
        var server = await StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), settings);
        var alice = await server.OnboardAsync("alice@example.com");
        var upstream = await FakeLlmUpstream.StartAsync();
        _upstreams.Add(upstream);
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "openai-main", provider = "openai", api_key = UpstreamSecret, base_url = new Uri(upstream.Address, basePath).ToString() }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = await JsonOf(await session.PostAsJsonAsync("/api/v1/gateway/keys", keyOptions ?? new { name = "support-app" }));
        return (server, alice, upstream, created.GetProperty("key").GetString()!);
    }

    private readonly List<FakeLlmUpstream> _upstreams = [];
    private static readonly string[] GptFourO = ["gpt-4o*"];

    private static ChatClient GatewayChat(RunningServer server, string key, string model = "gpt-4o-mini", HttpClient? http = null) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(server.Address, "v1"), RetryPolicy = new ClientRetryPolicy(0),
            Transport = http is null ? null : new HttpClientPipelineTransport(http),
        });

    private static async Task<JsonElement> GatewayLogsAsync(RunningServer server, Onboarding.Tenant who, int expected)
    {
        using var session = server.Client(who.Token, who.WorkspaceId);
        for (var i = 0; i < 500; i++)
        {
            var page = await JsonOf(await session.GetAsync("/api/v1/gateway/logs"));
            if (page.GetProperty("data").GetArrayLength() >= expected) return page.GetProperty("data");
            await Task.Delay(10);
        }
        throw new TimeoutException($"expected {expected} gateway log rows");
    }

    [Fact]
    public async Task Gateway_OpenAIClient_ChatStreamEmbeddingsAndModels_AreForwardedLoggedAndPriced()
    {
        var (server, alice, upstream, key) = await GatewayAsync();
        var chat = GatewayChat(server, key);

        var completion = await chat.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { EndUserId = "ann" });
        completion.Value.Content[0].Text.ShouldBe(string.Concat(FakeLlmUpstream.Words));
        completion.Value.Usage.InputTokenCount.ShouldBe(1200);

        var streamed = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            foreach (var part in update.ContentUpdate) streamed.Append(part.Text);
        streamed.ToString().ShouldBe(string.Concat(FakeLlmUpstream.Words));

        var embeddings = new EmbeddingClient("text-embedding-3-small", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(server.Address, "v1") });
        (await embeddings.GenerateEmbeddingAsync("hello")).Value.ToFloats().Length.ShouldBe(3);

        var models = await new OpenAI.Models.OpenAIModelClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(server.Address, "v1") }).GetModelsAsync();
        models.Value.Select(m => m.Id).ShouldContain("gpt-4o-mini");

        // The upstream saw the provider key (decrypted), and a stream asking for usage.
        var requests = upstream.Requests.ToList();
        requests.ShouldAllBe(r => r.Authorization == "Bearer " + UpstreamSecret);
        using (var streamRequest = JsonDocument.Parse(requests[1].Body))
            streamRequest.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean().ShouldBeTrue();

        var logs = await GatewayLogsAsync(server, alice, 3);
        var byEndpoint = logs.EnumerateArray().ToLookup(l => (l.GetProperty("endpoint").GetString(), l.GetProperty("stream").GetBoolean()));
        var plain = byEndpoint[("/v1/chat/completions", false)].Single();
        (plain.GetProperty("status").GetInt32(), plain.GetProperty("model_served").GetString(), plain.GetProperty("input_tokens").GetInt64(),
            plain.GetProperty("cached_tokens").GetInt64(), plain.GetProperty("user_id").GetString()).ShouldBe((200, FakeLlmUpstream.Model, 1200L, 1024L, "ann"));
        plain.GetProperty("cost_usd").GetDecimal().ShouldBe((176 * 0.15m + 1024 * 0.075m + 300 * 0.60m) / 1_000_000m);
        var stream = byEndpoint[("/v1/chat/completions", true)].Single();
        (stream.GetProperty("input_tokens").GetInt64(), stream.GetProperty("output_tokens").GetInt64(), stream.GetProperty("estimated").GetBoolean()).ShouldBe((900L, 6L, false));
        stream.GetProperty("ttft_ms").GetDouble().ShouldBeGreaterThan(0);
        byEndpoint[("/v1/embeddings", false)].Single().GetProperty("input_tokens").GetInt64().ShouldBe(8);

        // Every request is in the cost ledger too, so budgets and alerts see gateway spend.
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var costs = await JsonOf(await session.GetAsync($"/api/v1/costs?from={DateTimeOffset.UtcNow.AddDays(-1):yyyy-MM-dd}&to={DateTimeOffset.UtcNow.AddDays(1):yyyy-MM-dd}"));
        costs.GetProperty("total").GetProperty("events").GetInt64().ShouldBe(3);
        (await session.GetStringAsync("/metrics")).ShouldContain("panoptic_gateway_log_rows_written_total 3\n");
    }

    [Fact]
    public async Task Gateway_Errors_AreOpenAIShaped_AndEachIsLogged()
    {
        var (server, alice, _, key) = await GatewayAsync(keyOptions: new { name = "limited", allowed_models = GptFourO });
        using var http = new HttpClient { BaseAddress = server.Address };
        async Task<(HttpStatusCode Status, JsonElement Error)> Post(string body, string? bearer = null, string path = "/v1/chat/completions")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", bearer ?? key);
            var response = await http.SendAsync(request);
            return (response.StatusCode, (await JsonOf(response)).GetProperty("error"));
        }

        var (status, error) = await Post("""{"model":"gpt-4o-mini","messages":[""", bearer: key);
        (status, error.GetProperty("type").GetString()).ShouldBe((HttpStatusCode.BadRequest, "invalid_request_error"));
        (status, error) = await Post("""{"messages":[]}""");
        (status, error.GetProperty("param").GetString()).ShouldBe((HttpStatusCode.BadRequest, "model"));
        (status, error) = await Post("""{"model":"o3-mini","messages":[]}""");
        (status, error.GetProperty("code").GetString()).ShouldBe((HttpStatusCode.Forbidden, "model_not_allowed"));
        using (var routed = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("""{"model":"gpt-4o-2099","messages":[]}""", Encoding.UTF8, "application/json") })
        {
            routed.Headers.Authorization = new("Bearer", key);
            (await http.SendAsync(routed)).StatusCode.ShouldBe(HttpStatusCode.OK, "the key's pattern allows it and routes it to the OpenAI key; the upstream decides");
        }
        (status, error) = await Post("""{"model":"gpt-4o-mini","messages":[]}""", bearer: "pan_gk_wrong");
        (status, error.GetProperty("code").GetString()).ShouldBe((HttpStatusCode.Unauthorized, "invalid_api_key"));
        (status, error) = await Post("""{"model":"gpt-4o-mini","messages":[]}""", bearer: "sk-an-openai-key");
        status.ShouldBe(HttpStatusCode.Unauthorized);
        (status, error) = await Post("{\"model\":\"gpt-4o-mini\",\"messages\":[\"" + new string('x', 9 * 1024 * 1024) + "\"]}");
        (status, error.GetProperty("code").GetString()).ShouldBe((HttpStatusCode.RequestEntityTooLarge, "request_too_large"));

        // The official client raises its usual exception for the gateway's own errors.
        var refused = await Should.ThrowAsync<ClientResultException>(() => GatewayChat(server, key, "o3-mini").CompleteChatAsync([new UserChatMessage("hi")]));
        refused.Status.ShouldBe(403);

        // A revoked key stops at once.
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var keyId = (await JsonOf(await session.GetAsync("/api/v1/gateway/keys")))[0].GetProperty("id").GetString();
        (await session.DeleteAsync($"/api/v1/gateway/keys/{keyId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (status, error) = await Post("""{"model":"gpt-4o-mini","messages":[]}""");
        (status, error.GetProperty("message").GetString()).ShouldBe((HttpStatusCode.Unauthorized, "This gateway key was revoked."));

        var logs = await GatewayLogsAsync(server, alice, 6);
        logs.EnumerateArray().Select(l => l.GetProperty("status").GetInt32()).Order().ShouldBe([200, 400, 400, 403, 403, 413]);
    }

    [Theory]
    [InlineData("limited", 429, "rate_limit_exceeded")]
    [InlineData("html", 502, null)]
    [InlineData("badjson", 502, null)]
    [InlineData("hang", 504, null)]
    public async Task Gateway_AMisbehavingUpstream_GetsAClearError_AndTheGatewayStaysUp(string basePath, int expected, string? code)
    {
        var (server, alice, _, key) = await GatewayAsync(new Dictionary<string, string?> { ["Panoptic:GatewayUpstreamTimeout"] = "00:00:01" }, basePath + "/v1");
        var error = await Should.ThrowAsync<ClientResultException>(() => GatewayChat(server, key).CompleteChatAsync([new UserChatMessage("hi")]));
        error.Status.ShouldBe(expected);
        var body = error.GetRawResponse()!.Content.ToObjectFromJson<JsonElement>().GetProperty("error");
        body.GetProperty("message").GetString().ShouldNotBeNullOrEmpty();
        if (code is not null) body.GetProperty("code").GetString().ShouldBe(code);
        if (expected == 429) error.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var after).ShouldBeTrue();
        (await GatewayLogsAsync(server, alice, 1))[0].GetProperty("status").GetInt32().ShouldBe(expected);
        using var health = server.Client();
        (await health.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Gateway_InvalidJsonMidStream_EndsTheStreamWithAnError_AndIsLogged()
    {
        var (server, alice, _, key) = await GatewayAsync(basePath: "broken/v1");
        using var http = new HttpClient { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("""{"model":"gpt-4o-mini","stream":true,"messages":[]}""", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", key);
        var text = await (await http.SendAsync(request)).Content.ReadAsStringAsync();
        text.ShouldContain("\"Hel\"");
        text.ShouldContain("invalid JSON mid-stream");
        text.ShouldNotContain("\"lo\"");
        var log = (await GatewayLogsAsync(server, alice, 1))[0];
        (log.GetProperty("status").GetInt32(), log.GetProperty("estimated").GetBoolean()).ShouldBe((502, true));
    }

    [Fact]
    public async Task Gateway_ProviderKeys_AreNeverShownBack_AndWorkspacesCannotReachEachOther()
    {
        // Everything logged, down to Trace: the provider key must not be in any of it.
        var (server, alice, upstream, key) = await GatewayAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" });
        using var aliceSession = server.Client(alice.Token, alice.WorkspaceId);
        var bob = await server.OnboardAsync("bob@example.com", "Globex");
        using var bobSession = server.Client(bob.Token, bob.WorkspaceId);
        var seen = new StringBuilder();
        async Task<HttpResponseMessage> Seen(Task<HttpResponseMessage> call)
        {
            var response = await call;
            seen.Append(await response.Content.ReadAsStringAsync());
            return response;
        }

        var listed = await JsonOf(await Seen(aliceSession.GetAsync("/api/v1/gateway/provider-keys")));
        listed[0].GetProperty("hint").GetString().ShouldBe("sk-…1234");
        await GatewayChat(server, key).CompleteChatAsync([new UserChatMessage("hi")]);
        await GatewayLogsAsync(server, alice, 1);
        await Seen(aliceSession.GetAsync("/api/v1/gateway/logs"));
        await Seen(aliceSession.GetAsync("/api/v1/gateway/keys"));

        // Bob's workspace sees none of Alice's gateway: keys, provider keys, logs; and cannot delete them.
        (await JsonOf(await Seen(bobSession.GetAsync("/api/v1/gateway/provider-keys")))).GetArrayLength().ShouldBe(0);
        (await JsonOf(await Seen(bobSession.GetAsync("/api/v1/gateway/keys")))).GetArrayLength().ShouldBe(0);
        (await JsonOf(await Seen(bobSession.GetAsync("/api/v1/gateway/logs")))).GetProperty("data").GetArrayLength().ShouldBe(0);
        (await Seen(bobSession.DeleteAsync($"/api/v1/gateway/provider-keys/{listed[0].GetProperty("id").GetString()}"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var aliceKeyId = (await JsonOf(await aliceSession.GetAsync("/api/v1/gateway/keys")))[0].GetProperty("id").GetString();
        (await Seen(bobSession.DeleteAsync($"/api/v1/gateway/keys/{aliceKeyId}"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        // Bob's own gateway key cannot use Alice's provider key.
        var bobKey = (await JsonOf(await bobSession.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "bob-app" }))).GetProperty("key").GetString()!;
        var refused = await Should.ThrowAsync<ClientResultException>(() => GatewayChat(server, bobKey).CompleteChatAsync([new UserChatMessage("hi")]));
        (refused.Status, refused.Message).ShouldBe((404, refused.Message));
        seen.Append(refused.GetRawResponse()!.Content.ToString());

        seen.ToString().ShouldNotContain(UpstreamSecret);
        seen.ToString().ShouldNotContain("SECRET");
        server.Logs.Length.ShouldBeGreaterThan(1000, "trace logging captured the requests");
        server.Logs.ShouldNotContain("SECRET");
        upstream.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Gateway_MasterKeyRotation_KeepsProviderKeysReadable_AndTheOldKeyCanThenBeDropped()
    {
        var oldKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var (server, alice, upstream, key) = await GatewayAsync(new Dictionary<string, string?> { ["Panoptic:MasterKey"] = oldKey });
        await GatewayChat(server, key).CompleteChatAsync([new UserChatMessage("hi")]);
        await server.DisposeAsync();

        var rotating = await StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), new Dictionary<string, string?> { ["Panoptic:MasterKey"] = newKey, ["Panoptic:PreviousMasterKeys"] = oldKey });
        await GatewayChat(rotating, key).CompleteChatAsync([new UserChatMessage("hi")]);
        await rotating.DisposeAsync();

        var rotated = await StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), new Dictionary<string, string?> { ["Panoptic:MasterKey"] = newKey });
        await GatewayChat(rotated, key).CompleteChatAsync([new UserChatMessage("hi")]);
        upstream.Requests.Count.ShouldBe(3);
        upstream.Requests.ShouldAllBe(r => r.Authorization == "Bearer " + UpstreamSecret);
        await rotated.DisposeAsync();

        // With neither key the provider key cannot be read: a clear 500, never the ciphertext or a crash.
        var wrong = await StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), new Dictionary<string, string?> { ["Panoptic:MasterKey"] = oldKey });
        var error = await Should.ThrowAsync<ClientResultException>(() => GatewayChat(wrong, key).CompleteChatAsync([new UserChatMessage("hi")]));
        error.Status.ShouldBe(500);
        error.Message.ShouldContain("master key");
    }

    [Fact]
    public async Task Gateway_TheOfficialOpenAINpmClient_ChatsStreamsEmbedsListsAndSeesErrors()
    {
        var (server, _, _, key) = await GatewayAsync();
        var folder = Path.Combine(RepositoryRoot.Path, "tests", "openai-npm");
        Directory.Exists(Path.Combine(folder, "node_modules", "openai")).ShouldBeTrue("run ./test.sh, which installs tests/openai-npm with npm ci");
        var start = new System.Diagnostics.ProcessStartInfo("node", [Path.Combine(folder, "check.mjs"), new Uri(server.Address, "v1").ToString(), key])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var node = System.Diagnostics.Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        var errors = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        node.ExitCode.ShouldBe(0, errors);
        var result = JsonDocument.Parse(output).RootElement;
        result.GetProperty("chat").GetProperty("text").GetString().ShouldBe(string.Concat(FakeLlmUpstream.Words));
        result.GetProperty("chat").GetProperty("promptTokens").GetInt64().ShouldBe(1200);
        result.GetProperty("chat").GetProperty("requestId").GetString().ShouldNotBeNullOrEmpty("the client reads the gateway's x-request-id");
        result.GetProperty("stream").GetProperty("text").GetString().ShouldBe(string.Concat(FakeLlmUpstream.Words));
        result.GetProperty("stream").GetProperty("completionTokens").GetInt64().ShouldBe(6);
        result.GetProperty("embeddings").GetInt32().ShouldBe(3);
        result.GetProperty("models").EnumerateArray().Select(m => m.GetString()).ShouldContain("gpt-4o-mini");
        var error = result.GetProperty("error");
        (error.GetProperty("status").GetInt32(), error.GetProperty("code").GetString(), error.GetProperty("isNotFound").GetBoolean()).ShouldBe((404, "model_not_found", true));
    }

    [Fact]
    public async Task Gateway_AStreamTheClientAborts_IsLogged_AndPricedFromWhatWasRelayed_AsEstimated()
    {
        var (server, alice, upstream, key) = await GatewayAsync();
        upstream.HoldAfterFirstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var http = new HttpClient { BaseAddress = server.Address })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("""{"model":"gpt-4o-mini","stream":true,"messages":[]}""", Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", key);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            // The first words arrive while the upstream is still generating: then the client walks away.
            while (await reader.ReadLineAsync() is { } line && !line.Contains("\"Hel\"", StringComparison.Ordinal)) { }
        }
        var log = (await GatewayLogsAsync(server, alice, 1))[0];
        (log.GetProperty("status").GetInt32(), log.GetProperty("estimated").GetBoolean(), log.GetProperty("output_tokens").GetInt64()).ShouldBe((499, true, 1L));
        log.GetProperty("cost_usd").GetDecimal().ShouldBe(0.60m / 1_000_000m);
        upstream.HoldAfterFirstChunk.TrySetResult();
    }
}
