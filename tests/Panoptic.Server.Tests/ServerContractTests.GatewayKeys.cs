using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;


// The gateway's keys and what they limit: budgets, rate limits, expiry, provider-key rotation, logged bodies, usage.
public abstract partial class ServerContractTests
{
    [Fact]
    public async Task Gateway_ABudgetInDollars_IsKeptToTheNearestNanoDollar_NotTruncated()
    {
        // $0.0000000019 is 1.9 nano-dollars: the one rounding rule keeps 2, truncation kept 1.
        var (server, alice, _, _) = await GatewayAsync(keyOptions: new { name = "tiny", budget_usd = 0.0000000019m });
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var view = (await JsonOf(await session.GetAsync("/api/v1/gateway/keys")))[0];
        view.GetProperty("budget_usd").GetDecimal().ShouldBe(0.000000002m);
    }

    [Fact]
    public async Task Gateway_Budget_Holds_Under100ConcurrentRequests()
    {
        // Each call really costs $0.0002832 (gpt-4o-mini, 1,200 input of which 1,024 cached, 300 output); the budget fits ten.
        const decimal actual = (176 * 0.15m + 1024 * 0.075m + 300 * 0.60m) / 1_000_000m;
        var (server, alice, _, key) = await GatewayAsync(keyOptions: new { name = "capped", budget_usd = 0.003m });
        using var http = new HttpClient { BaseAddress = server.Address };
        // A prompt long enough that the reservation (a token per 3 bytes, max_tokens out) covers what the upstream reports.
        var body = JsonSerializer.Serialize(new { model = "gpt-4o-mini", max_tokens = 300, messages = new[] { new { role = "user", content = new string('x', 4000) } } });
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", key);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, Code: response.StatusCode == HttpStatusCode.OK ? null : (await JsonOf(response)).GetProperty("error").GetProperty("code").GetString());
        }));
        var succeeded = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        succeeded.ShouldBeInRange(7, 10, "at least budget / reservation, at most budget / actual cost");
        responses.Where(r => r.StatusCode != HttpStatusCode.OK).ShouldAllBe(r => r.StatusCode == HttpStatusCode.TooManyRequests && r.Code == "insufficient_quota");

        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var view = (await JsonOf(await session.GetAsync("/api/v1/gateway/keys")))[0];
        view.GetProperty("spent_usd").GetDecimal().ShouldBe(succeeded * actual);
        view.GetProperty("spent_usd").GetDecimal().ShouldBeLessThanOrEqualTo(0.003m);
    }

    [Fact]
    public async Task Gateway_RequestsPerMinute_HoldAcrossTwoServers()
    {
        var (first, alice, _, key) = await GatewayAsync(keyOptions: new { name = "slow", rpm = 5 });
        var second = await StartAsync(first.Time);
        var statuses = new List<int>();
        string? retryAfter = null;
        for (var i = 0; i < 12; i++)
        {
            using var http = new HttpClient { BaseAddress = (i % 2 == 0 ? first : second).Address };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("""{"model":"gpt-4o-mini","messages":[]}""", Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", key);
            using var response = await http.SendAsync(request);
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                (await JsonOf(response)).GetProperty("error").GetProperty("code").GetString().ShouldBe("rate_limit_exceeded");
            }
        }
        statuses.Count(s => s == 200).ShouldBe(5);
        statuses.Count(s => s == 429).ShouldBe(7);
        double.Parse(retryAfter!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 60);

        first.Time.Advance(TimeSpan.FromMinutes(1));
        (await GatewayChat(second, key).CompleteChatAsync([new UserChatMessage("hi")])).Value.Content[0].Text.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Gateway_Usage_GroupsByKeyModelTenantAndDay()
    {
        var (server, alice, _, key) = await GatewayAsync();
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var second = (await JsonOf(await session.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "batch-jobs" }))).GetProperty("key").GetString()!;
        using var http = new HttpClient { BaseAddress = server.Address };
        async Task Ask(string gatewayKey, string tenant)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("""{"model":"gpt-4o-mini","messages":[]}""", Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", gatewayKey);
            request.Headers.Add("X-Panoptic-Tenant", tenant);
            (await http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        await Ask(key, "acme");
        await Ask(key, "acme");
        await Ask(second, "globex");
        await GatewayLogsAsync(server, alice, 3);
        const decimal each = (176 * 0.15m + 1024 * 0.075m + 300 * 0.60m) / 1_000_000m;

        var byTenant = await JsonOf(await session.GetAsync("/api/v1/gateway/usage?group_by=tenant"));
        byTenant.EnumerateArray().Select(r => (r.GetProperty("key").GetString(), r.GetProperty("requests").GetInt64(), r.GetProperty("cost_usd").GetDecimal()))
            .ShouldBe([("acme", 2L, 2 * each), ("globex", 1L, each)]);
        var byKey = await JsonOf(await session.GetAsync("/api/v1/gateway/usage?group_by=key"));
        byKey.GetArrayLength().ShouldBe(2);
        var firstKey = byKey[0].GetProperty("key").GetString();
        var logsOfKey = await JsonOf(await session.GetAsync($"/api/v1/gateway/logs?key_id={firstKey}"));
        logsOfKey.GetProperty("data").GetArrayLength().ShouldBe((int)byKey[0].GetProperty("requests").GetInt64());
        var byModel = await JsonOf(await session.GetAsync("/api/v1/gateway/usage?group_by=model"));
        (byModel[0].GetProperty("key").GetString(), byModel[0].GetProperty("input_tokens").GetInt64(), byModel[0].GetProperty("cached_tokens").GetInt64())
            .ShouldBe((FakeLlmUpstream.Model, 3600L, 3072L));
        var byDay = await JsonOf(await session.GetAsync("/api/v1/gateway/usage?group_by=day"));
        byDay[0].GetProperty("key").GetString().ShouldBe(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        (await session.GetAsync("/api/v1/gateway/usage?group_by=color")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var bob = await server.OnboardAsync("bob@example.com", "Globex");
        using var bobSession = server.Client(bob.Token, bob.WorkspaceId);
        var bobUsage = await JsonOf(await bobSession.GetAsync("/api/v1/gateway/usage?group_by=tenant"));
        bobUsage.GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Gateway_Bodies_AreNotStoredByDefault_AndWhenOptedInAreRedacted()
    {
        var (server, alice, _, key) = await GatewayAsync();
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var chat = GatewayChat(server, key);
        const string prompt = "My card is 4242424242424242 and my key is sk-proj-abcdefghijklmnopqrstuvwx";
        await chat.CompleteChatAsync([new UserChatMessage(prompt)]);
        var first = (await GatewayLogsAsync(server, alice, 1))[0].GetProperty("id").GetString();
        (await session.GetAsync($"/api/v1/gateway/logs/{first}/body")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await session.PutAsJsonAsync("/api/v1/gateway/settings", new { log_bodies = true, redact = new[] { "(" } })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await session.PutAsJsonAsync("/api/v1/gateway/settings", new { log_bodies = true, redact = new[] { @"\b\d{16}\b" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await chat.CompleteChatAsync([new UserChatMessage(prompt)]);
        // The test's clock stands still, so both ids carry the same millisecond: pick the one that is not the first.
        var second = (await GatewayLogsAsync(server, alice, 2)).EnumerateArray().Select(l => l.GetProperty("id").GetString()).Single(id => id != first);
        HttpResponseMessage response = null!;
        for (var i = 0; i < 200 && (response = await session.GetAsync($"/api/v1/gateway/logs/{second}/body")).StatusCode == HttpStatusCode.NotFound; i++) await Task.Delay(10);
        var bodies = await JsonOf(response);
        var request = bodies.GetProperty("request").GetString()!;
        request.ShouldContain("My card is [redacted] and my key is [redacted]");
        request.ShouldNotContain("4242424242424242");
        request.ShouldNotContain("sk-proj-abcdef");
        bodies.GetProperty("response").GetString()!.ShouldContain(string.Concat(FakeLlmUpstream.Words));

        // Another workspace cannot read them.
        var bob = await server.OnboardAsync("bob@example.com", "Globex");
        using var bobSession = server.Client(bob.Token, bob.WorkspaceId);
        (await bobSession.GetAsync($"/api/v1/gateway/logs/{second}/body")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Gateway_AnExpiredKey_Fails_AndAPastExpiryIsRefused()
    {
        var (server, alice, _, _) = await GatewayAsync();
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var now = server.Time.GetUtcNow();
        (await session.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "late", expires_at = now.AddMinutes(-1) })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var key = (await JsonOf(await session.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "trial", expires_at = now.AddHours(1) }))).GetProperty("key").GetString()!;
        (await GatewayChat(server, key).CompleteChatAsync([new UserChatMessage("hi")])).Value.Content.ShouldNotBeEmpty();
        server.Time.Advance(TimeSpan.FromHours(1));
        var expired = await Should.ThrowAsync<ClientResultException>(() => GatewayChat(server, key).CompleteChatAsync([new UserChatMessage("hi")]));
        (expired.Status, expired.GetRawResponse()!.Content.ToObjectFromJson<JsonElement>().GetProperty("error").GetProperty("message").GetString())
            .ShouldBe((401, "This gateway key has expired."));
        var listed = (await JsonOf(await session.GetAsync("/api/v1/gateway/keys"))).EnumerateArray().Single(k => k.GetProperty("name").GetString() == "trial");
        listed.GetProperty("active").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Gateway_AProviderKey_CanBeRotated_AndCarriesItsOwnTimeout()
    {
        var (server, alice, upstream, key) = await GatewayAsync();
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var id = (await JsonOf(await session.GetAsync("/api/v1/gateway/provider-keys")))[0].GetProperty("id").GetString();
        var rotated = await JsonOf(await session.PutAsJsonAsync($"/api/v1/gateway/provider-keys/{id}/secret", new { api_key = "sk-proj-rotated-NEW-value-9876" }));
        rotated.GetProperty("hint").GetString().ShouldBe("sk-…9876");
        await GatewayChat(server, key).CompleteChatAsync([new UserChatMessage("hi")]);
        upstream.Requests.Last().Authorization.ShouldBe("Bearer sk-proj-rotated-NEW-value-9876");
        (await session.PutAsJsonAsync("/api/v1/gateway/provider-keys/pk_nope/secret", new { api_key = "sk-proj-whatever-1234" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // A slow self-hosted model gets its own timeout: 1 s here, while the server's default is 120 s.
        (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "slow", provider = "openai_compatible", api_key = "sk-local-1234-abcd", base_url = new Uri(upstream.Address, "hang/v1").ToString(), models = new[] { "local-*" }, timeout_seconds = 1 }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Should.ThrowAsync<ClientResultException>(() => GatewayChat(server, key, "local-llama").CompleteChatAsync([new UserChatMessage("hi")]));
        (error.Status, clock.Elapsed < TimeSpan.FromSeconds(30)).ShouldBe((504, true));
        (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "bad", provider = "openai", api_key = "sk-proj-whatever-1234", timeout_seconds = 0 })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
