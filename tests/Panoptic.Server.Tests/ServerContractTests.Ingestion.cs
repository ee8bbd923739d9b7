using System.Net;
using System.Net.Http.Json;

namespace Panoptic.Server.Tests;

/// <summary>POST /api/v1/events: idempotency, per-event rejections, bodies that store nothing.</summary>
public abstract partial class ServerContractTests
{
    [Fact]
    public async Task Events_RetriedBatch_IsCountedOnce()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var batch = Enumerable.Range(0, 100).Select(i => Event($"e{i}", cost: new { amount = 0.01 })).ToArray();
        var first = await JsonOf(await key.PostAsJsonAsync("/api/v1/events", new { events = batch }));
        (first.GetProperty("accepted").GetInt32(), first.GetProperty("duplicates").GetInt32()).ShouldBe((100, 0));
        var retry = await JsonOf(await key.PostAsJsonAsync("/api/v1/events", batch));
        (retry.GetProperty("accepted").GetInt32(), retry.GetProperty("duplicates").GetInt32()).ShouldBe((0, 100));
        using var session = server.Client(alice.Token);
        var costs = await JsonOf(await session.GetAsync("/api/v1/costs"));
        costs.GetProperty("total").GetProperty("events").GetInt64().ShouldBe(100);
        costs.GetProperty("total").GetProperty("cost_usd").GetDecimal().ShouldBe(1.00m);
    }

    [Fact]
    public async Task Events_MixedBatch_StoresTheValidRestAndListsEachRejection()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var body = """
            [
              {"id": "ok-1", "timestamp": "2026-11-22T09:00:00Z", "provider": "openai", "model": "gpt-4o-mini", "usage": {"input_tokens": 1000000}, "colour": "blue"},
              {"id": "bad-usage", "timestamp": "2026-11-22T09:00:00Z", "provider": "openai", "usage": {"input_tokens": -5}},
              {"id": "future", "timestamp": "2026-11-22T11:00:00Z", "provider": "openai"},
              {"timestamp": "2026-11-22T09:00:00Z", "provider": "openai"},
              {"id": "types", "timestamp": "yesterday", "provider": 42, "cost": {"amount": "1.00"}},
              {"id": "euro", "timestamp": "2026-11-22T09:00:00Z", "provider": "stripe", "cost": {"amount": 1, "currency": "EUR"}},
              "not an object",
              {"id": "ok-2", "timestamp": "2026-11-22T09:00:00Z", "provider": "openai", "cost": {"amount": 0.5}}
            ]
            """;
        var response = await key.PostAsync("/api/v1/events", Raw(body));
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await JsonOf(response);
        problem.GetProperty("accepted").GetInt32().ShouldBe(2);
        problem.GetProperty("ignored_fields").EnumerateArray().Select(f => f.GetString()).ShouldBe(["colour"]);
        var rejected = problem.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("index").GetInt32(), r => string.Join(" | ", r.GetProperty("errors").EnumerateArray().Select(e => e.GetString())));
        rejected.Keys.ShouldBe([1, 2, 3, 4, 5, 6]);
        rejected[1].ShouldContain("usage.input_tokens: must not be negative");
        rejected[2].ShouldContain("is in the future");
        rejected[3].ShouldContain("id: required");
        rejected[4].ShouldContain("timestamp: an RFC 3339");
        rejected[4].ShouldContain("provider: a string");
        rejected[4].ShouldContain("cost.amount: a number");
        rejected[5].ShouldContain("only USD");
        rejected[6].ShouldContain("a JSON object");

        using var session = server.Client(alice.Token);
        var costs = await JsonOf(await session.GetAsync("/api/v1/costs"));
        costs.GetProperty("total").GetProperty("events").GetInt64().ShouldBe(2);
        // 1M gpt-4o-mini input tokens at $0.15, plus the caller's $0.50.
        costs.GetProperty("total").GetProperty("cost_usd").GetDecimal().ShouldBe(0.65m);
    }

    [Fact]
    public async Task Events_InvalidOptionalDimensions_AreRejectedNotBlanked()
    {
        // A too-long or non-string tenant, feature or service used to be stored as empty: the spend lost its owner.
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var response = await key.PostAsJsonAsync("/api/v1/events", new object[]
        {
            new { id = "long", timestamp = Now.AddMinutes(-1).ToString("O"), provider = "openai", tenant_id = new string('t', 300), cost = new { amount = 1 } },
            new { id = "number", timestamp = Now.AddMinutes(-1).ToString("O"), provider = "openai", feature = 42, cost = new { amount = 1 } },
            new { id = "control", timestamp = Now.AddMinutes(-1).ToString("O"), provider = "openai", service = "api\u0000x", cost = new { amount = 1 } },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var errors = (await JsonOf(response)).GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("errors")[0].GetString()).ToList();
        errors.ShouldBe(["tenant_id: at most 256 characters", "feature: a string", "service: control characters are not allowed"]);
    }

    [Fact]
    public async Task Events_MalformedOrOversizedBodies_StoreNothing()
    {
        var server = await StartAsync(settings: new Dictionary<string, string?> { ["Panoptic:MaxBatchEvents"] = "10", ["Panoptic:MaxBodyBytes"] = "20000" });
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        (await key.PostAsync("/api/v1/events", Raw("[{\"id\": \"x\", "))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await key.PostAsync("/api/v1/events", Raw("{\"id\": \"x\"}"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await key.PostAsync("/api/v1/events", Raw(new string('[', 100) + new string(']', 100)))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await key.PostAsJsonAsync("/api/v1/events", Enumerable.Range(0, 11).Select(i => Event($"e{i}")).ToArray())).StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        var huge = await key.PostAsJsonAsync("/api/v1/events", new[] { new { id = "big", timestamp = Now.ToString("O"), provider = "openai", feature = new string('x', 30_000) } });
        huge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        using var session = server.Client(alice.Token);
        (await JsonOf(await session.GetAsync("/api/v1/costs"))).GetProperty("total").GetProperty("events").GetInt64().ShouldBe(0);
    }
}
