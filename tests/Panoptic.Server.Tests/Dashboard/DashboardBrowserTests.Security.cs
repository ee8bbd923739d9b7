using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests.Dashboard;

/// <summary>What the dashboard refuses: no session, another workspace's id, forged forms, malformed registries, hostile query strings.</summary>
public sealed partial class DashboardBrowserTests
{
    [Fact]
    public async Task AnotherWorkspacesId_IsNotFound_AndFormsWithoutTheirTokenAreRefused()
    {
        var alice = await _server.OnboardAsync("alice@example.com", "Alice Inc");
        var bob = await _server.OnboardAsync("bob@example.com", "Bob Ltd");
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = _server.Address };
        async Task<HttpResponseMessage> Get(string path, string? session)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (session is not null) request.Headers.Add("Cookie", $"panoptic_session={session}");
            return await http.SendAsync(request);
        }

        var pages = new[] { $"/w/{alice.WorkspaceId}", $"/w/{alice.WorkspaceId}/costs", $"/w/{alice.WorkspaceId}/gateway", $"/w/{alice.WorkspaceId}/connections", $"/w/{alice.WorkspaceId}/account",
            $"/w/{alice.WorkspaceId}/graph", $"/w/{alice.WorkspaceId}/readiness" };
        foreach (var page in pages.Prepend("/"))
        {
            var anonymous = await Get(page, null);
            (anonymous.StatusCode, anonymous.Headers.Location?.AbsolutePath).ShouldBe((HttpStatusCode.Redirect, "/login"), page);
        }
        var login = await Get("/login", null);
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        // No script may run and no other site may frame a page (its buttons cannot be clicked through a decoy).
        var policy = login.Headers.GetValues("Content-Security-Policy").Single();
        policy.ShouldContain("default-src 'none'");
        policy.ShouldContain("frame-ancestors 'none'");
        policy.ShouldContain("form-action 'self'");
        login.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"]);
        (await Get("/signup", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Every page answers for a member of an empty workspace (no events, traces, probes or scans yet).
        foreach (var page in pages.Append($"/w/{alice.WorkspaceId}/costs.csv"))
            (await Get(page, alice.Token)).StatusCode.ShouldBe(HttpStatusCode.OK, page);
        foreach (var page in pages.Append($"/w/{alice.WorkspaceId}/costs.csv"))
        {
            var response = await Get(page, bob.Token);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, page);
            (await response.Content.ReadAsStringAsync()).ShouldNotContain("Alice Inc");
        }

        // A form posted without the antiforgery token (a cross-site request) does nothing.
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/logout") { Content = new FormUrlEncodedContent([]) };
        forged.Headers.Add("Cookie", $"panoptic_session={alice.Token}");
        (await http.SendAsync(forged)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var forgedCreate = new HttpRequestMessage(HttpMethod.Post, $"/w/{alice.WorkspaceId}/gateway")
        {
            Content = new FormUrlEncodedContent([new("_handler", "create-key"), new("Input.Name", "forged")]),
        };
        forgedCreate.Headers.Add("Cookie", $"panoptic_session={alice.Token}");
        (await http.SendAsync(forgedCreate)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Get($"/w/{alice.WorkspaceId}", alice.Token)).StatusCode.ShouldBe(HttpStatusCode.OK, "the session survived the forged log-out");
        using var session = _server.Client(alice.Token, alice.WorkspaceId);
        (await session.GetFromJsonAsync<JsonElement>("/api/v1/gateway/keys")).GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("""{"schema": "panoptic/registry@1", "project": 5, "services": "api", "backend_connections": [1, "x", null, {"id": 7}, {"id": "pg", "used_by": "api", "evidence": [3, {"file": 1}, {"file": "a.py", "line": "x"}], "env_vars": [1], "evidence_total": "many"}], "external_apis": {"a": 1}, "commercial_readiness": {"score": "high", "checks": 3, "verdict": 1}, "audit": {"findings": [1, {"locations": 2}]}}""")]
    [InlineData("""{"schema": "panoptic/registry@1", "commercial_readiness": 5, "audit": [], "external_apis": 3}""")]
    [InlineData("""{"schema": "panoptic/registry@1", "commercial_readiness": {"score": 50, "checks": [{"id": "x"}, 1], "categories": [{}], "blocking": [2]}, "audit": {"findings": [{"severity": 1}]}}""")]
    public async Task ARegistryUnlikeWhatTheScannerWrites_BreaksNoPage(string registry)
    {
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        using var key = _server.Client(alice.Key);
        for (var i = 0; i < 2; i++) // two uploads, so that the trend and the diff have something to compare
            (await key.PostAsync("/api/v1/registries", new StringContent(registry, System.Text.Encoding.UTF8, "application/json"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = _server.Address };
        foreach (var page in new[] { "", "/connections", "/graph", "/readiness", "/costs" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/w/{alice.WorkspaceId}{page}");
            request.Headers.Add("Cookie", $"panoptic_session={alice.Token}");
            (await http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK, page);
        }
        using var session = _server.Client(alice.Token, alice.WorkspaceId);
        foreach (var api in new[] { "/api/v1/connections", "/api/v1/graph", "/api/v1/registries/latest", "/api/v1/registries/diff" })
            (await session.GetAsync(api)).StatusCode.ShouldBe(HttpStatusCode.OK, api);
    }

    [Fact]
    public async Task HostileQueryStrings_OnEveryPage_AreClearErrorsOrIgnored_NeverAFailureOrReflectedMarkup()
    {
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = _server.Address };
        const string markup = "<script>alert(1)</script>";
        var hostile = Uri.EscapeDataString(markup);
        var queries = new[]
        {
            $"?from={hostile}", "?from=2026-13-45&to=yesterday", "?from=1900-01-01&to=2999-01-01", "?to=2026-01-01&from=2026-02-01", $"?group_by={hostile}",
            "?group_by=tenant,tenant,model", $"?filter.tenant={hostile}", $"?filter.{hostile}=x", "?top=-1", "?top=99999999999", $"?window={hostile}",
            $"?node={hostile}", $"?usage_by={hostile}", $"?model={hostile}&tenant={hostile}", "?refresh=60&refresh=61", $"?refresh={hostile}",
            "?from=" + new string('9', 5000), "?%ZZ=1&a=%E0%A4%A",
        };
        foreach (var page in new[] { "", "/costs", "/costs.csv", "/connections", "/graph", "/readiness", "/gateway", "/account" })
        foreach (var query in queries)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/w/{alice.WorkspaceId}{page}{query}");
            request.Headers.Add("Cookie", $"panoptic_session={alice.Token}");
            using var response = await http.SendAsync(request);
            ((int)response.StatusCode).ShouldBeOneOf([200, 400], $"{page}{query}");
            // A page never carries the markup; an error in another type (the CSV's JSON problem) may quote it, but a browser never reads it as a page.
            if (response.Content.Headers.ContentType?.MediaType == "text/html")
                (await response.Content.ReadAsStringAsync()).ShouldNotContain(markup, Case.Insensitive, $"{page}{query}");
            response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
            response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("default-src 'none'");
        }
    }

    [Fact]
    public async Task AWrongPassword_OrATakenEmail_IsRefusedOnThePage_WithNoSession()
    {
        await _server.OnboardAsync("alice@example.com", "Shop");
        await using var browser = await Chromium.LaunchAsync();
        var tab = await browser.NewPageAsync(new() { BaseURL = _server.Address.ToString() });
        var problems = new List<string>();
        tab.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add(message.Text); };

        await tab.GotoAsync("/login");
        await tab.FillAsync("#email", "alice@example.com");
        await tab.FillAsync("#password", "not alice's password at all");
        await tab.ClickAsync("button[type=submit]");
        (await tab.TextContentAsync("[role=alert]")).ShouldBe("wrong email or password");
        new Uri(tab.Url).AbsolutePath.ShouldBe("/login");
        (await tab.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "panoptic_session");

        await tab.GotoAsync("/signup");
        await tab.FillAsync("#email", "alice@example.com");
        await tab.FillAsync("#password", "a long enough password");
        await tab.ClickAsync("button[type=submit]");
        (await tab.TextContentAsync("[role=alert]")).ShouldBe("an account with this email already exists");
        (await tab.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "panoptic_session");
        await tab.GotoAsync("/");
        new Uri(tab.Url).AbsolutePath.ShouldBe("/login", "still nobody signed in");
        // The two refusals are the only console messages: the browser reports their status codes.
        problems.ShouldBe(["Failed to load resource: the server responded with a status of 401 (Unauthorized)",
            "Failed to load resource: the server responded with a status of 409 (Conflict)"]);
    }
}
