using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;

/// <summary>
/// The HTTP API over real loopback HTTP, run once per store (SqliteServerTests, PostgresServerTests). Each test gets
/// a fresh database from <see cref="DatabaseAsync"/>.
/// </summary>
public abstract class ServerContractTests : IAsyncLifetime
{
    private readonly List<RunningServer> _servers = [];
    protected string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "panoptic-server-" + Guid.NewGuid().ToString("N"));

    /// <summary>The Panoptic:Database setting of this test's own database (null: SQLite in <see cref="DataDirectory"/>).</summary>
    protected abstract Task<string?> DatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        await CleanUpAsync();
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
    }

    protected async Task<RunningServer> StartAsync(FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        var server = await RunningServer.StartAsync(await DatabaseAsync(), DataDirectory, time, settings);
        _servers.Add(server);
        return server;
    }

    private static readonly int[] Ninety = [90];
    private static readonly int[] SaturdayOffsets = [24, 31, 38, 45];

    protected static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);

    protected static object Event(string id, DateTimeOffset? at = null, string provider = "openai", string model = "gpt-4o-mini", object? usage = null, object? cost = null,
        string? tenant = null, string? feature = null) =>
        new { id, timestamp = (at ?? Now.AddMinutes(-10)).ToString("O"), provider, model, tenant_id = tenant, feature, usage, cost };

    protected static async Task<JsonElement> JsonOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    protected static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Health_AndReadiness_AnswerOnAFreshDatabase()
    {
        var server = await StartAsync();
        using var client = server.Client();
        (await client.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ready = await client.GetAsync("/readyz");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await JsonOf(ready)).GetProperty("status").GetString().ShouldBe("ready");
        var openApi = await client.GetAsync("/openapi/v1.json");
        openApi.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await openApi.Content.ReadAsStringAsync()).ShouldContain("/api/v1/events");
    }

    [Fact]
    public async Task SignUp_BadInput_IsRefusedWithProblemDetails()
    {
        var server = await StartAsync();
        using var client = server.Client();
        foreach (var body in new object[] { new { email = "not-an-email", password = "long enough password" }, new { email = "a@example.com", password = "short" }, new { email = "a@example.com" } })
        {
            var response = await client.PostAsJsonAsync("/api/v1/auth/signup", body);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }
        (await client.PostAsync("/api/v1/auth/signup", Raw("{not json"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.PostAsJsonAsync("/api/v1/auth/signup", new { email = "A@Example.com", password = "long enough password" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await client.PostAsJsonAsync("/api/v1/auth/signup", new { email = "a@example.com", password = "another long password" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Login_WrongPasswords_AreRateLimitedAcrossTheWindow()
    {
        var server = await StartAsync();
        using var client = server.Client();
        await client.PostAsJsonAsync("/api/v1/auth/signup", new { email = "a@example.com", password = "long enough password" });
        for (var i = 0; i < 5; i++)
            (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "a@example.com", password = "wrong password!!" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var limited = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "a@example.com", password = "long enough password" });
        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromMinutes(15));
        server.Time.Advance(TimeSpan.FromMinutes(15));
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "a@example.com", password = "long enough password" })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Sessions_EndAtLogoutAndExpire()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var client = server.Client(alice.Token);
        var me = await JsonOf(await client.GetAsync("/api/v1/me"));
        me.GetProperty("email").GetString().ShouldBe("alice@example.com");
        me.GetProperty("workspaces")[0].GetProperty("role").GetString().ShouldBe("owner");
        (await client.PostAsync("/api/v1/auth/logout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var bob = await server.OnboardAsync("bob@example.com");
        using var bobClient = server.Client(bob.Token);
        server.Time.Advance(TimeSpan.FromDays(7));
        var expired = await bobClient.GetAsync("/api/v1/me");
        expired.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        expired.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Fact]
    public async Task WorkspaceA_Credentials_CannotReadOrChangeWorkspaceB()
    {
        var server = await StartAsync();
        var a = await server.OnboardAsync("a@example.com", "A");
        var b = await server.OnboardAsync("b@example.com", "B");
        using var bKey = server.Client(b.Key);
        (await bKey.PostAsJsonAsync("/api/v1/events", new[] { Event("b-1", cost: new { amount = 5 }) })).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A's session naming B's workspace, A's session on B's key, A's key reading anything: nothing of B leaks.
        using var aAsB = server.Client(a.Token, b.WorkspaceId);
        (await aAsB.GetAsync("/api/v1/costs")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await aAsB.GetAsync("/api/v1/keys")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await aAsB.DeleteAsync($"/api/v1/keys/{b.KeyId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var aSession = server.Client(a.Token);
        (await aSession.DeleteAsync($"/api/v1/keys/{b.KeyId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await aSession.PostAsJsonAsync("/api/v1/members", new { email = "a@example.com" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var aCosts = await JsonOf(await aSession.GetAsync("/api/v1/costs"));
        aCosts.GetProperty("total").GetProperty("events").GetInt64().ShouldBe(0);
        using var aKey = server.Client(a.Key);
        (await aKey.GetAsync("/api/v1/costs")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await aKey.GetAsync("/api/v1/keys")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        // The same event id from A is A's own event.
        (await JsonOf(await aKey.PostAsJsonAsync("/api/v1/events", new[] { Event("b-1", cost: new { amount = 1 }) }))).GetProperty("accepted").GetInt32().ShouldBe(1);

        using var bSession = server.Client(b.Token);
        var bCosts = await JsonOf(await bSession.GetAsync("/api/v1/costs"));
        bCosts.GetProperty("total").GetProperty("cost_usd").GetDecimal().ShouldBe(5m);
        (await JsonOf(await bSession.GetAsync("/api/v1/keys")))[0].GetProperty("revoked_at").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task IngestionKeys_ShownOnce_StoredHashed_Revocable()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        alice.Key.ShouldStartWith("pan_ik_");
        using var session = server.Client(alice.Token);
        var listed = (await JsonOf(await session.GetAsync("/api/v1/keys")))[0];
        listed.GetProperty("prefix").GetString()!.Length.ShouldBeLessThan(alice.Key.Length / 2);
        alice.Key.ShouldStartWith(listed.GetProperty("prefix").GetString()!);
        listed.ToString().ShouldNotContain(alice.Key);
        using var key = server.Client(alice.Key);
        (await key.PostAsJsonAsync("/api/v1/events", new[] { Event("e1") })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await session.DeleteAsync($"/api/v1/keys/{alice.KeyId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await key.PostAsJsonAsync("/api/v1/events", new[] { Event("e2") })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var wrong = server.Client("pan_ik_" + new string('x', 43));
        (await wrong.PostAsJsonAsync("/api/v1/events", new[] { Event("e3") })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var none = server.Client();
        (await none.PostAsJsonAsync("/api/v1/events", new[] { Event("e4") })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

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
    public async Task Metrics_ShowIngestionAndMonthSpend_AndNeedTheTokenWhenOneIsSet()
    {
        var server = await StartAsync(settings: new Dictionary<string, string?> { ["Panoptic:MetricsToken"] = "scrape-secret" });
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        await key.PostAsJsonAsync("/api/v1/events", new[] { Event("m1", provider: "open\"ai", cost: new { amount = 1.5 }), Event("m2", cost: new { amount = 0.25 }) });
        await key.PostAsJsonAsync("/api/v1/events", new[] { Event("m2", cost: new { amount = 0.25 }) });
        using var session = server.Client(alice.Token);
        await session.PostAsJsonAsync("/api/v1/budgets", new { name = "OpenAI", scope = "provider", scope_value = "openai", amount = 1 });
        using var anonymous = server.Client();
        (await anonymous.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var scraper = server.Client("scrape-secret");
        var response = await scraper.GetAsync("/metrics");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain($"panoptic_events_ingested_total{{workspace=\"{alice.WorkspaceId}\",outcome=\"accepted\"}} 2");
        text.ShouldContain($"panoptic_events_ingested_total{{workspace=\"{alice.WorkspaceId}\",outcome=\"duplicate\"}} 1");
        text.ShouldContain($"panoptic_spend_month_usd{{workspace=\"{alice.WorkspaceId}\",provider=\"openai\"}} 0.25");
        text.ShouldContain($"panoptic_spend_month_usd{{workspace=\"{alice.WorkspaceId}\",provider=\"open\\\"ai\"}} 1.5");
        text.ShouldContain($"panoptic_budget_used_ratio{{workspace=\"{alice.WorkspaceId}\",budget=\"OpenAI\",unit=\"usd\"}} 0.25");
    }

    private static string Registry(params string[] packages)
    {
        var dependencies = string.Join(", ", packages.Select(p => $"\"{p}\": \"1.0.0\""));
        using var repo = new TempRepository("shop").With("package.json", "{\"name\": \"shop\", \"dependencies\": {" + dependencies + "}}")
            .With("src/index.js", string.Join("\n", packages.Select(p => $"const x{p.Length} = require('{p}');")))
            .With("panoptic.yaml", "budgets:\n  openai: { monthly: 200, currency: USD }\n");
        var document = new Panoptic.Scanner.RepositoryScanner(Panoptic.Scanner.Catalog.TechnologyCatalog.LoadEmbedded()).Scan(new Panoptic.Scanner.ScanOptions(repo.Root) { EvaluateReadiness = true });
        return Panoptic.Scanner.Reports.JsonReport.Write(document);
    }

    [Fact]
    public async Task Registries_PushedWithAKey_ComeBackWithMonthSpend_HistoryAndDiff()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        var bob = await server.OnboardAsync("bob@example.com");
        using var key = server.Client(alice.Key);
        using var session = server.Client(alice.Token);
        (await session.GetAsync("/api/v1/registries/latest")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await key.PostAsync("/api/v1/registries", Raw(Registry("openai")))).StatusCode.ShouldBe(HttpStatusCode.Created);
        server.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await key.PostAsync("/api/v1/registries", Raw(Registry("openai", "stripe")));
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        await key.PostAsJsonAsync("/api/v1/events", new[] { Event("s1", cost: new { amount = 347.82 }), Event("s2", provider: "anthropic", cost: new { amount = 1 }) });

        var latest = await JsonOf(await session.GetAsync("/api/v1/registries/latest"));
        latest.GetProperty("id").GetString().ShouldBe((await JsonOf(second)).GetProperty("id").GetString());
        latest.GetProperty("registry").GetProperty("schema").GetString().ShouldBe("panoptic/registry@1");
        var spend = latest.GetProperty("external_api_spend").EnumerateArray().ToDictionary(a => a.GetProperty("id").GetString()!, a => a.GetProperty("month_to_date_usd").GetDecimal());
        spend["openai"].ShouldBe(347.82m);
        var openai = latest.GetProperty("external_api_spend").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "openai");
        openai.GetProperty("projected_usd").GetDecimal().ShouldBeGreaterThan(347.82m);
        openai.GetProperty("budget").GetProperty("monthly").GetDouble().ShouldBe(200);
        openai.GetProperty("projected_over_budget").GetBoolean().ShouldBeTrue();
        latest.GetProperty("external_api_spend").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "stripe")
            .GetProperty("projected_over_budget").ValueKind.ShouldBe(JsonValueKind.Null);
        spend["stripe"].ShouldBe(0m);
        (await JsonOf(await session.GetAsync("/api/v1/registries"))).GetArrayLength().ShouldBe(2);
        var diff = await session.GetAsync("/api/v1/registries/diff");
        diff.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await diff.Content.ReadAsStringAsync()).ShouldContain("stripe");

        (await key.PostAsync("/api/v1/registries", Raw("{\"schema\": \"something/else\"}"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await key.PostAsync("/api/v1/registries", Raw("not json"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await key.GetAsync("/api/v1/registries/latest")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var bobSession = server.Client(bob.Token);
        (await bobSession.GetAsync("/api/v1/registries/latest")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bobSession.GetAsync($"/api/v1/registries/{latest.GetProperty("id").GetString()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Budgets_ShowSpendPercentAndAProjectionThatWarnsBeforeOverspend()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        var bob = await server.OnboardAsync("bob@example.com");
        using var key = server.Client(alice.Key);
        // $10 a day on OpenAI since November 1 (today is Sunday November 22, 09:30), and 100 emails a day through Resend.
        var events = new List<object>();
        for (var day = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero); day < Now; day = day.AddDays(1))
        {
            events.Add(Event($"o-{day:MMdd}", day > Now ? Now.AddMinutes(-1) : day, cost: new { amount = 10 }));
            events.Add(Event($"r-{day:MMdd}", day > Now ? Now.AddMinutes(-1) : day, provider: "resend", model: "", usage: new { units = 100 }));
        }
        (await key.PostAsJsonAsync("/api/v1/events", events)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var session = server.Client(alice.Token);
        var openai = await session.PostAsJsonAsync("/api/v1/budgets", new { name = "OpenAI", scope = "provider", scope_value = "openai", amount = 250 });
        openai.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await session.PostAsJsonAsync("/api/v1/budgets", new { name = "Emails", scope = "provider", scope_value = "resend", amount = 3000, unit = "emails", thresholds = Ninety }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        (await session.PostAsJsonAsync("/api/v1/budgets", new { name = "All", amount = 1000 })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var budgets = (await JsonOf(await session.GetAsync("/api/v1/budgets"))).EnumerateArray().ToDictionary(b => b.GetProperty("name").GetString()!);
        var o = budgets["OpenAI"];
        o.GetProperty("spent").GetDecimal().ShouldBe(210m); // Nov 1-21 at noon; today's noon event is still to come
        o.GetProperty("percent_used").GetDouble().ShouldBe(84);
        o.GetProperty("projection").GetProperty("projected").GetDecimal().ShouldBe(300m);
        o.GetProperty("projected_overspend").GetBoolean().ShouldBeTrue();
        o.GetProperty("thresholds_crossed").EnumerateArray().Select(t => t.GetInt32()).ShouldBe([50, 80]);
        var emails = budgets["Emails"];
        (emails.GetProperty("spent").GetDecimal(), emails.GetProperty("projection").GetProperty("projected").GetDecimal()).ShouldBe((2100m, 3000m));
        emails.GetProperty("projected_overspend").GetBoolean().ShouldBeFalse();
        budgets["All"].GetProperty("spent").GetDecimal().ShouldBe(210m + 21 * 100 * 0.0004m);

        foreach (var bad in new object[] { new { name = "", amount = 1 }, new { name = "x", amount = -5 }, new { name = "x", amount = 5, scope = "galaxy" },
            new { name = "x", amount = 5, scope = "tenant" }, new { name = "x", amount = 5, period = "custom" } })
            (await session.PostAsJsonAsync("/api/v1/budgets", bad)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var id = (await JsonOf(openai)).GetProperty("id").GetString();
        using var bobSession = server.Client(bob.Token);
        (await bobSession.DeleteAsync($"/api/v1/budgets/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await JsonOf(await bobSession.GetAsync("/api/v1/budgets"))).GetArrayLength().ShouldBe(0);
        (await session.DeleteAsync($"/api/v1/budgets/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await JsonOf(await session.GetAsync("/api/v1/budgets"))).GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task Alerts_ThresholdsAndProjectedOverspend_AlertOnce_AndReachTheWebhookAfterAFailure()
    {
        var first = await StartAsync();
        var second = await StartAsync(first.Time);
        var alice = await first.OnboardAsync("alice@example.com");
        await using var hook = await WebhookReceiver.StartAsync(500);
        using var key = first.Client(alice.Key);
        var events = Enumerable.Range(0, 21).Select(d => Event($"o-{d}", new DateTimeOffset(2026, 11, 1 + d, 12, 0, 0, TimeSpan.Zero), cost: new { amount = 10 })).ToArray();
        (await key.PostAsJsonAsync("/api/v1/events", events)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var session = first.Client(alice.Token);
        await session.PostAsJsonAsync("/api/v1/budgets", new { name = "OpenAI", scope = "provider", scope_value = "openai", amount = 250 });
        (await session.PutAsJsonAsync("/api/v1/alerts/webhook", new { url = "ftp://nope" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await session.PutAsJsonAsync("/api/v1/alerts/webhook", new { url = hook.Url })).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        // Both servers evaluate at once; each crossing is raised once.
        var raised = await Task.WhenAll(first.Services.GetRequiredService<Panoptic.Server.Alerts.AlertEvaluator>().RunOnceAsync(CancellationToken.None),
            second.Services.GetRequiredService<Panoptic.Server.Alerts.AlertEvaluator>().RunOnceAsync(CancellationToken.None));
        raised.Sum().ShouldBe(3);
        (await first.Services.GetRequiredService<Panoptic.Server.Alerts.AlertEvaluator>().RunOnceAsync(CancellationToken.None)).ShouldBe(0);
        var alerts = (await JsonOf(await session.GetAsync("/api/v1/alerts"))).EnumerateArray().ToList();
        alerts.Select(a => a.GetProperty("kind").GetString()).Order().ShouldBe(["budget_projected_overspend", "budget_threshold", "budget_threshold"]);
        alerts.Select(a => a.GetProperty("message").GetString()).ShouldContain(m => m!.Contains("passed 80%: $210.00 of $250.00", StringComparison.Ordinal));
        alerts.Select(a => a.GetProperty("message").GetString()).ShouldContain(m => m!.Contains("projected to reach $300.00 of $250.00", StringComparison.Ordinal));

        // The webhook fails once (500): that alert waits a minute; the others arrive.
        var delivery = first.Services.GetRequiredService<Panoptic.Server.Alerts.AlertDelivery>();
        (await delivery.RunOnceAsync(CancellationToken.None)).ShouldBe(2);
        var failed = (await JsonOf(await session.GetAsync("/api/v1/alerts"))).EnumerateArray().Single(a => a.GetProperty("delivered_at").ValueKind == JsonValueKind.Null);
        failed.GetProperty("last_error").GetString().ShouldBe("the webhook answered 500");
        (await delivery.RunOnceAsync(CancellationToken.None)).ShouldBe(0);
        first.Time.Advance(TimeSpan.FromMinutes(6));
        (await delivery.RunOnceAsync(CancellationToken.None)).ShouldBe(1);
        hook.Bodies.Count.ShouldBe(4);
        hook.Bodies.ShouldAllBe(b => JsonDocument.Parse(b, default).RootElement.GetProperty("text").GetString()!.StartsWith(":rotating_light: Panoptic", StringComparison.Ordinal));
        (await JsonOf(await session.GetAsync("/api/v1/alerts"))).EnumerateArray().ShouldAllBe(a => a.GetProperty("delivered_at").ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task Alerts_ADayFarAboveItsWeekdayNorm_IsAnAnomaly()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        // Saturdays spend $5; yesterday, Saturday November 21, spent $60.
        var saturdays = SaturdayOffsets.Select(d => new DateTimeOffset(2026, 10, 1, 12, 0, 0, TimeSpan.Zero).AddDays(d - 1)).ToList();
        saturdays.ShouldAllBe(d => d.DayOfWeek == DayOfWeek.Saturday);
        var events = saturdays.Select((d, i) => Event($"sat-{i}", d, cost: new { amount = 5 })).Append(Event("spike", new DateTimeOffset(2026, 11, 21, 15, 0, 0, TimeSpan.Zero), cost: new { amount = 60 }));
        (await key.PostAsJsonAsync("/api/v1/events", events.ToArray())).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var session = server.Client(alice.Token);
        await session.PostAsJsonAsync("/api/v1/budgets", new { name = "All", amount = 100000 });
        var evaluator = server.Services.GetRequiredService<Panoptic.Server.Alerts.AlertEvaluator>();
        (await evaluator.RunOnceAsync(CancellationToken.None)).ShouldBe(1);
        var alert = (await JsonOf(await session.GetAsync("/api/v1/alerts"))).EnumerateArray().Single();
        alert.GetProperty("kind").GetString().ShouldBe("spend_anomaly");
        alert.GetProperty("message").GetString().ShouldBe("Spend on Saturday 2026-11-21 was $60.00, 12 times the usual Saturday ($5.00 on average over 4 weeks).");
        (await evaluator.RunOnceAsync(CancellationToken.None)).ShouldBe(0);
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

    [Fact]
    public async Task TwoServers_OnOneDatabase_BehaveAsOne()
    {
        var first = await StartAsync();
        var second = await StartAsync(first.Time);
        first.Address.ShouldNotBe(second.Address);
        var alice = await first.OnboardAsync("alice@example.com");
        using var keyOnSecond = second.Client(alice.Key);
        (await keyOnSecond.PostAsJsonAsync("/api/v1/events", new[] { Event("e1", cost: new { amount = 2 }) })).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var keyOnFirst = first.Client(alice.Key);
        (await JsonOf(await keyOnFirst.PostAsJsonAsync("/api/v1/events", new[] { Event("e1", cost: new { amount = 2 }) }))).GetProperty("duplicates").GetInt32().ShouldBe(1);
        using var sessionOnSecond = second.Client(alice.Token);
        (await JsonOf(await sessionOnSecond.GetAsync("/api/v1/costs"))).GetProperty("total").GetProperty("cost_usd").GetDecimal().ShouldBe(2m);
        (await sessionOnSecond.DeleteAsync($"/api/v1/keys/{alice.KeyId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await keyOnFirst.PostAsJsonAsync("/api/v1/events", new[] { Event("e2") })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // Failed logins on one server count on the other.
        first.Time.Advance(TimeSpan.FromSeconds(1));
        using var anonymousFirst = first.Client();
        using var anonymousSecond = second.Client();
        for (var i = 0; i < 5; i++) await (i % 2 == 0 ? anonymousFirst : anonymousSecond).PostAsJsonAsync("/api/v1/auth/login", new { email = "alice@example.com", password = "wrong password!!" });
        (await anonymousFirst.PostAsJsonAsync("/api/v1/auth/login", new { email = "alice@example.com", password = "correct horse battery" })).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }
}
