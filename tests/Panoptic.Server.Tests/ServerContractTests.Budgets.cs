using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Panoptic.Server.Tests;

/// <summary>Budgets with their projection, and the alerts raised from them.</summary>
public abstract partial class ServerContractTests
{
    private static readonly int[] Ninety = [90];
    private static readonly int[] SaturdayOffsets = [24, 31, 38, 45];

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
}
