using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Panoptic.Storage;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests.Dashboard;

/// <summary>The savings advisor's panel on the overview and costs pages.</summary>
public sealed partial class DashboardBrowserTests
{
    [Fact]
    public async Task TheOverviewAndCostsPages_ShowTheAdvisorsRecommendations()
    {
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        using var key = _server.Client(alice.Key);
        // Two days ago: 400 small gpt-4o calls ($2.32) that gpt-4o-mini would have answered for $0.1392.
        var day = new DateTimeOffset(_server.Time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(-2).AddHours(1);
        var events = Enumerable.Range(0, 400).Select(i => new
        {
            id = $"s{i}", timestamp = day.ToString("O", CultureInfo.InvariantCulture), provider = "openai", model = "gpt-4o", feature = "tagging",
            usage = new { input_tokens = 2000, output_tokens = 80 },
        });
        (await key.PostAsJsonAsync("/api/v1/events", events)).StatusCode.ShouldBe(HttpStatusCode.OK);
        while (await _server.Services.GetRequiredService<PanopticStore>().RollUpAsync() > 0) { }

        await using var browser = await Chromium.LaunchAsync();
        var (tab, problems) = await SignedInAsync(browser, alice.Token);
        foreach (var page in new[] { "", "/costs" })
        {
            await tab.GotoAsync($"/w/{alice.WorkspaceId}{page}");
            (await tab.TextContentAsync("#advice-savings")).ShouldBe("$2.18");
            var row = tab.Locator("#advice tr[data-kind=right_sizing]");
            (await row.Locator("td.saving").TextContentAsync()).ShouldBe("$2.18");
            (await row.TextContentAsync())!.ShouldContain("would have cost $0.14 instead of $2.32");
        }
        await tab.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "dashboard-costs-advice.png"), FullPage = true });
        problems.ShouldBeEmpty();
    }
}
