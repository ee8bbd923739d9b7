using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;


// Where the gateway sends a request: Anthropic passed through and adapted, aliases with fallbacks and retries.
public abstract partial class ServerContractTests
{
    [Fact]
    public async Task Gateway_AnthropicClient_MessagesAndStreams_PassThrough_AndArePriced()
    {
        const string anthropicSecret = "sk-ant-api03-SECRET-anthropic-5678";
        var (server, alice, upstream, key) = await GatewayAsync();
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "anthropic", provider = "anthropic", api_key = anthropicSecret, base_url = new Uri(upstream.Address, "v1").ToString() }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var client = new Anthropic.AnthropicClient { ApiKey = key, BaseUrl = server.Address.ToString().TrimEnd('/'), MaxRetries = 0 };
        var parameters = new Anthropic.Models.Messages.MessageCreateParams { MaxTokens = 64, Messages = [new Anthropic.Models.Messages.UserMessageParam("hi")], Model = "claude-3-5-haiku-latest" };

        var message = await client.Messages.Create(parameters);
        (message.Usage.InputTokens, message.Usage.CacheReadInputTokens, message.Usage.OutputTokens).ShouldBe((2000L, (long?)1500L, 15L));
        var events = 0;
        await foreach (var _ in client.Messages.CreateStreaming(parameters)) events++;
        events.ShouldBeGreaterThan(FakeLlmUpstream.Words.Length);

        upstream.Requests.Where(r => r.Path == "/v1/messages").Select(r => r.Authorization).ShouldBe([anthropicSecret, anthropicSecret]);
        var logs = await GatewayLogsAsync(server, alice, 2);
        foreach (var log in logs.EnumerateArray())
        {
            (log.GetProperty("endpoint").GetString(), log.GetProperty("status").GetInt32(), log.GetProperty("model_served").GetString()).ShouldBe(("/v1/messages", 200, FakeLlmUpstream.AnthropicModel));
            (log.GetProperty("input_tokens").GetInt64(), log.GetProperty("cached_tokens").GetInt64(), log.GetProperty("output_tokens").GetInt64()).ShouldBe((3500L, 1500L, 15L));
            // claude-3-5-haiku: $0.80 per million input, $0.08 cached, $4 output.
            log.GetProperty("cost_usd").GetDecimal().ShouldBe((2000 * 0.8m + 1500 * 0.08m + 15 * 4m) / 1_000_000m);
        }

        // Errors reach Anthropic clients in Anthropic's envelope.
        using var http = new HttpClient { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent("""{"model":"gpt-4o-mini","max_tokens":5,"messages":[]}""", Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", key);
        var response = await http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = await JsonOf(response);
        (error.GetProperty("type").GetString(), error.GetProperty("error").GetProperty("type").GetString()).ShouldBe(("error", "invalid_request_error"));
        var wrongKey = new Anthropic.AnthropicClient { ApiKey = "pan_gk_wrong", BaseUrl = server.Address.ToString().TrimEnd('/'), MaxRetries = 0 };
        var refused = await Should.ThrowAsync<Exception>(() => wrongKey.Messages.Create(parameters));
        $"{refused.ShouldBeAssignableTo<Anthropic.Exceptions.AnthropicServiceException>()!.Type}".ShouldContain("authentication", Case.Insensitive);
    }

    [Fact]
    public async Task Gateway_ChatCompletionsForClaude_GoThroughTheAnthropicAdapter_StreamsIncluded()
    {
        var (server, alice, upstream, key) = await GatewayAsync();
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "anthropic", provider = "anthropic", api_key = "sk-ant-api03-adapter-9999", base_url = new Uri(upstream.Address, "v1").ToString() }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var chat = GatewayChat(server, key, "claude-3-5-haiku-latest");

        var completion = (await chat.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("hi")])).Value;
        completion.Content[0].Text.ShouldBe(string.Concat(FakeLlmUpstream.Words));
        (completion.Model, completion.FinishReason).ShouldBe((FakeLlmUpstream.AnthropicModel, ChatFinishReason.Stop));
        (completion.Usage.InputTokenCount, completion.Usage.InputTokenDetails.CachedTokenCount, completion.Usage.OutputTokenCount).ShouldBe((3500, 1500, 15));

        var text = new StringBuilder();
        ChatTokenUsage? streamedUsage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            streamedUsage ??= update.Usage;
        }
        text.ToString().ShouldBe(string.Concat(FakeLlmUpstream.Words));
        streamedUsage.ShouldNotBeNull().OutputTokenCount.ShouldBe(15);

        using (var sent = JsonDocument.Parse(upstream.Requests.First(r => r.Path == "/v1/messages").Body))
        {
            sent.RootElement.GetProperty("system").GetString().ShouldBe("Be brief.");
            sent.RootElement.GetProperty("max_tokens").GetInt64().ShouldBe(4096);
        }
        var logs = await GatewayLogsAsync(server, alice, 2);
        logs.EnumerateArray().ShouldAllBe(l => l.GetProperty("endpoint").GetString() == "/v1/chat/completions" && l.GetProperty("input_tokens").GetInt64() == 3500
            && l.GetProperty("cost_usd").GetDecimal() == (2000 * 0.8m + 1500 * 0.08m + 15 * 4m) / 1_000_000m);
    }

    [Fact]
    public async Task Gateway_AnAlias_FallsBackInOrder_AndA5xxIsRetriedOnTheSameUpstream()
    {
        var (server, alice, upstream, key) = await GatewayAsync(basePath: "limited/v1");
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "anthropic", provider = "anthropic", api_key = "sk-ant-api03-fallback-1111", base_url = new Uri(upstream.Address, "v1").ToString() }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        (await session.PutAsJsonAsync("/api/v1/gateway/routes/fast", new { models = new[] { "gpt-4o-mini", "claude-3-5-haiku-latest" } })).StatusCode.ShouldBe(HttpStatusCode.OK);

        // gpt-4o-mini answers 429 (the "limited" upstream): the alias falls back to Claude, through the adapter.
        var completion = (await GatewayChat(server, key, "fast").CompleteChatAsync([new UserChatMessage("hi")])).Value;
        (completion.Model, completion.Content[0].Text).ShouldBe((FakeLlmUpstream.AnthropicModel, string.Concat(FakeLlmUpstream.Words)));
        var log = (await GatewayLogsAsync(server, alice, 1))[0];
        (log.GetProperty("model_requested").GetString(), log.GetProperty("upstream").GetString(), log.GetProperty("status").GetInt32()).ShouldBe(("fast", "anthropic", 200));
        log.GetProperty("error").GetString().ShouldBe("fell back after: openai-main: answered 429, cooling 1 s");

        // A flaky upstream (every other call a 500) is retried once and serves.
        (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "flaky", provider = "openai_compatible", api_key = "sk-flaky-2222-abcd", base_url = new Uri(upstream.Address, "flaky/v1").ToString(), models = new[] { "flaky-model" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var before = upstream.Requests.Count(r => r.Path.StartsWith("/flaky", StringComparison.Ordinal));
        (await GatewayChat(server, key, "flaky-model").CompleteChatAsync([new UserChatMessage("hi")])).Value.Content[0].Text.ShouldNotBeEmpty();
        upstream.Requests.Count(r => r.Path.StartsWith("/flaky", StringComparison.Ordinal)).ShouldBe(before + 1, "the first call failed before its body was read, the retry served");

        (await session.PutAsJsonAsync("/api/v1/gateway/routes/bad*", new { models = new[] { "x" } })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonOf(await session.GetAsync("/api/v1/gateway/routes")))[0].GetProperty("models").GetArrayLength().ShouldBe(2);
    }
}
