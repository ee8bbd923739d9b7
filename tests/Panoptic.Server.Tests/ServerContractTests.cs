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
public abstract partial class ServerContractTests : IAsyncLifetime
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
        foreach (var upstream in _upstreams) await upstream.DisposeAsync();
        foreach (var upstream in _scripted) await upstream.DisposeAsync();
        foreach (var fake in _costFakes) await fake.DisposeAsync();
        await CleanUpAsync();
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
    }

    protected async Task<RunningServer> StartAsync(FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var server = await RunningServer.StartAsync(await DatabaseAsync(), DataDirectory, time, settings, services: services);
        _servers.Add(server);
        return server;
    }


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