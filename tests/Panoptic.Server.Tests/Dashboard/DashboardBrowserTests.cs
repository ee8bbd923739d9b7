using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests.Dashboard;

/// <summary>The dashboard in real headless Chromium against the real server: what a new user sees, page by page.</summary>
public sealed partial class DashboardBrowserTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "panoptic-dashboard-" + Guid.NewGuid().ToString("N"));
    private RunningServer _server = null!;

    /// <summary>Tabs through the page and checks that the keyboard reaches every visible link, button, field and disclosure.</summary>
    private static async Task KeyboardReachesEveryControlAsync(IPage tab)
    {
        var count = await tab.EvaluateAsync<int>("""
            () => {
              const controls = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, summary')]
                .filter(e => e.getClientRects().length > 0 && !e.closest('details:not([open]) > :not(summary)'));
              controls.forEach((e, i) => e.setAttribute('data-kb', i));
              document.activeElement?.blur();
              return controls.length;
            }
            """);
        var reached = new HashSet<string>();
        // Date fields take one Tab per part (month, day, year): allow a few per control.
        for (var i = 0; i < count * 4 + 10 && reached.Count < count; i++)
        {
            await tab.Keyboard.PressAsync("Tab");
            if (await tab.EvaluateAsync<string?>("document.activeElement?.getAttribute('data-kb')") is { } index) reached.Add(index);
        }
        reached.Count.ShouldBe(count, $"reached {reached.Count} of {count} controls on {tab.Url}");
    }

    /// <summary>A page of a fresh browser context signed in with <paramref name="session"/>, and the console errors it collects.</summary>
    private async Task<(IPage Tab, List<string> Problems)> SignedInAsync(Chromium.Session browser, string session)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = _server.Address.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "panoptic_session", Value = session, Url = _server.Address.ToString() }]);
        var tab = await context.NewPageAsync();
        var problems = new List<string>();
        tab.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add($"console {message.Type}: {message.Text}"); };
        tab.PageError += (_, error) => problems.Add($"page error: {error}");
        return (tab, problems);
    }

    /// <summary>Scans <paramref name="repo"/> as `panoptic check` would and pushes the registry with an ingestion key; returns the registry's JSON.</summary>
    private static async Task<string> PushScanAsync(HttpClient key, TempRepository repo)
    {
        var scanner = new Panoptic.Scanner.RepositoryScanner(Panoptic.Scanner.Catalog.TechnologyCatalog.LoadEmbedded());
        var registry = Panoptic.Scanner.Reports.JsonReport.Write(scanner.Scan(new Panoptic.Scanner.ScanOptions(repo.Root) { EvaluateReadiness = true }));
        (await key.PostAsync("/api/v1/registries", new StringContent(registry, System.Text.Encoding.UTF8, "application/json"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        return registry;
    }

    /// <summary>A moment shortly before now and still in this month, where the pages' default window (the month to date) sees it, whenever the test runs.</summary>
    private DateTimeOffset ShortlyBefore(TimeSpan ago)
    {
        var now = _server.Time.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return now - TimeSpan.FromTicks(Math.Min(ago.Ticks, (now - monthStart).Ticks / 2));
    }

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(null, _data, new FakeTimeProvider(DateTimeOffset.UtcNow));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task ANewUser_SignsUp_SeesTheirNumbers_ExportsCsv_AndManagesGatewayKeys()
    {
        await using var browser = await Chromium.LaunchAsync();
        var tab = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, BaseURL = _server.Address.ToString() });
        var problems = new List<string>();
        tab.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add($"console {message.Type}: {message.Text}"); };
        tab.PageError += (_, error) => problems.Add($"page error: {error}");
        tab.Dialog += (_, dialog) => problems.Add($"dialog: {dialog.Message}");
        var shots = Chromium.ScreenshotFolder;

        // Every page needs a login: the first visit lands on it.
        await tab.GotoAsync("/");
        tab.Url.ShouldEndWith("/login");
        await tab.ScreenshotAsync(new() { Path = Path.Combine(shots, "dashboard-login.png"), FullPage = true });
        await tab.ClickAsync("text=Sign up");
        await tab.FillAsync("#email", "founder@example.com");
        await tab.FillAsync("#password", "a long enough password");
        await tab.ClickAsync("button[type=submit]");
        (await tab.TextContentAsync("h1")).ShouldBe("Your workspaces");

        // A hostile workspace name is shown as text, never run.
        const string hostile = "Acme <script>alert(1)</script>";
        await tab.FillAsync("#workspace-name", hostile);
        await tab.ClickAsync("form.inline button[type=submit]");
        (await tab.TextContentAsync("h1")).ShouldBe("Overview");
        var workspaceId = new Uri(tab.Url).AbsolutePath.Split('/')[2];
        (await tab.TextContentAsync("header .workspace")).ShouldBe(hostile);
        (await tab.ContentAsync()).ShouldNotContain("<script>alert(1)</script>");
        (await tab.TextContentAsync("#spend-month")).ShouldBe("$0.0000");

        // Fixture events through the API with an ingestion key, as an application would send them.
        using var api = new HttpClient { BaseAddress = _server.Address };
        var token = (await (await api.PostAsJsonAsync("/api/v1/auth/login", new { email = "founder@example.com", password = "a long enough password" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        api.DefaultRequestHeaders.Add("Panoptic-Workspace", workspaceId);
        var ingestionKey = (await (await api.PostAsJsonAsync("/api/v1/keys", new { name = "backend" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        using var ingest = new HttpClient { BaseAddress = _server.Address };
        ingest.DefaultRequestHeaders.Authorization = new("Bearer", ingestionKey);
        var at = ShortlyBefore(TimeSpan.FromMinutes(5)).ToString("O", CultureInfo.InvariantCulture);
        object Event(string id, string tenant, decimal amount) => new { id, timestamp = at, provider = "openai", model = "gpt-4o-mini", tenant_id = tenant, cost = new { amount } };
        (await ingest.PostAsJsonAsync("/api/v1/events", new[] { Event("e1", "acme", 1.5m), Event("e2", "acme", 2.25m), Event("e3", "=cmd|' /C calc'!A0", 0.75m) })).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await api.PostAsJsonAsync("/api/v1/budgets", new { name = "llm", amount = 5 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        await tab.ReloadAsync();
        (await tab.TextContentAsync("#spend-month")).ShouldBe("$4.50");
        var gauge = tab.Locator("li[data-budget='llm']");
        (await gauge.Locator(".gauge-text").TextContentAsync())!.ShouldContain("4.5 of 5 usd (90 %)");
        (await gauge.Locator("svg rect.spent").CountAsync()).ShouldBe(1);
        (await tab.TextContentAsync("table.costs tbody th")).ShouldBe("openai");
        await tab.ScreenshotAsync(new() { Path = Path.Combine(shots, "dashboard-overview.png"), FullPage = true });

        // Costs by tenant: the table, the chart and the CSV say what the API says.
        await tab.ClickAsync("header nav >> text=Costs");
        await tab.SelectOptionAsync("#group_by", "tenant");
        await tab.ClickAsync("form.filters button[type=submit]");
        (await tab.TextContentAsync("#total-cost")).ShouldBe("$4.50");
        (await tab.Locator("table.costs tbody tr").CountAsync()).ShouldBe(2);
        (await tab.Locator("svg.chart rect").CountAsync()).ShouldBe(2);
        (await tab.Locator("svg.chart .anomaly").CountAsync()).ShouldBe(0, "a first day of spend has no weekday norm to be unusual against");
        await tab.ScreenshotAsync(new() { Path = Path.Combine(shots, "dashboard-costs.png"), FullPage = true });
        var csvHref = await tab.GetAttributeAsync("#csv", "href");
        var csv = await (await tab.APIRequest.GetAsync(csvHref!)).TextAsync();
        var fromApi = await api.GetFromJsonAsync<JsonElement>("/api/v1/costs?group_by=tenant");
        var lines = csv.Trim().Split('\n');
        lines[0].ShouldBe("tenant,events,cost_usd,share");
        lines.Length.ShouldBe(fromApi.GetProperty("top").GetArrayLength() + 1);
        foreach (var row in fromApi.GetProperty("top").EnumerateArray())
        {
            var tenant = row.GetProperty("key").GetProperty("tenant").GetString()!;
            // A value a spreadsheet would run as a formula is written with a leading apostrophe.
            var cell = tenant.StartsWith('=') ? "'" + tenant : tenant;
            lines.ShouldContain(l => l.StartsWith(cell + ",", StringComparison.Ordinal) && l.Contains("," + row.GetProperty("cost_usd").GetDecimal().ToString(CultureInfo.InvariantCulture) + ",", StringComparison.Ordinal),
                $"{tenant} in {csv}");
        }

        // The gateway: create a key (shown once), then revoke it.
        await tab.ClickAsync("header nav >> text=Gateway");
        await tab.FillAsync("#key-name", "support-bot");
        await tab.FillAsync("#key-models", "gpt-4o*");
        await tab.FillAsync("#key-budget", "25");
        await tab.ClickAsync("form[aria-label='New gateway key'] button[type=submit]");
        (await tab.TextContentAsync("#new-key"))!.ShouldStartWith("pan_gk_");
        var keyRow = tab.Locator("tr[data-key='support-bot']");
        (await keyRow.Locator(".status").TextContentAsync()).ShouldBe("active");
        await tab.ScreenshotAsync(new() { Path = Path.Combine(shots, "dashboard-gateway.png"), FullPage = true });
        await keyRow.Locator("button").ClickAsync();
        (await tab.Locator("tr[data-key='support-bot'] .status").TextContentAsync()).ShouldBe("revoked");
        (await api.GetFromJsonAsync<JsonElement>("/api/v1/gateway/keys"))[0].GetProperty("active").GetBoolean().ShouldBeFalse();

        // Connections: a probe the registry does not know is listed and flagged.
        (await api.PostAsJsonAsync("/api/v1/probes", new { name = "billing-db", kind = "tcp", target = "127.0.0.1:9" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        await tab.ClickAsync("header nav >> text=Connections");
        var connection = tab.Locator("tr[data-connection='billing-db']");
        (await connection.Locator(".flag").TextContentAsync()).ShouldBe("not in the registry");
        await tab.ScreenshotAsync(new() { Path = Path.Combine(shots, "dashboard-connections.png"), FullPage = true });

        // Account: an ingestion key (shown once), and members by email.
        await tab.ClickAsync("header nav >> text=Account");
        await tab.FillAsync("#ingestion-key-name", "worker");
        await tab.ClickAsync("form[aria-label='New ingestion key'] button[type=submit]");
        (await tab.TextContentAsync("#new-ingestion-key"))!.ShouldStartWith("pan_ik_");
        (await tab.Locator("#ingestion-keys tbody tr").CountAsync()).ShouldBe(2);
        await tab.FillAsync("#member-email", "nobody@example.com");
        var before = problems.Count;
        await tab.ClickAsync("form[aria-label='Add a member'] button[type=submit]");
        (await tab.TextContentAsync("[role=alert]"))!.ShouldContain("sign up first");
        // The refused form answers 400, which the browser reports on its console: that one is expected.
        problems.Skip(before).ShouldBe(["console error: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
        problems.RemoveRange(before, problems.Count - before);
        var cofounder = await _server.OnboardAsync("cofounder@example.com", "Elsewhere");
        await tab.FillAsync("#member-email", "cofounder@example.com");
        await tab.ClickAsync("form[aria-label='Add a member'] button[type=submit]");
        (await tab.TextContentAsync("[role=status]")).ShouldBe("cofounder@example.com is now a member.");
        var members = tab.Locator("#members tbody tr");
        (await members.AllInnerTextsAsync()).Select(r => string.Join(" ", r.Split('\t').Take(2))).ShouldBe(["founder@example.com owner", "cofounder@example.com member"]);
        var fromMembersApi = await api.GetFromJsonAsync<JsonElement>("/api/v1/members");
        fromMembersApi.EnumerateArray().Select(m => (m.GetProperty("email").GetString(), m.GetProperty("role").GetString())).ShouldBe([("founder@example.com", "owner"), ("cofounder@example.com", "member")]);
        // A member sees the members but not the form only the owner may use.
        var (asMember, memberProblems) = await SignedInAsync(browser, cofounder.Token);
        await asMember.GotoAsync($"/w/{workspaceId}/account");
        (await asMember.Locator("#members tbody tr").CountAsync()).ShouldBe(2);
        (await asMember.Locator("form[aria-label='Add a member']").CountAsync()).ShouldBe(0);
        memberProblems.ShouldBeEmpty();
        await tab.ScreenshotAsync(new() { Path = Path.Combine(shots, "dashboard-account.png"), FullPage = true });

        // The keyboard reaches every control of every page.
        foreach (var page in new[] { "", "/costs", "/connections", "/gateway", "/account", "/readiness", "/graph" })
        {
            await tab.GotoAsync($"/w/{workspaceId}{page}");
            await KeyboardReachesEveryControlAsync(tab);
        }

        // On a phone every page fits its width (wide tables scroll inside their card).
        await tab.SetViewportSizeAsync(390, 844);
        foreach (var page in new[] { "/costs", "/connections", "/gateway", "/account", "/readiness", "/graph", "" })
        {
            await tab.GotoAsync($"/w/{workspaceId}{page}");
            // The page scrolls sideways when something sticks out past the window's edge, outside a card that scrolls by itself.
            var outside = await tab.EvaluateAsync<string[]>("""
                () => document.documentElement.scrollWidth <= window.innerWidth + 1 ? [] : [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.parentElement.closest('.card'))
                  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : ''))
                """);
            outside.ShouldBeEmpty($"{page} is wider than a phone");
            // What a person sees: the whole page's picture is as wide as the phone (a PNG's width is the big-endian int at byte 16).
            var shot = await tab.ScreenshotAsync(new() { Path = Path.Combine(shots, $"dashboard-phone-{(page.Length == 0 ? "overview" : page[1..])}.png"), FullPage = true });
            System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(shot.AsSpan(16, 4)).ShouldBe(390, $"{page}: the full-page picture is wider than the phone");
        }

        await tab.ClickAsync("text=Log out");
        tab.Url.ShouldEndWith("/login");
        await tab.GotoAsync($"/w/{workspaceId}");
        tab.Url.ShouldEndWith("/login");
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Readiness_ShowsTheLatestScansVerdictScoreChecksAndAudit_WithTheTrend()
    {
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        using var repo = new TempRepository("dashboard-readiness")
            .With("api/requirements.txt", "fastapi==0.110\npsycopg2==2.9.9\nstripe==8.0.0\n")
            .With("api/main.py", "from fastapi import FastAPI\nKEY = 'AKIAIOSFODNN7EXAMPLE'\napp = FastAPI()\n");
        using var key = _server.Client(alice.Key);
        await PushScanAsync(key, repo);
        _server.Time.Advance(TimeSpan.FromMinutes(1));
        var registry = await PushScanAsync(key, repo);
        using var document = JsonDocument.Parse(registry);
        var readiness = document.RootElement.GetProperty("commercial_readiness");

        await using var browser = await Chromium.LaunchAsync();
        var (tab, problems) = await SignedInAsync(browser, alice.Token);
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/readiness");

        (await tab.TextContentAsync("#verdict")).ShouldBe("Not ready to sell");
        (await tab.TextContentAsync("#score")).ShouldBe(readiness.GetProperty("score").GetDouble().ToString("0.#", CultureInfo.InvariantCulture));
        (await tab.TextContentAsync("#blocking")).ShouldBe(readiness.GetProperty("blocking").GetArrayLength().ToString(CultureInfo.InvariantCulture));
        (await tab.Locator("#checks > li").CountAsync()).ShouldBe(readiness.GetProperty("checks").GetArrayLength());
        var first = tab.Locator("#checks > li details").First;
        (await first.Locator(".badge.blocking").CountAsync()).ShouldBe(1);
        var secret = tab.Locator("details[data-check='security.no_hardcoded_secrets']");
        await secret.Locator("summary").ClickAsync();
        (await secret.Locator("ul.evidence").TextContentAsync())!.ShouldContain("api/main.py:2");
        (await tab.Locator("svg.trend polyline").CountAsync()).ShouldBe(1);
        (await tab.ContentAsync()).ShouldNotContain("AKIAIOSFODNN7EXAMPLE");
        await tab.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "dashboard-readiness.png"), FullPage = true });
        await KeyboardReachesEveryControlAsync(tab);

        // The overview leads with the same verdict, the blocking items by name, the API count and the scan's time.
        await tab.GotoAsync($"/w/{alice.WorkspaceId}");
        (await tab.TextContentAsync("#overview-verdict")).ShouldBe("Not ready to sell");
        (await tab.Locator("#blocking-items li").CountAsync()).ShouldBe(readiness.GetProperty("blocking").GetArrayLength());
        (await tab.TextContentAsync("#apis-count")).ShouldBe(document.RootElement.GetProperty("external_apis").GetArrayLength().ToString(CultureInfo.InvariantCulture));
        (await tab.TextContentAsync("#latest-scan"))!.ShouldEndWith("UTC");
        await tab.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "dashboard-overview-scanned.png"), FullPage = true });
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheGatewayPage_ShowsUsageByTenant_AndFiltersRequests()
    {
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var session = _server.Client(alice.Token, alice.WorkspaceId);
        (await session.PostAsJsonAsync("/api/v1/gateway/provider-keys", new { name = "openai", provider = "openai", api_key = "sk-proj-dashboard-1234", base_url = new Uri(upstream.Address, "v1").ToString() }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var gatewayKey = (await (await session.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "bot" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        using var http = new HttpClient { BaseAddress = _server.Address };
        foreach (var tenant in new[] { "acme", "acme", "globex" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("""{"model":"gpt-4o-mini","messages":[]}""", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", gatewayKey);
            request.Headers.Add("X-Panoptic-Tenant", tenant);
            (await http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        // A second key asks for a model no provider key serves: refused, and logged with the reason.
        var batchKey = (await (await session.PostAsJsonAsync("/api/v1/gateway/keys", new { name = "batch" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        using (var refused = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("""{"model":"llama-3-70b","messages":[]}""", System.Text.Encoding.UTF8, "application/json") })
        {
            refused.Headers.Authorization = new("Bearer", batchKey);
            ((int)(await http.SendAsync(refused)).StatusCode).ShouldBeGreaterThanOrEqualTo(400);
        }
        for (var i = 0; i < 200 && (await session.GetFromJsonAsync<JsonElement>("/api/v1/gateway/logs")).GetProperty("data").GetArrayLength() < 4; i++) await Task.Delay(10);

        await using var browser = await Chromium.LaunchAsync();
        var (tab, problems) = await SignedInAsync(browser, alice.Token);
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/gateway");
        await tab.SelectOptionAsync("#usage-by", "tenant");
        await tab.ClickAsync("form[aria-label='Usage grouping'] button");
        var rows = await tab.Locator("#gateway-usage tbody tr").AllAsync();
        var usage = new Dictionary<string, string>();
        foreach (var row in rows) usage[(await row.Locator("th").TextContentAsync())!] = (await row.Locator("td").First.TextContentAsync())!;
        usage.ShouldBe(new Dictionary<string, string> { ["acme"] = "2", ["globex"] = "1", ["(none)"] = "1" }, "the refused request counts too (as an error)");
        await tab.FillAsync("#log-tenant", "globex");
        await tab.ClickAsync("form[aria-label='Filter requests'] button");
        (await tab.Locator("#gateway-logs tbody tr").CountAsync()).ShouldBe(1);
        tab.Url.ShouldContain("usage_by=tenant", Case.Sensitive, "filtering the requests keeps the usage grouping");
        await tab.FillAsync("#log-tenant", "");
        await tab.SelectOptionAsync("#log-key", new SelectOptionValue { Label = "batch" });
        await tab.ClickAsync("form[aria-label='Filter requests'] button");
        var failed = tab.Locator("#gateway-logs tbody tr");
        (await failed.CountAsync()).ShouldBe(1);
        (await failed.GetAttributeAsync("class")).ShouldBe("warn");
        (await failed.Locator("td").Nth(1).TextContentAsync()).ShouldBe("batch");
        (await failed.Locator("td").Nth(2).TextContentAsync()).ShouldBe("llama-3-70b");
        (await failed.Locator(".error-text").TextContentAsync()).ShouldNotBeNullOrWhiteSpace("a refused request says why");
        await tab.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "dashboard-gateway-usage.png"), FullPage = true });

        // Provider keys: added, rotated and removed from the page, never shown back.
        await tab.FillAsync("#provider-name", "claude");
        await tab.SelectOptionAsync("#provider-kind", "anthropic");
        await tab.FillAsync("#provider-secret", "sk-ant-api03-UI-SECRET-5555");
        await tab.ClickAsync("form[aria-label='New provider key'] button[type=submit]");
        (await tab.TextContentAsync("[role=status]")).ShouldBe("Provider key added.");
        var claude = tab.Locator("tr[data-provider='claude']");
        (await claude.Locator(".hint").TextContentAsync()).ShouldBe("sk-…5555");
        await claude.Locator("input[name=NewSecret]").FillAsync("sk-ant-api03-UI-ROTATED-7777");
        await claude.Locator("form[aria-label='Rotate claude'] button").ClickAsync();
        (await tab.Locator("tr[data-provider='claude'] .hint").TextContentAsync()).ShouldBe("sk-…7777");
        var html = await tab.ContentAsync();
        html.ShouldNotContain("UI-SECRET");
        html.ShouldNotContain("UI-ROTATED");
        await tab.Locator("tr[data-provider='claude'] form[aria-label='Remove claude'] button").ClickAsync();
        (await tab.Locator("tr[data-provider='claude']").CountAsync()).ShouldBe(0);
        (await session.GetFromJsonAsync<JsonElement>("/api/v1/gateway/provider-keys")).GetArrayLength().ShouldBe(1);
        await KeyboardReachesEveryControlAsync(tab);
        problems.ShouldBeEmpty();

        // A member sees the provider keys, not the forms only the owner may use.
        var bob = await _server.OnboardAsync("bob@example.com", "Bob's");
        (await session.PostAsJsonAsync("/api/v1/members", new { email = "bob@example.com" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var (asMember, memberProblems) = await SignedInAsync(browser, bob.Token);
        await asMember.GotoAsync($"/w/{alice.WorkspaceId}/gateway");
        (await asMember.Locator("#provider-keys tbody tr").CountAsync()).ShouldBe(1);
        (await asMember.Locator("form[aria-label='New provider key']").CountAsync()).ShouldBe(0);
        (await asMember.Locator("form[aria-label='Remove openai']").CountAsync()).ShouldBe(0);
        memberProblems.ShouldBeEmpty();
    }
}
