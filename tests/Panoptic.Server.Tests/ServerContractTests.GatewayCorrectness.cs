using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;

// What a new user met with the official clients: allowed models through aliases, unpriced models and budgets,
// rate-limit answers, fallback log rows, settings and roles, the model list, headers and the server log.
public abstract partial class ServerContractTests
{
    private static async Task AddAnthropicKeyAsync(HttpClient session, FakeLlmUpstream upstream) =>
        (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "anthropic", provider = "anthropic", api_key = "sk-ant-api03-correct-4242", base_url = new Uri(upstream.Address, "v1").ToString() }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

    private static async Task<HttpResponseMessage> PostChatAsync(HttpClient http, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", key);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Gateway_AllowedModels_AreCheckedAgainstEveryTargetOfAnAlias()
    {
        var (server, alice, upstream, key) = await GatewayAsync(keyOptions: new { name = "limited", allowed_models = GptFourO });
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        await AddAnthropicKeyAsync(session, upstream);
        (await session.PutAsJsonAsync("/api/v1/gateway/routes/gpt-4o-cheap", new { models = new[] { "claude-3-5-haiku-latest" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await session.PutAsJsonAsync("/api/v1/gateway/routes/best", new { models = new[] { "claude-3-5-haiku-latest", "gpt-4o-mini" } })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var refused = await Should.ThrowAsync<System.ClientModel.ClientResultException>(() => GatewayChat(server, key, "gpt-4o-cheap").CompleteChatAsync([new UserChatMessage("hi")]));
        refused.Status.ShouldBe(403);
        // Of an alias's models only those the key may use are tried.
        (await GatewayChat(server, key, "best").CompleteChatAsync([new UserChatMessage("hi")])).Value.Model.ShouldBe(FakeLlmUpstream.Model);
        upstream.Requests.ShouldNotContain(r => r.Path == "/v1/messages");
    }

    [Fact]
    public async Task Gateway_AnUnpricedModel_IsRefusedOnAKeyWithABudget_UntilItIsGivenAPrice()
    {
        var (server, alice, upstream, key) = await GatewayAsync(keyOptions: new { name = "capped", budget_usd = 0.000001m });
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "local", provider = "openai_compatible", api_key = "sk-local-5555-abcd", base_url = new Uri(upstream.Address, "v1").ToString(), models = new[] { "local-llm" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        using var http = new HttpClient { BaseAddress = server.Address };
        var body = new { model = "local-llm", messages = new[] { new { role = "user", content = "hi" } } };
        for (var i = 0; i < 20; i++)
        {
            using var response = await PostChatAsync(http, key, body);
            (response.StatusCode, (await JsonOf(response)).GetProperty("error").GetProperty("code").GetString()).ShouldBe((HttpStatusCode.Forbidden, "model_not_priced"));
        }
        upstream.Requests.ShouldBeEmpty();

        // A key may opt out; a key without a budget does not refuse by default.
        var created = await JsonOf(await session.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "open", budget_usd = 1m, refuse_unpriced = false }));
        created.GetProperty("refuse_unpriced").GetBoolean().ShouldBeFalse();
        using (var served = await PostChatAsync(http, created.GetProperty("key").GetString()!, body)) served.StatusCode.ShouldBe(HttpStatusCode.OK);
        var unlimited = (await JsonOf(await session.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "unlimited" }))).GetProperty("key").GetString()!;
        using (var served = await PostChatAsync(http, unlimited, body)) served.StatusCode.ShouldBe(HttpStatusCode.OK);

        // Given a price, the model is served within the budget like any other: this one cannot afford the call.
        (await session.PutAsJsonAsync("/api/v1/rate-card", new { version = "mine", llm = new[] { new { provider = "openai", models = new[] { "local-llm" }, prices = new[] { new { from = "2024-01-01", input = 1m, output = 2m } } } } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        using var priced = await PostChatAsync(http, key, body);
        (priced.StatusCode, (await JsonOf(priced)).GetProperty("error").GetProperty("code").GetString()).ShouldBe((HttpStatusCode.TooManyRequests, "insufficient_quota"));
    }

    [Fact]
    public async Task Gateway_ARateLimit429_SaysWhichLimit_AsOpenAIDoes()
    {
        var (server, alice, _, key) = await GatewayAsync(keyOptions: new { name = "small", tpm = 100 });
        using var http = new HttpClient { BaseAddress = server.Address };
        var body = new { model = "gpt-4o-mini", messages = Array.Empty<object>() };
        using (var first = await PostChatAsync(http, key, body)) first.StatusCode.ShouldBe(HttpStatusCode.OK, "its estimate fits; it used 1,500 tokens");
        using var tokens = await PostChatAsync(http, key, body);
        tokens.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var error = (await JsonOf(tokens)).GetProperty("error");
        (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()).ShouldBe(("tokens", "rate_limit_exceeded"));
        error.GetProperty("message").GetString()!.ShouldContain("tokens per min (TPM): Limit 100, Used 1500");

        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var slow = (await JsonOf(await session.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "slow", rpm = 1 }))).GetProperty("key").GetString()!;
        using (var first = await PostChatAsync(http, slow, body)) first.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var requests = await PostChatAsync(http, slow, body);
        (await JsonOf(requests)).GetProperty("error").GetProperty("type").GetString().ShouldBe("requests");
    }

    [Fact]
    public async Task Gateway_TokensPerMinute_HoldUnder100ConcurrentRequestsOnTwoServers()
    {
        // Each call is estimated at ~1,520 tokens (a token per 3 bytes of the body, max_tokens out) and uses 1,500: at most six fit in 10,000.
        var (first, alice, _, key) = await GatewayAsync(keyOptions: new { name = "tpm", tpm = 10_000 });
        var second = await StartAsync(first.Time);
        var body = new { model = "gpt-4o-mini", max_tokens = 300, messages = new[] { new { role = "user", content = new string('x', 3600) } } };
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            using var http = new HttpClient { BaseAddress = (i % 2 == 0 ? first : second).Address };
            using var response = await PostChatAsync(http, key, body);
            return (response.StatusCode, Type: response.StatusCode == HttpStatusCode.OK ? null : (await JsonOf(response)).GetProperty("error").GetProperty("type").GetString());
        }));
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBeInRange(1, 6);
        responses.Where(r => r.StatusCode != HttpStatusCode.OK).ShouldAllBe(r => r.StatusCode == HttpStatusCode.TooManyRequests && r.Type == "tokens");
    }

