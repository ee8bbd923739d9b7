using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Panoptic.Storage;
using Panoptic.Storage.Gateway;
using OpenAI.Chat;

namespace Panoptic.Server.Tests;

/// <summary>The savings advisor over a generated month with known answers, each saving worked out by hand below.</summary>
public abstract partial class ServerContractTests
{
    [Fact]
    public async Task Recommendations_OnAGeneratedMonth_HaveTheSavingsWorkedOutByHand_AndAreKeptForTheDay()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        using var session = server.Client(alice.Token);
        var store = server.Services.GetRequiredService<PanopticStore>();
        var nov = (int day) => new DateTimeOffset(2026, 11, day, 12, 0, 0, TimeSpan.Zero);

        // Right-sizing: 400 small gpt-4o calls of feature tagging (2,000 in, 80 out: $0.0058 each, $2.32) beside 100 large
        // ones (2,000 in, 800 out). On gpt-4o-mini the small ones cost 2,000 × $0.15/M + 80 × $0.60/M = $0.000348 each,
        // $0.1392 in all: a saving of $2.1808, $2.18.
        var events = new List<object>();
        for (var i = 0; i < 400; i++) events.Add(Event($"s{i}", nov(10), model: "gpt-4o", usage: new { input_tokens = 2000, output_tokens = 80 }, feature: "tagging"));
        for (var i = 0; i < 100; i++) events.Add(Event($"l{i}", nov(10), model: "gpt-4o", usage: new { input_tokens = 2000, output_tokens = 800 }, feature: "tagging"));
        // Spend on a provider the registry does not list: $3.00 on Resend.
        events.Add(Event("mail", nov(20), provider: "resend", model: "", cost: new { amount = 3 }, feature: "email"));
        (await key.PostAsJsonAsync("/api/v1/events", events)).StatusCode.ShouldBe(HttpStatusCode.OK);
        while (await store.RollUpAsync() > 0) { }
        (await key.PostAsync("/api/v1/registries", Raw(Registry("openai", "twilio")))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var logs = new List<GatewayLog>();
        GatewayLog Log(string id, int day, string model, string feature, long costNanos) => new()
        {
            WorkspaceId = alice.WorkspaceId, Id = id, At = nov(day), KeyId = "gk", Endpoint = "/v1/chat/completions", ModelRequested = model, ModelServed = model,
            Status = 200, Feature = feature, CostNanos = costNanos, InputTokens = 10, OutputTokens = 10,
        };
        // Batch: 200 calls of nightly-digest at $0.01, none streamed: $2.00, half at the batch discount: a saving of $1.00.
        for (var i = 0; i < 200; i++) logs.Add(Log($"d{i}", 15, "gpt-4o-mini", "nightly-digest", 10_000_000));
        // Exact duplicates: one request sent 5 times at $0.50 on November 12 ($2.50); a response cache pays the first: $2.00 saved.
        for (var i = 0; i < 5; i++) logs.Add(Log($"f{i}", 12, "gpt-4o-mini", "faq", 500_000_000) with { RequestHash = "same" });
        logs.Add(Log("f-other", 12, "gpt-4o-mini", "faq", 500_000_000) with { RequestHash = "other" });
        // Prompt caching: 101 streamed gpt-4o calls of support share a 40,000-character prefix: 100 repeats × 10,000 tokens,
        // less 100,000 tokens the provider already cached, leave 900,000 tokens at $2.50/M ($2.25) that cost $1.25/M cached:
        // a saving of $1.125, $1.13.
        for (var i = 0; i < 101; i++)
            logs.Add(Log($"p{i}", 13, "gpt-4o", "support", 1_000_000) with { RequestHash = $"r{i}", PrefixHash = "prefix", PrefixChars = 40_000, CachedTokens = i < 10 ? 10_000 : 0, Stream = true });
        await store.AppendGatewayLogsAsync(logs);
        await store.AppendGatewayLogsAsync(logs[..50]); // a retried batch counts nothing twice

        (await session.PostAsJsonAsync("/api/v1/budgets", new { name = "All", amount = 8 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var budget = (await JsonOf(await session.GetAsync("/api/v1/budgets")))[0];
        budget.GetProperty("projected_overspend").GetBoolean().ShouldBeTrue();

        var report = await JsonOf(await session.GetAsync("/api/v1/recommendations"));
        report.GetProperty("from").GetString().ShouldBe("2026-10-23");
        report.GetProperty("to").GetString().ShouldBe("2026-11-22");
        report.GetProperty("cached").GetBoolean().ShouldBeFalse();
        var found = report.GetProperty("recommendations").EnumerateArray().ToList();
        found.Select(r => r.GetProperty("kind").GetString()).ShouldBe(["right_sizing", "exact_duplicates", "prompt_caching", "batch", "idle_api", "undeclared_spend", "budget_risk"]);
        found.Select(r => r.GetProperty("savings_usd").ValueKind == JsonValueKind.Null ? (decimal?)null : r.GetProperty("savings_usd").GetDecimal())
            .ShouldBe([2.18m, 2.00m, 1.13m, 1.00m, null, null, null]);
        report.GetProperty("savings_usd").GetDecimal().ShouldBe(6.31m);

        var rightSizing = found[0];
        (rightSizing.GetProperty("current_usd").GetDecimal(), rightSizing.GetProperty("proposed_usd").GetDecimal()).ShouldBe((2.32m, 0.14m));
        (rightSizing.GetProperty("model").GetString(), rightSizing.GetProperty("feature").GetString()).ShouldBe(("gpt-4o", "tagging"));
        rightSizing.GetProperty("evidence").GetProperty("small_share").GetDouble().ShouldBe(0.8);
        rightSizing.GetProperty("evidence").GetProperty("proposed_model").GetString().ShouldBe("gpt-4o-mini");
        rightSizing.GetProperty("summary").GetString().ShouldBe("80 % of gpt-4o calls in feature 'tagging' (400 of 500) have under 100 output tokens and prompts under 4,000 tokens; "
            + "the same calls on gpt-4o-mini would have cost $0.14 instead of $2.32.");
        found[1].GetProperty("evidence").GetProperty("repeated_requests").GetInt64().ShouldBe(4);
        found[2].GetProperty("evidence").GetProperty("cacheable_tokens").GetInt64().ShouldBe(900_000);
        (found[2].GetProperty("current_usd").GetDecimal(), found[2].GetProperty("proposed_usd").GetDecimal()).ShouldBe((2.25m, 1.13m));
        found[3].GetProperty("feature").GetString().ShouldBe("nightly-digest");
        found[4].GetProperty("provider").GetString().ShouldBe("twilio");
        (found[5].GetProperty("provider").GetString(), found[5].GetProperty("current_usd").GetDecimal()).ShouldBe(("resend", 3.00m));
        var risk = found[6].GetProperty("evidence");
        risk.GetProperty("projected_usd").GetDecimal().ShouldBe(budget.GetProperty("projection").GetProperty("projected").GetDecimal());
        risk.GetProperty("drivers")[0].GetProperty("feature").GetString().ShouldBe("email");
        risk.GetProperty("drivers")[0].GetProperty("spend_7d_usd").GetDecimal().ShouldBe(3.00m);

        // Kept for the day: more traffic changes nothing until tomorrow or ?refresh=true.
        await store.AppendGatewayLogsAsync([.. Enumerable.Range(0, 5).Select(i => Log($"f-more{i}", 12, "gpt-4o-mini", "faq", 500_000_000) with { RequestHash = "same" })]);
        var again = await JsonOf(await session.GetAsync("/api/v1/recommendations"));
        again.GetProperty("cached").GetBoolean().ShouldBeTrue();
        again.GetProperty("savings_usd").GetDecimal().ShouldBe(6.31m);
        var refreshed = await JsonOf(await session.GetAsync("/api/v1/recommendations?refresh=true&kind=exact_duplicates"));
        refreshed.GetProperty("cached").GetBoolean().ShouldBeFalse();
        refreshed.GetProperty("recommendations").GetArrayLength().ShouldBe(1);
        refreshed.GetProperty("savings_usd").GetDecimal().ShouldBe(4.50m);

        // Another workspace sees none of it.
        var bob = await server.OnboardAsync("bob@example.com");
        using var bobSession = server.Client(bob.Token);
        (await JsonOf(await bobSession.GetAsync("/api/v1/recommendations"))).GetProperty("recommendations").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Recommendations_WithoutLoggedBodies_ReadCachingFromCachedTokenShares_AndBatchOnlyCallsWithoutAnEndUser()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token);
        var store = server.Services.GetRequiredService<PanopticStore>();
        var logs = new List<GatewayLog>();
        void Add(string feature, string model, int day, int count, long input, long cached, bool stream, long costNanos = 1_000_000, string user = "")
        {
            for (var i = 0; i < count; i++)
                logs.Add(new GatewayLog
                {
                    WorkspaceId = alice.WorkspaceId, Id = $"{feature}-{day}-{user}-{i}", At = new DateTimeOffset(2026, 11, day, 12, 0, 0, TimeSpan.Zero), KeyId = "gk",
                    Endpoint = "/v1/chat/completions", ModelRequested = model, ModelServed = model, Status = 200, Stream = stream, Feature = feature, CostNanos = costNanos,
                    InputTokens = input, CachedTokens = cached, OutputTokens = 50, UserId = user,
                });
        }
        // Prompt caching from shares: on November 5 the provider cached 60 % of rag's gpt-4o prompts, on November 6 10 % of
        // 2,000,000 tokens: the 50 % between, 1,000,000 tokens, cost $2.50 at $2.50/M and $1.25 at $1.25/M cached: $1.25 saved.
        Add("rag", "gpt-4o", 5, 100, 5000, 3000, stream: true);
        Add("rag", "gpt-4o", 6, 400, 5000, 500, stream: true);
        Add("rag", "gpt-4o", 7, 10, 5000, 0, stream: true); // too few requests to read a share from
        Add("rag", "gpt-4o", 8, 100, 500, 0, stream: true); // prompts too short to cache
        // Long prompts never cached: 200 × 6,000 tokens of claude-sonnet-4 cost $3.60, at most $3.24 less cached: advice without a saving.
        Add("contracts", "claude-sonnet-4", 9, 200, 6000, 0, stream: true);
        // Batch: reports never streamed; its 150 calls without a user cost $3.00, half at the batch discount: $1.50. The 50 that
        // name a user are left out, and chat, whose calls all name one, is no candidate.
        Add("reports", "gpt-4o-mini", 15, 150, 10, 0, stream: false, costNanos: 20_000_000);
        Add("reports", "gpt-4o-mini", 15, 50, 10, 0, stream: false, costNanos: 20_000_000, user: "u1");
        Add("chat", "gpt-4o-mini", 15, 300, 10, 0, stream: false, costNanos: 20_000_000, user: "u2");
        await store.AppendGatewayLogsAsync(logs);

        var report = await JsonOf(await session.GetAsync("/api/v1/recommendations"));
        var found = report.GetProperty("recommendations").EnumerateArray().ToList();
        found.Select(r => (r.GetProperty("kind").GetString(), r.GetProperty("feature").GetString())).ShouldBe([("batch", "reports"), ("prompt_caching", "rag"), ("prompt_caching", "contracts")]);
        found.Select(r => r.GetProperty("savings_usd").ValueKind == JsonValueKind.Null ? (decimal?)null : r.GetProperty("savings_usd").GetDecimal()).ShouldBe([1.50m, 1.25m, null]);
        report.GetProperty("savings_usd").GetDecimal().ShouldBe(2.75m);

        var batch = found[0].GetProperty("evidence");
        (batch.GetProperty("requests").GetInt64(), batch.GetProperty("requests_with_end_user").GetInt64()).ShouldBe((150L, 50L));
        (found[0].GetProperty("current_usd").GetDecimal(), found[0].GetProperty("proposed_usd").GetDecimal()).ShouldBe((3.00m, 1.50m));
        var shares = found[1].GetProperty("evidence");
        (shares.GetProperty("best_day").GetString(), shares.GetProperty("best_cached_share").GetDouble(), shares.GetProperty("days").GetInt32()).ShouldBe(("2026-11-05", 0.6, 2));
        shares.GetProperty("cacheable_tokens").GetInt64().ShouldBe(1_000_000);
        (found[1].GetProperty("current_usd").GetDecimal(), found[1].GetProperty("proposed_usd").GetDecimal()).ShouldBe((2.50m, 1.25m));
        var never = found[2];
        (never.GetProperty("provider").GetString(), never.GetProperty("current_usd").GetDecimal()).ShouldBe(("anthropic", 3.60m));
        never.GetProperty("evidence").GetProperty("max_savings_usd").GetDecimal().ShouldBe(3.24m);
        never.GetProperty("summary").GetString()!.ShouldContain("prompts of 6,000 tokens on average and the provider served none from its cache");
    }

    [Fact]
    public async Task Recommendations_BadQueries_AreClear400s_AndNeedAUser()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token);
        foreach (var (query, says) in new[]
        {
            ("?from=2026-11-01", "from: not a parameter here"), ("?days=0", "days: a whole number of days from 1 to 90"), ("?days=91", "days:"),
            ("?days=abc", "days:"), ("?days=7&days=8", "days:"), ("?kind=nope", "kind: 'nope' is not one of"), ("?refresh=maybe", "refresh: true or false"),
        })
        {
            var response = await session.GetAsync("/api/v1/recommendations" + query);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, query);
            (await JsonOf(response)).GetProperty("detail").GetString()!.ShouldContain(says);
        }
        using var anonymous = server.Client();
        (await anonymous.GetAsync("/api/v1/recommendations")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var fine = await session.GetAsync("/api/v1/recommendations?days=7&kind=batch,right_sizing");
        fine.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await JsonOf(fine)).GetProperty("window_days").GetInt32().ShouldBe(7);

