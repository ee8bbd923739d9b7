using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;

public abstract partial class ServerContractTests
{
    private readonly List<ScriptedLlmUpstream> _scripted = [];

    private static string PoolSecret(string name) => $"sk-pool-{name}-secret-0000";

    private static string PoolKeyName(string secret) => secret.Split('-')[2];

    /// <summary>
    /// A server on a clock whose timers wait for the test, an account, one scripted upstream, a provider key on it for
    /// each (name, weight, models) — one pool when their models overlap — and a gateway key.
    /// </summary>
    private async Task<(RunningServer Server, Onboarding.Tenant Alice, ScriptedLlmUpstream Upstream, string GatewayKey)> PoolAsync(
        (string Name, int Weight, string Model)[] keys, IDictionary<string, string?>? settings = null, int seed = 20261204)
    {
        var server = await StartAsync(new FakeTimeProvider(Now) { ManualTimers = true }, settings, s => s.AddSingleton(new Random(seed)));
        var alice = await server.OnboardAsync("alice@example.com");
        var upstream = await ScriptedLlmUpstream.StartAsync();
        _scripted.Add(upstream);
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        foreach (var (name, weight, model) in keys)
        {
            var created = await session.PostAsJsonAsync("/api/v1/gateway/provider-keys",
                new { name, provider = "openai", api_key = PoolSecret(name), base_url = upstream.BaseUrl, models = new[] { model }, weight });
            created.StatusCode.ShouldBe(HttpStatusCode.Created);
            (await JsonOf(created)).GetProperty("weight").GetInt32().ShouldBe(weight);
            // Keys are pooled oldest first: a fixed order, so the seeded draws split the same way every run.
            server.Time.Advance(TimeSpan.FromMilliseconds(1));
        }
        var key = await JsonOf(await session.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "support-app" }));
        // Back on a whole second, as an HTTP date's Retry-After is.
        server.Time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(keys.Length));
        return (server, alice, upstream, key.GetProperty("key").GetString()!);
    }

    private static async Task<HttpResponseMessage> PoolChatAsync(RunningServer server, string key, string model = "gpt-4o-mini", bool stream = false)
    {
        using var client = server.Client(key);
        return await client.PostAsJsonAsync("/v1/chat/completions", new { model, stream, messages = new[] { new { role = "user", content = "hi" } } });
    }

    /// <summary>The one log row that matches, once the writer has stored it.</summary>
    private static async Task<JsonElement> LogRowAsync(RunningServer server, Onboarding.Tenant who, int expected, Func<JsonElement, bool> match)
    {
        var rows = await GatewayLogsAsync(server, who, expected);
        return rows.EnumerateArray().Single(match);
    }

    [Fact]
    public async Task Gateway_APoolOfKeys_SplitsTrafficByWeight()
    {
        var (server, _, upstream, key) = await PoolAsync([("a", 3, "gpt-4o*"), ("b", 1, "gpt-4o*")]);
        for (var i = 0; i < 400; i++) (await PoolChatAsync(server, key)).StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.CallsWith(PoolSecret("a")).ShouldBeInRange(270, 330, $"3:1 over 400 requests, {upstream.CallsWith(PoolSecret("a"))} on a");
        upstream.CallsWith(PoolSecret("b")).ShouldBe(400 - upstream.CallsWith(PoolSecret("a")));
    }

    [Fact]
    public async Task Gateway_LeastInFlight_PrefersTheIdleKey()
    {
        // Weight would send nearly everything to "a"; least in flight sends the second request to the idle "b".
        var (server, _, upstream, key) = await PoolAsync([("a", 1000, "gpt-4o*"), ("b", 1, "gpt-4o*")], new Dictionary<string, string?> { ["Panoptic:GatewayBalancing"] = "LeastInFlight" });
        for (var round = 0; round < 3; round++)
        {
            upstream.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = PoolChatAsync(server, key);
            await Until(() => upstream.Held == 1);
            var second = PoolChatAsync(server, key);
            await Until(() => upstream.Held == 2);
            upstream.Calls.TakeLast(2).Order(StringComparer.Ordinal).ToArray().ShouldBe([PoolSecret("a"), PoolSecret("b")], $"round {round}: one request on each key");
            upstream.Hold.SetResult();
            (await first).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await second).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Gateway_A429WithRetryAfter_IsRetriedAfterTheWait_AndServes()
    {
        var (server, alice, upstream, key) = await PoolAsync([("a", 1, "gpt-4o*")]);
        upstream.Script(PoolSecret("a"), ScriptedLlmUpstream.Answer.Error(429, "2"));
        var response = PoolChatAsync(server, key);
        (await server.Time.NextDeadlineAsync()).ShouldBe(server.Time.Now.AddSeconds(2));
        server.Time.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        response.IsCompleted.ShouldBeFalse("the Retry-After is not over yet");
        server.Time.Advance(TimeSpan.FromSeconds(1));
        (await response).StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.CallsWith(PoolSecret("a")).ShouldBe(2);
        var log = await LogRowAsync(server, alice, 1, _ => true);
        (log.GetProperty("status").GetInt32(), log.GetProperty("upstream").GetString(), log.GetProperty("error").GetString())
            .ShouldBe((200, "a", "retried after: a: answered 429, waited 2 s"));
    }

    [Fact]
    public async Task Gateway_A5xx_IsRetriedWithBackoff_ThenFallsBack()
    {
        var (server, alice, upstream, key) = await PoolAsync([("a", 1, "model-a"), ("b", 1, "model-b")]);
        using (var session = server.Client(alice.Token, alice.WorkspaceId))
            (await session.PutAsJsonAsync("/api/v1/gateway/routes/pair", new { models = new[] { "model-a", "model-b" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var date = server.Time.Now.AddSeconds(3).ToString("R", CultureInfo.InvariantCulture);
        upstream.Script(PoolSecret("a"), ScriptedLlmUpstream.Answer.Error(503, date), ScriptedLlmUpstream.Answer.Error(502), ScriptedLlmUpstream.Answer.Error(500));
        var response = PoolChatAsync(server, key, "pair");
        var until = DateTimeOffset.Parse(date, CultureInfo.InvariantCulture);
        (await server.Time.NextDeadlineAsync()).ShouldBe(until, "Retry-After as an HTTP date (to the second)");
        server.Time.Advance(until - server.Time.Now);
        // The second retry waits a random time below 250 ms × 2 (full jitter), then the third failure falls back to "b".
        var start = server.Time.Now;
        while (!response.IsCompleted)
        {
            if (server.Time.Deadlines is { Count: > 0 } deadlines) server.Time.Advance(deadlines.Min() - server.Time.Now);
            await Task.Delay(10);
        }
        (server.Time.Now - start).ShouldBeLessThan(TimeSpan.FromMilliseconds(500));
        (await response).StatusCode.ShouldBe(HttpStatusCode.OK);
        (upstream.CallsWith(PoolSecret("a")), upstream.CallsWith(PoolSecret("b"))).ShouldBe((3, 1), "two retries (the default), then the fallback");
        var log = await LogRowAsync(server, alice, 1, _ => true);
        (log.GetProperty("status").GetInt32(), log.GetProperty("upstream").GetString()).ShouldBe((200, "b"));
        log.GetProperty("error").GetString().ShouldStartWith("fell back after: a: answered 503, waited 3 s; a: answered 502, waited ");
        log.GetProperty("error").GetString().ShouldEndWith(" s; a: answered 500");
    }

    [Fact]
    public async Task Gateway_NoRetry_AfterTheFirstStreamedByte()
    {
        var (server, alice, upstream, key) = await PoolAsync([("a", 1, "gpt-4o*"), ("b", 1, "gpt-4o*")]);
        // The first key called is over its limit; the other starts a stream and drops it: the client keeps what it had.
        upstream.ScriptAny(ScriptedLlmUpstream.Answer.Error(429, "20"), ScriptedLlmUpstream.Answer.BrokenStream);
        var response = await PoolChatAsync(server, key, stream: true);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("\"content\":\"Hel\"");
        body.ShouldContain("the upstream stopped sending mid-stream");
        var log = await LogRowAsync(server, alice, 1, _ => true);
        var calls = upstream.Calls.ToArray();
        calls.Length.ShouldBe(2, "no retry once the stream began");
        var (limited, streamed) = (PoolKeyName(calls[0]), PoolKeyName(calls[1]));
        (log.GetProperty("status").GetInt32(), log.GetProperty("upstream").GetString(), log.GetProperty("error").GetString())
            .ShouldBe((504, streamed, $"fell back after: {limited}: answered 429, cooling 20 s; then the upstream stopped sending mid-stream"));
    }

    [Fact]
    public async Task Gateway_ACooledKey_IsSkippedUntilItsTimePasses()
    {
        var (server, alice, upstream, key) = await PoolAsync([("a", 1, "gpt-4o*"), ("b", 1, "gpt-4o*")]);
        upstream.ScriptAny(ScriptedLlmUpstream.Answer.Error(429, "20"));
        (await PoolChatAsync(server, key)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var (cooled, serving) = (upstream.Calls.First(), upstream.Calls.Last());
        cooled.ShouldNotBe(serving);
        var log = await LogRowAsync(server, alice, 1, _ => true);
        log.GetProperty("error").GetString().ShouldBe($"fell back after: {PoolKeyName(cooled)}: answered 429, cooling 20 s");

        for (var i = 0; i < 10; i++) (await PoolChatAsync(server, key)).StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.CallsWith(cooled).ShouldBe(1, "cooling down: skipped");
        server.Time.Advance(TimeSpan.FromSeconds(19));
        for (var i = 0; i < 10; i++) (await PoolChatAsync(server, key)).StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.CallsWith(cooled).ShouldBe(1, "still cooling at 19 s");
        server.Time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 20; i++) (await PoolChatAsync(server, key)).StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.CallsWith(cooled).ShouldBeGreaterThan(1, "back in rotation after 20 s");
    }

    [Fact]
    public async Task Gateway_EveryKeyCooling_Answers429WithRetryAfter()
    {
        var (server, alice, upstream, key) = await PoolAsync([("a", 1, "gpt-4o*"), ("b", 1, "gpt-4o*")]);
        upstream.ScriptAny(ScriptedLlmUpstream.Answer.Error(429, "20"), ScriptedLlmUpstream.Answer.Error(429, "30"));
        // The second key is the last one left and asks for 30 s, more than GatewayRetryMaxDelay (10 s): its 429 is the answer.
        var relayed = await PoolChatAsync(server, key);
        (relayed.StatusCode, relayed.Headers.RetryAfter?.Delta).ShouldBe((HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(30)));
        upstream.Calls.Count.ShouldBe(2);

        server.Time.Advance(TimeSpan.FromSeconds(5));
        var refused = await PoolChatAsync(server, key);
        (refused.StatusCode, refused.Headers.RetryAfter?.Delta).ShouldBe((HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(15)), "the first key back is back in 15 s");
        var error = (await JsonOf(refused)).GetProperty("error");
        (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()).ShouldBe(("rate_limit_error", "rate_limit_exceeded"));
        error.GetProperty("message").GetString().ShouldBe("every provider key serving 'gpt-4o-mini' is over its provider's rate limit; try again in 15 s");
        upstream.Calls.Count.ShouldBe(2, "no key was called");
        var log = await LogRowAsync(server, alice, 2, l => l.GetProperty("error").GetString()!.StartsWith("skipped", StringComparison.Ordinal));
        log.GetProperty("status").GetInt32().ShouldBe(429);

        server.Time.Advance(TimeSpan.FromSeconds(15));
        (await PoolChatAsync(server, key)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        condition().ShouldBeTrue();
    }
}
