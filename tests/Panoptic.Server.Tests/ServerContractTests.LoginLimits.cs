using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Panoptic.Server.Tests;

/// <summary>Login limits that hurt the attacker, not the user; and the client seen through a trusted proxy.</summary>
public abstract partial class ServerContractTests
{
    private const string Password = "long enough password";

    private static Task<HttpResponseMessage> LogIn(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });

    [Fact]
    public async Task Login_AStrangersWrongPasswords_LockTheStrangerOutNotTheOwner()
    {
        var server = await StartAsync();
        using var owner = server.ClientFrom("127.0.0.3");
        (await owner.PostAsJsonAsync("/api/v1/auth/signup", new { email = "a@example.com", password = Password })).StatusCode.ShouldBe(HttpStatusCode.Created);
        using var stranger = server.ClientFrom("127.0.0.2");
        for (var i = 0; i < 5; i++) (await LogIn(stranger, "a@example.com", "wrong password!!")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var locked = await LogIn(stranger, "a@example.com", Password);
        locked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await JsonOf(locked)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("from this address");
        (await LogIn(owner, "a@example.com", Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Login_OnePasswordSprayedOverManyAccounts_IsThrottledPerAddress()
    {
        var server = await StartAsync(settings: new Dictionary<string, string?> { ["Panoptic:MaxLoginFailuresPerAddress"] = "8" });
        using var sprayer = server.ClientFrom("127.0.0.4");
        for (var i = 0; i < 8; i++) (await LogIn(sprayer, $"user{i}@example.com", "Summer2026!Summer")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var throttled = await LogIn(sprayer, "user8@example.com", "Summer2026!Summer");
        throttled.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        throttled.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromMinutes(15));
        (await JsonOf(throttled)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldStartWith("too many failed logins from this address");
        using var someoneElse = server.ClientFrom("127.0.0.5");
        (await LogIn(someoneElse, "user8@example.com", "Summer2026!Summer")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        server.Time.Advance(TimeSpan.FromMinutes(15));
        (await LogIn(sprayer, "user9@example.com", "Summer2026!Summer")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(null, "127.0.0.1", false)]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("10.0.0.0/8, 127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "127.0.0.6", false)]
    public async Task DashboardLogin_BehindATrustedProxyEndingTls_SetsASecureCookie(string? trustProxy, string from, bool secure)
    {
        var server = await StartAsync(settings: new Dictionary<string, string?> { ["Panoptic:TrustProxy"] = trustProxy });
        await server.OnboardAsync("alice@example.com");
        using var client = server.ClientFrom(from);
        using var page = await client.GetAsync("/login");
        var antiforgery = Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var cookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("panoptic_antiforgery", StringComparison.Ordinal)).Split(';')[0];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = antiforgery, ["Input.Email"] = "alice@example.com", ["Input.Password"] = "correct horse battery",
            }),
        };
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "198.51.100.20");

        using var response = await client.SendAsync(request);

        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("panoptic_session=", StringComparison.Ordinal));
        session.Contains("; secure", StringComparison.OrdinalIgnoreCase).ShouldBe(secure, session);
        session.ShouldContain("httponly", Case.Insensitive);
    }

    [Fact]
    public async Task Login_BehindATrustedProxy_CountsTheForwardedClientNotTheProxy()
    {
        var server = await StartAsync(settings: new Dictionary<string, string?> { ["Panoptic:TrustProxy"] = "127.0.0.1" });
        await server.OnboardAsync("alice@example.com");
        using var proxy = server.Client();
        Task<HttpResponseMessage> Via(string client, string password)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email = "alice@example.com", password }) };
            request.Headers.Add("X-Forwarded-For", client);
            return proxy.SendAsync(request);
        }
        for (var i = 0; i < 5; i++) (await Via("198.51.100.1", "wrong password!!")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        (await Via("198.51.100.1", "correct horse battery")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await Via("198.51.100.2", "correct horse battery")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TrustProxy_NotAnAddress_FailsTheStartNamingTheKey()
    {
        var failure = await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            StartAsync(settings: new Dictionary<string, string?> { ["Panoptic:TrustProxy"] = "10.0.0.1, proxy.local" }));
        failure.Message.ShouldContain("Panoptic:TrustProxy: 'proxy.local'");
    }
}
