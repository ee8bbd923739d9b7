using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;

/// <summary>Registry uploads with spend beside them, and /metrics.</summary>
public abstract partial class ServerContractTests
{
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
        // Two accepted events, folded by the rollup job once a second: the backlog is one or the other.
        System.Text.RegularExpressions.Regex.IsMatch(text, "^panoptic_rollup_pending_events [02]$", System.Text.RegularExpressions.RegexOptions.Multiline).ShouldBeTrue();
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
    public async Task Registries_MonthSpend_JoinsCatalogIdsToTheLedgersProviderNames()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        using var session = server.Client(alice.Token);
        // The catalog says google-gemini, azure-openai and together-ai; the SDK, spans and the gateway record gemini,
        // azure_openai and together. Each API must still show its spend.
        (await key.PostAsync("/api/v1/registries", Raw(Registry("@google/generative-ai", "@azure/openai", "together-ai")))).StatusCode.ShouldBe(HttpStatusCode.Created);
        await key.PostAsJsonAsync("/api/v1/events", new[]
        {
            Event("g", provider: "gemini", cost: new { amount = 1.25 }), Event("a", provider: "azure_openai", cost: new { amount = 2.5 }),
            Event("t", provider: "together", cost: new { amount = 3 }),
        });

        var latest = await JsonOf(await session.GetAsync("/api/v1/registries/latest"));
        var spend = latest.GetProperty("external_api_spend").EnumerateArray().ToDictionary(a => a.GetProperty("id").GetString()!, a => a.GetProperty("month_to_date_usd").GetDecimal());
        spend.ShouldContainKeyAndValue("google-gemini", 1.25m);
        spend.ShouldContainKeyAndValue("azure-openai", 2.5m);
        spend.ShouldContainKeyAndValue("together-ai", 3m);
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
}