        // A kept answer that no longer reads (another version wrote it) is computed again.
        await server.Services.GetRequiredService<PanopticStore>().SaveRecommendationsAsync(alice.WorkspaceId, DateOnly.FromDateTime(Now.UtcDateTime), 30,
            new Panoptic.Storage.Advisor.CachedRecommendations(Now, "{\"recommendations\": 42}"));
        var recomputed = await session.GetAsync("/api/v1/recommendations");
        recomputed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await JsonOf(recomputed)).GetProperty("cached").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Gateway_WithBodyLogging_FingerprintsRepeatsForTheAdvisor_AndWithoutItNothing()
    {
        var (server, alice, _, key) = await GatewayAsync();
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var store = server.Services.GetRequiredService<PanopticStore>();
        var chat = GatewayChat(server, key);
        var system = new SystemChatMessage("You answer questions about our product. " + string.Concat(Enumerable.Repeat("Policy text that never changes. ", 150)));
        var today = new DateTimeOffset(server.Time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        await chat.CompleteChatAsync([system, new UserChatMessage("Where is my order?")]);
        await GatewayLogsAsync(server, alice, 1);
        (await store.GatewayRepeatsAsync(alice.WorkspaceId, today, today.AddDays(1))).ShouldBeEmpty();
        (await session.PutAsJsonAsync("/api/v1/gateway/settings", new { log_bodies = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await chat.CompleteChatAsync([system, new UserChatMessage("Where is my order?")]);
        await chat.CompleteChatAsync([system, new UserChatMessage("Where is my order?")]);
        await chat.CompleteChatAsync([system, new UserChatMessage("Can I return it?")]);
        await GatewayLogsAsync(server, alice, 4);
        IReadOnlyList<Panoptic.Storage.Advisor.RepeatRow> repeats = [];
        for (var i = 0; i < 200 && (repeats = await store.GatewayRepeatsAsync(alice.WorkspaceId, today, today.AddDays(1))).Count < 2; i++) await Task.Delay(10);
        var exact = repeats.Single(r => r.Kind == "request");
        (exact.Groups, exact.Requests).ShouldBe((1L, 2L));
        exact.Model.ShouldStartWith("gpt-4o-mini"); // the model the upstream says served it
        var prefix = repeats.Single(r => r.Kind == "prefix");
        (prefix.Groups, prefix.Requests).ShouldBe((1L, 3L));
        prefix.RepeatedPrefixChars.ShouldBeGreaterThan(2 * 4096);
    }
}
