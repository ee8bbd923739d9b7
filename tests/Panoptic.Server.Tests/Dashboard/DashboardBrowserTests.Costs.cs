using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests.Dashboard;

/// <summary>The costs page's chart: unusual days, its table view, many consumers, and the exports beside it.</summary>
public sealed partial class DashboardBrowserTests
{
    [Fact]
    public async Task TheCostsChart_MarksAnUnusualDay_AndHasATableView()
    {
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        using var key = _server.Client(alice.Key);
        var day = new DateTimeOffset(_server.Time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(-1).AddHours(12);
        var events = Enumerable.Range(1, 4).Select(w => (object)new { id = $"w{w}", timestamp = day.AddDays(-7 * w).ToString("O", CultureInfo.InvariantCulture), provider = "openai", cost = new { amount = 1 } })
            .Append(new { id = "spike", timestamp = day.ToString("O", CultureInfo.InvariantCulture), provider = "openai", cost = new { amount = 10 } });
        (await key.PostAsJsonAsync("/api/v1/events", events)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using var browser = await Chromium.LaunchAsync();
        var (tab, problems) = await SignedInAsync(browser, alice.Token);
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/costs?from={day.AddDays(-30):yyyy-MM-dd}&to={day:yyyy-MM-dd}");
        (await tab.Locator("svg.chart .anomaly").CountAsync()).ShouldBe(1);
        await tab.ClickAsync("details.table-view summary");
        var unusual = tab.Locator("#spend-per-day tr.anomalous th");
        (await unusual.TextContentAsync()).ShouldBe($"{day:yyyy-MM-dd} (unusual)");
        (await tab.Locator("#spend-per-day tbody tr").CountAsync()).ShouldBe(5);
        await tab.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "dashboard-costs-anomaly.png"), FullPage = true });
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheCostsChart_DrawsTheSevenBiggestConsumers_AndTheRestAsOneSeries_WhileTheExportsKeepEveryOne()
    {
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        using var key = _server.Client(alice.Key);
        var at = ShortlyBefore(TimeSpan.FromHours(1));
        // Twelve tenants spending $1 to $12: the seven biggest get a series each, the five smallest ($1 + … + $5) one.
        var events = Enumerable.Range(1, 12).Select(i => new { id = $"t{i}", timestamp = at.ToString("O", CultureInfo.InvariantCulture), provider = "openai", tenant_id = $"tenant-{i:00}", cost = new { amount = i } });
        (await key.PostAsJsonAsync("/api/v1/events", events)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using var browser = await Chromium.LaunchAsync();
        var (tab, problems) = await SignedInAsync(browser, alice.Token);
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/costs?group_by=tenant");
        (await tab.Locator("ul.legend li").AllTextContentsAsync()).ShouldBe([.. Enumerable.Range(6, 7).Reverse().Select(i => $"tenant-{i:00}"), "all others"]);
        (await tab.Locator("svg.chart rect").CountAsync()).ShouldBe(8);
        await tab.ClickAsync("details.table-view summary");
        (await tab.Locator("#spend-per-day tbody td").AllTextContentsAsync()).ShouldBe(["12", "11", "10", "9", "8", "7", "6", "15", "78"]);

        // Both exports list all twelve tenants: over the range with their share, and per day.
        var csv = (await (await tab.APIRequest.GetAsync((await tab.GetAttributeAsync("#csv", "href"))!)).TextAsync()).Trim().Split('\n');
        csv[0].ShouldBe("tenant,events,cost_usd,share");
        csv.Skip(1).Select(l => l.Split(',')[0]).ShouldBe(Enumerable.Range(1, 12).Reverse().Select(i => $"tenant-{i:00}"));
        csv[1].ShouldBe($"tenant-12,1,12,{Math.Round(12 / 78.0, 4).ToString(CultureInfo.InvariantCulture)}");
        var perDay = (await (await tab.APIRequest.GetAsync((await tab.GetAttributeAsync("#csv-per-day", "href"))!)).TextAsync()).Trim().Split('\n');
        perDay[0].ShouldBe("start,tenant,events,cost_usd");
        perDay.Length.ShouldBe(13);
        perDay.ShouldContain($"{at.UtcDateTime.Date:yyyy-MM-dd}T00:00:00Z,tenant-07,1,7");
        problems.ShouldBeEmpty();

        // A budget for one tenant, added and removed on the page; a budget without its tenant is refused clearly.
        (await tab.GetAttributeAsync("details.manage", "open")).ShouldNotBeNull("with no budget yet, the form is open");
        await tab.FillAsync("#budget-name", "big tenant");
        await tab.FillAsync("#budget-amount", "10");
        await tab.SelectOptionAsync("#budget-scope", "tenant");
        await tab.ClickAsync("form[aria-label='New budget'] button[type=submit]");
        (await tab.Locator("#budget-scope-value").EvaluateAsync<bool>("e => e.validity.valid")).ShouldBeTrue("the browser does not require the tenant: the server says what is missing");
        (await tab.TextContentAsync("[role=alert]"))!.ShouldContain("scope_value: which tenant the budget is for");
        problems.ShouldBe(["console error: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
        problems.Clear();
        await tab.FillAsync("#budget-name", "big tenant");
        await tab.FillAsync("#budget-amount", "10");
        await tab.SelectOptionAsync("#budget-scope", "tenant");
        await tab.FillAsync("#budget-scope-value", "tenant-12");
        await tab.ClickAsync("form[aria-label='New budget'] button[type=submit]");
        (await tab.TextContentAsync("[role=status]")).ShouldBe("Budget big tenant added.");
        (await tab.Locator("ul.gauges li[data-budget='big tenant'] .gauge-text").TextContentAsync())!.ShouldContain("12 of 10 usd (120 %)");
        using var session = _server.Client(alice.Token, alice.WorkspaceId);
        var budgets = await session.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/budgets");
        (budgets[0].GetProperty("scope").GetString(), budgets[0].GetProperty("scope_value").GetString(), budgets[0].GetProperty("spent").GetDecimal()).ShouldBe(("tenant", "tenant-12", 12m));
        await tab.ClickAsync("details.manage summary");
        await tab.ClickAsync("form[aria-label='Remove big tenant'] button");
        (await tab.TextContentAsync("[role=status]")).ShouldBe("Budget big tenant removed.");
        (await session.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/budgets")).GetArrayLength().ShouldBe(0);
        await KeyboardReachesEveryControlAsync(tab);
        problems.ShouldBeEmpty();
    }
}
