using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Panoptic.Server.Tests;

/// <summary>Sign-up, login limits, sessions, workspace isolation and ingestion keys.</summary>
public abstract partial class ServerContractTests
{
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
}
