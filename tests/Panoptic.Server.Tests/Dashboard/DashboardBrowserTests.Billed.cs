using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests.Dashboard;

/// <summary>Billed figures beside recorded ones: on the costs page, and per external API on the connections page.</summary>
public sealed partial class DashboardBrowserTests
{
    [Fact]
    public async Task TheCostsAndConnectionsPages_ShowBilledBesideRecorded()
    {
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        using var key = _server.Client(alice.Key);
        using var session = _server.Client(alice.Token, alice.WorkspaceId);
        // Two days ago (or the month's first day): $30 recorded for OpenAI, $33 billed on the uploaded invoice.
        var now = _server.Time.GetUtcNow();
        var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(now.Day > 2 ? -2 : 1 - now.Day).AddHours(1);
        (await key.PostAsJsonAsync("/api/v1/events", new[] { new { id = "e1", timestamp = day.ToString("O", CultureInfo.InvariantCulture), provider = "openai", cost = new { amount = 30 } } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var created = await session.PostAsJsonAsync("/api/v1/cost-sources", new { name = "Invoices", kind = "csv" });
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
        var csv = $"date,provider,cost_usd\n{day:yyyy-MM-dd},OpenAI,33.00\n";
        (await session.PostAsync($"/api/v1/cost-sources/{id}/upload", new StringContent(csv, Encoding.UTF8, "text/csv"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using var browser = await Chromium.LaunchAsync();
        var (tab, problems) = await SignedInAsync(browser, alice.Token);
        foreach (var (page, table) in new[] { ("costs", "#billed"), ("connections", "#billed-apis") })
        {
            await tab.GotoAsync($"/w/{alice.WorkspaceId}/{page}");
            var row = tab.Locator($"{table} tr[data-provider=openai]");
            (await row.Locator("td.billed").TextContentAsync()).ShouldBe("$33.00");
            (await row.Locator("td.recorded").TextContentAsync()).ShouldBe("$30.00");
            (await row.Locator("td.difference").TextContentAsync())!.ShouldStartWith("$3.00");
            (await tab.Locator("ul.summaries li").First.TextContentAsync())!.ShouldContain("OpenAI billed $33.00");
        }
        await tab.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "dashboard-connections-billed.png"), FullPage = true });
        problems.ShouldBeEmpty();
    }
}
