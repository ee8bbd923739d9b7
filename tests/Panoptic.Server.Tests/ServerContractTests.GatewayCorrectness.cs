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
}
