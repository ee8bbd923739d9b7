using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Panoptic.Server.Tests;

/// <summary>Cost queries, rate-card pricing and per-workspace price overrides.</summary>
public abstract partial class ServerContractTests
{
    [Fact]
    public async Task Costs_PricedFromTheRateCard_UnknownModelsFlaggedNotFree_CallerCostWins()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        await key.PostAsJsonAsync("/api/v1/events", new[]
        {
            Event("priced", usage: new { input_tokens = 2_000_000, cached_input_tokens = 1_000_000, output_tokens = 1_000_000 }),
            Event("caller", usage: new { input_tokens = 1_000_000 }, cost: new { amount = 9.99, currency = "USD" }),
            Event("unknown", model: "gpt-99-turbo", usage: new { input_tokens = 1000 }),
            Event("email", provider: "resend", model: "", usage: new { units = 1000 }),
        });
        using var session = server.Client(alice.Token);
        var costs = await JsonOf(await session.GetAsync("/api/v1/costs?group_by=model"));
        // gpt-4o-mini: 1M uncached input $0.15 + 1M cached $0.075 + 1M output $0.60 = $0.825; resend: 1000 emails at $0.0004.
        costs.GetProperty("total").GetProperty("cost_usd").GetDecimal().ShouldBe(0.825m + 9.99m + 0.4m);
        costs.GetProperty("total").GetProperty("unpriced_events").GetInt64().ShouldBe(1);
        var byModel = costs.GetProperty("top").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetProperty("model").GetString()!);
        byModel["gpt-99-turbo"].GetProperty("unpriced_events").GetInt64().ShouldBe(1);
        byModel["gpt-99-turbo"].GetProperty("cost_usd").GetDecimal().ShouldBe(0m);
    }

    [Fact]
    public async Task Costs_GroupedSeriesTopAndFilters_MatchTheEvents()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var day = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        await key.PostAsJsonAsync("/api/v1/events", new[]
        {
            Event("1", day.AddHours(1), feature: "chat", tenant: "acme", cost: new { amount = 6 }),
            Event("2", day.AddHours(2), feature: "chat", tenant: "beta", cost: new { amount = 1 }),
            Event("3", day.AddDays(1).AddHours(3), feature: "search", tenant: "acme", cost: new { amount = 3 }),
        });
        using var session = server.Client(alice.Token);
        var byFeature = await JsonOf(await session.GetAsync("/api/v1/costs?from=2026-11-20&to=2026-11-22&group_by=feature&interval=day"));
        var top = byFeature.GetProperty("top").EnumerateArray().Select(g => (g.GetProperty("key").GetProperty("feature").GetString(), g.GetProperty("cost_usd").GetDecimal(), g.GetProperty("share").GetDouble())).ToList();
        top.ShouldBe([("chat", 7m, 0.7), ("search", 3m, 0.3)]);
        var series = byFeature.GetProperty("series").EnumerateArray().Select(p => (p.GetProperty("start").GetDateTimeOffset(), p.GetProperty("key").GetProperty("feature").GetString(), p.GetProperty("cost_usd").GetDecimal())).ToList();
        series.ShouldBe([(day, "chat", 7m), (day.AddDays(1), "search", 3m)]);

        var acme = await JsonOf(await session.GetAsync("/api/v1/costs?from=2026-11-20T00:00:00Z&to=2026-11-21T12:00:00Z&filter.tenant=acme&interval=hour"));
        acme.GetProperty("total").GetProperty("cost_usd").GetDecimal().ShouldBe(9m);
        acme.GetProperty("series").GetArrayLength().ShouldBe(2);
        var months = await JsonOf(await session.GetAsync("/api/v1/costs?from=2026-11-01&to=2026-12-01&interval=month"));
        months.GetProperty("series").EnumerateArray().Single().GetProperty("cost_usd").GetDecimal().ShouldBe(10m);

        await key.PostAsJsonAsync("/api/v1/events", new[] { new { id = "4", timestamp = day.AddHours(4).ToString("O"), provider = "openai", tenant_id = "acme", user_id = "ann", cost = new { amount = 2 } } });
        var byUser = await JsonOf(await session.GetAsync("/api/v1/costs?from=2026-11-20&to=2026-11-22&group_by=tenant,user&filter.tenant=acme"));
        byUser.GetProperty("top").EnumerateArray().Select(g => (g.GetProperty("key").GetProperty("user").GetString(), g.GetProperty("cost_usd").GetDecimal())).ShouldBe([("", 9m), ("ann", 2m)]);
        foreach (var bad in new[] { "group_by=user,feature", "group_by=user&interval=hour", "filter.user=ann&group_by=model" })
            (await session.GetAsync($"/api/v1/costs?{bad}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, bad);

        foreach (var bad in new[] { "from=yesterday", "group_by=colour", "interval=week", "filter.colour=red", "top=0", "from=2026-11-22&to=2026-11-01", "from=2020-01-01&to=2026-01-01" })
            (await session.GetAsync($"/api/v1/costs?{bad}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, bad);
    }


    [Fact]
    public async Task RateCardOverrides_PriceThisWorkspacesEventsOnly()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        var bob = await server.OnboardAsync("bob@example.com");
        using var session = server.Client(alice.Token);
        var card = """
            {"llm": [
              {"provider": "openai", "models": ["gpt-4o-mini"], "prices": [{"from": "2024-01-01", "input": 0.075, "output": 0.30}]},
              {"provider": "self-hosted", "models": ["llama-local*"], "prices": [{"from": "2024-01-01", "input": 0.01, "output": 0.01}]}
            ]}
            """;
        var put = await session.PutAsync("/api/v1/rate-card", Raw(card));
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await JsonOf(put)).GetProperty("overrides_version").GetString()!.ShouldStartWith("ws-");
        foreach (var bad in new[] { "not json", "[]", """{"llm": [{"models": ["x"], "prices": []}]}""", """{"llm": [{"provider": "p", "models": ["m"], "prices": [{"from": "2024-01-01", "input": -1}]}]}""", "{}" })
            (await session.PutAsync("/api/v1/rate-card", Raw(bad))).StatusCode.ShouldBe(HttpStatusCode.BadRequest, bad);

        var million = new { input_tokens = 1_000_000 };
        using var aliceKey = server.Client(alice.Key);
        await aliceKey.PostAsJsonAsync("/api/v1/events", new[] { Event("a1", usage: million), Event("a2", provider: "self-hosted", model: "llama-local-70b", usage: million),
            Event("a3", model: "gpt-4o", usage: million) });
        using var bobKey = server.Client(bob.Key);
        await bobKey.PostAsJsonAsync("/api/v1/events", new[] { Event("b1", usage: million) });
        // Overridden gpt-4o-mini at $0.075, the self-hosted model at $0.01, gpt-4o still from the embedded card at $2.50.
        (await JsonOf(await session.GetAsync("/api/v1/costs"))).GetProperty("total").GetProperty("cost_usd").GetDecimal().ShouldBe(0.075m + 0.01m + 2.50m);
        using var bobSession = server.Client(bob.Token);
        (await JsonOf(await bobSession.GetAsync("/api/v1/costs"))).GetProperty("total").GetProperty("cost_usd").GetDecimal().ShouldBe(0.15m);
        (await JsonOf(await bobSession.GetAsync("/api/v1/rate-card"))).GetProperty("overrides").ValueKind.ShouldBe(JsonValueKind.Null);
        (await session.DeleteAsync("/api/v1/rate-card")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await aliceKey.PostAsJsonAsync("/api/v1/events", new[] { Event("a4", usage: million) });
        (await JsonOf(await session.GetAsync("/api/v1/costs"))).GetProperty("total").GetProperty("cost_usd").GetDecimal().ShouldBe(0.075m + 0.01m + 2.50m + 0.15m);
    }
}