    [Fact]
    public async Task Gateway_Answers_CarryRateLimitRequestIdAndCostHeaders()
    {
        var (server, _, _, key) = await GatewayAsync(keyOptions: new { name = "limited", rpm = 5, tpm = 100_000 });
        using var http = new HttpClient { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(new { model = "gpt-4o-mini", messages = Array.Empty<object>() }) };
        request.Headers.Authorization = new("Bearer", key);
        request.Headers.Add("X-Request-Id", "req-from-the-client");
        using var response = await http.SendAsync(request);
        string Of(string name) => response.Headers.GetValues(name).Single();
        (Of("x-ratelimit-limit-requests"), Of("x-ratelimit-remaining-requests"), Of("x-ratelimit-limit-tokens")).ShouldBe(("5", "4", "100000"));
        long.Parse(Of("x-ratelimit-remaining-tokens"), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(99_900, 99_999);
        Of("x-ratelimit-reset-requests").ShouldEndWith("s");
        Of("x-ratelimit-reset-tokens").ShouldEndWith("s");
        Of("x-request-id").ShouldBe("req-from-the-client");
        Of("x-panoptic-cost-usd").ShouldBe("0.0002832");

        // The official client sees them too; without a request id of its own the gateway names the request.
        var completion = await GatewayChat(server, key).CompleteChatAsync([new UserChatMessage("hi")]);
        var headers = completion.GetRawResponse().Headers;
        headers.TryGetValue("x-request-id", out var id).ShouldBeTrue();
        id.ShouldNotBeNullOrEmpty();
        headers.TryGetValue("x-ratelimit-remaining-requests", out var remaining).ShouldBeTrue();
        remaining.ShouldBe("3");
    }

    [Fact]
    public async Task Gateway_AStreamThatFellBack_KeepsItInItsLogRow()
    {
        var (server, alice, upstream, key) = await GatewayAsync(basePath: "limited/v1");
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        await AddAnthropicKeyAsync(session, upstream);
        (await session.PutAsJsonAsync("/api/v1/gateway/routes/fast", new { models = new[] { "gpt-4o-mini", "claude-3-5-haiku-latest" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = new StringBuilder();
        await foreach (var update in GatewayChat(server, key, "fast").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
        text.ToString().ShouldBe(string.Concat(FakeLlmUpstream.Words));
        var log = (await GatewayLogsAsync(server, alice, 1))[0];
        (log.GetProperty("status").GetInt32(), log.GetProperty("stream").GetBoolean(), log.GetProperty("upstream").GetString()).ShouldBe((200, true, "anthropic"));
        log.GetProperty("error").GetString().ShouldBe("fell back after: openai-main: answered 429, cooling 1 s");
    }

    [Fact]
    public async Task Gateway_WhenEveryTargetFails_TheLogRowNamesEachFailure()
    {
        var (server, alice, upstream, key) = await GatewayAsync();
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        foreach (var name in new[] { "hang-a", "hang-b" })
            (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name, provider = "openai_compatible", api_key = "sk-hang-1234-abcd", base_url = new Uri(upstream.Address, "hang/v1").ToString(), models = new[] { name + "-model" }, timeout_seconds = 1 }))
                .StatusCode.ShouldBe(HttpStatusCode.Created);
        (await session.PutAsJsonAsync("/api/v1/gateway/routes/slow", new { models = new[] { "hang-a-model", "hang-b-model" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var error = await Should.ThrowAsync<System.ClientModel.ClientResultException>(() => GatewayChat(server, key, "slow").CompleteChatAsync([new UserChatMessage("hi")]));
        error.Status.ShouldBe(504);
        var logged = (await GatewayLogsAsync(server, alice, 1))[0].GetProperty("error").GetString()!;
        logged.ShouldStartWith("fell back after: hang-a: timed out; then ");
        logged.ShouldContain("'hang-b' did not answer within 1 s");
    }

    [Fact]
    public async Task Gateway_Settings_AreMerged_AndOnlyTheOwnerChangesThemOrProviderKeys()
    {
        var (server, alice, _, _) = await GatewayAsync();
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        (await session.PutAsJsonAsync("/api/v1/gateway/settings", new { log_bodies = true, redact = new[] { @"\bACME-\d+\b" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var merged = await JsonOf(await session.PutAsJsonAsync("/api/v1/gateway/settings", new { log_bodies = false }));
        (merged.GetProperty("log_bodies").GetBoolean(), merged.GetProperty("redact")[0].GetString()).ShouldBe((false, @"\bACME-\d+\b"));
        var patched = await JsonOf(await session.PatchAsJsonAsync("/api/v1/gateway/settings", new { redact = Array.Empty<string>() }));
        (patched.GetProperty("log_bodies").GetBoolean(), patched.GetProperty("redact").GetArrayLength()).ShouldBe((false, 0));

        var bob = await server.OnboardAsync("bob@example.com", "Bob's own");
        (await session.PostAsJsonAsync("/api/v1/members", new { email = "bob@example.com" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var member = server.Client(bob.Token, alice.WorkspaceId);
        (await member.GetAsync("/api/v1/gateway/settings")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await member.PutAsJsonAsync("/api/v1/gateway/settings", new { log_bodies = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await member.PatchAsJsonAsync("/api/v1/gateway/settings", new { log_bodies = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await member.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "mine", provider = "openai", api_key = "sk-proj-member-0000" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var id = (await JsonOf(await member.GetAsync("/api/v1/gateway/provider-keys")))[0].GetProperty("id").GetString();
        (await member.PutAsJsonAsync($"/api/v1/gateway/provider-keys/{id}/secret", new { api_key = "sk-proj-member-0000" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await member.DeleteAsync($"/api/v1/gateway/provider-keys/{id}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await JsonOf(await session.GetAsync("/api/v1/gateway/settings"))).GetProperty("log_bodies").GetBoolean().ShouldBeFalse();
        (await JsonOf(await session.GetAsync("/api/v1/gateway/provider-keys"))).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Gateway_ASmallBudget_ReservesWhatItAffords_WhenARequestSetsNoMaxTokens()
    {
        // $0.001 pays for ~1,660 gpt-4o-mini output tokens ($0.60 a million) after a short prompt: less than the 4,096 once reserved.
        var (server, alice, upstream, key) = await GatewayAsync(keyOptions: new { name = "small", budget_usd = 0.001m });
        using var http = new HttpClient { BaseAddress = server.Address };
        var body = new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "hi" } } };
        using (var served = await PostChatAsync(http, key, body)) served.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var sent = JsonDocument.Parse(upstream.Requests.Single().Body))
            sent.RootElement.GetProperty("max_completion_tokens").GetInt64().ShouldBeInRange(1_500, 1_666, "the budget bounds the answer, so the reservation holds");

        using var greedy = await PostChatAsync(http, key, new { model = "gpt-4o-mini", max_tokens = 100_000, messages = new[] { new { role = "user", content = "hi" } } });
        greedy.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var message = (await JsonOf(greedy)).GetProperty("error").GetProperty("message").GetString()!;
        message.ShouldContain("100000 output tokens: its max_tokens");
        message.ShouldContain("of $0.001 is left");

        // With room in the budget the model's own output limit is reserved, and the request goes as sent.
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var roomy = (await JsonOf(await session.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "roomy", budget_usd = 1m }))).GetProperty("key").GetString()!;
        using (var served = await PostChatAsync(http, roomy, body)) served.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var sent = JsonDocument.Parse(upstream.Requests.Last().Body)) sent.RootElement.TryGetProperty("max_completion_tokens", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Gateway_Models_ListsWhatTheKeyCanCall_PatternsResolvedAndAliasesIncluded()
    {
        var (server, alice, upstream, unlimited) = await GatewayAsync();
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var openAi = (await JsonOf(await session.GetAsync("/api/v1/gateway/provider-keys")))[0].GetProperty("id").GetString();
        (await session.DeleteAsync($"/api/v1/gateway/provider-keys/{openAi}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "proxy", provider = "openai_compatible", api_key = "sk-proxy-7777-abcd", base_url = new Uri(upstream.Address, "v1").ToString(), models = new[] { "gpt-4o*", "local-llm" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        await AddAnthropicKeyAsync(session, upstream);
        (await session.PutAsJsonAsync("/api/v1/gateway/routes/fast", new { models = new[] { "gpt-4o-mini", "claude-3-5-haiku-latest" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await session.PutAsJsonAsync("/api/v1/gateway/routes/poet", new { models = new[] { "claude-3-5-haiku-latest" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await session.PutAsJsonAsync("/api/v1/gateway/routes/nowhere", new { models = new[] { "mistral-large" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var limited = (await JsonOf(await session.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "limited", allowed_models = GptFourO }))).GetProperty("key").GetString()!;

        async Task<List<string>> ModelsOf(string key) => [.. (await new OpenAI.Models.OpenAIModelClient(new System.ClientModel.ApiKeyCredential(key),
            new OpenAI.OpenAIClientOptions { Endpoint = new Uri(server.Address, "v1") }).GetModelsAsync()).Value.Select(m => m.Id)];
        var all = await ModelsOf(unlimited);
        all.ShouldContain("gpt-4o-mini");
        all.ShouldContain("gpt-4o");
        all.ShouldContain("local-llm");
        all.ShouldContain("claude-3-5-haiku-latest");
        all.ShouldNotContain("gpt-4o-2024", "a pattern of the rate card names no model one can call");
        all.ShouldContain("fast");
        all.ShouldContain("poet");
        all.ShouldNotContain("nowhere", "no provider key serves its model");
        var some = await ModelsOf(limited);
        some.ShouldContain("gpt-4o-mini");
        some.ShouldContain("fast", "one of its targets is a model the key may use");
        some.ShouldAllBe(m => m == "fast" || m.StartsWith("gpt-4o", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Information", 0)]
    [InlineData("Debug", 1)]
    public async Task Gateway_UpstreamCalls_AreLoggedOnceAtDebug_NotByHttpClientAtInformation(string level, int lines)
    {
        var (server, alice, _, key) = await GatewayAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = level });
        await GatewayChat(server, key).CompleteChatAsync([new UserChatMessage("hi")]);
        await GatewayLogsAsync(server, alice, 1);
        server.Logs.ShouldNotContain("System.Net.Http.HttpClient");
        server.Logs.Split('\n').Count(l => l.Contains("UpstreamCallLogger: Upstream POST", StringComparison.Ordinal) && l.Contains("/v1/chat/completions answered 200", StringComparison.Ordinal))
            .ShouldBe(lines);
    }
}
