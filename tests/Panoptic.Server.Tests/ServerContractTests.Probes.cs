using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Panoptic.Server.Probes;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;

public abstract partial class ServerContractTests
{
    [Fact]
    public async Task Probes_OfEveryKind_CheckRealServers_AndReportEachConnection()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        (await key.PostAsync("/api/v1/registries", Raw(Registry("pg", "ioredis", "stripe")))).StatusCode.ShouldBe(HttpStatusCode.Created);
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var redis = Environment.GetEnvironmentVariable("PANOPTIC_TEST_REDIS") ?? throw new InvalidOperationException("PANOPTIC_TEST_REDIS is not set: run the tests with ./test.sh");
        var postgres = PostgresSchema.Server;
        // Credentials stay in the server's environment; the probe names the variable.
        var variable = "PANOPTIC_TEST_PROBE_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable + "_PG", postgres);
        Environment.SetEnvironmentVariable(variable + "_REDIS", redis);
        var redisAddress = new Uri(redis).Authority;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = ClosedPort();
        var probes = new object[]
        {
            new { name = "postgresql", kind = "postgres", target = $"${{{variable}_PG}}" },
            new { name = "redis", kind = "redis", target = $"${{{variable}_REDIS}}" },
            new { name = "stripe", kind = "http", target = new Uri(server.Address, "/healthz").ToString(), expected_status = 200 },
            new { name = "search", kind = "tcp", target = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}" },
            new { name = "billing", kind = "tcp", target = $"127.0.0.1:{closed}", timeout_ms = 2000 },
            new { name = "redis-no-auth", kind = "redis", target = redisAddress },
            new { name = "docs", kind = "http", target = new Uri(server.Address, "/no-such-page").ToString() },
        };
        foreach (var probe in probes) (await session.PostAsJsonAsync("/api/v1/probes", probe)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await server.Services.GetRequiredService<ProbeRunner>().RunDueAsync(CancellationToken.None)).ShouldBe(7);

        var connections = (await JsonOf(await session.GetAsync("/api/v1/connections"))).EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        foreach (var up in new[] { "postgresql", "redis", "stripe", "search" })
        {
            var connection = connections[up];
            connection.GetProperty("status").GetString().ShouldBeOneOf(["up", "degraded"], up); // degraded only if slower than its latency objective
            connection.GetProperty("availability").GetProperty("last_hour").GetDouble().ShouldBe(100, up);
            connection.GetProperty("latency_p95_ms").GetDouble().ShouldBeGreaterThan(0, up);
        }
        connections["postgresql"].GetProperty("section").GetString().ShouldBe("connection");
        connections["postgresql"].GetProperty("slo").GetProperty("availability_objective").GetDouble().ShouldBe(99.9);
        connections["postgresql"].GetProperty("slo").GetProperty("latency_p95_objective_ms").GetDouble().ShouldBe(250);
        connections["redis"].GetProperty("slo").GetProperty("latency_p95_objective_ms").GetDouble().ShouldBe(50, "a cache is held to cache speed");
        connections["stripe"].GetProperty("slo").GetProperty("availability_objective").GetDouble().ShouldBe(99.5);
        foreach (var (down, reason) in new[] { ("billing", "ConnectionRefused"), ("redis-no-auth", "NOAUTH"), ("docs", "GET answered 404") })
        {
            var connection = connections[down];
            connection.GetProperty("status").GetString().ShouldBe("degraded", down); // one failure: degraded; down takes two in a row
            connection.GetProperty("probe").GetProperty("last_error").GetString()!.ShouldContain(reason, Case.Sensitive, down);
            connection.GetProperty("availability").GetProperty("last_hour").GetDouble().ShouldBe(0, down);
        }
        // Nothing shows a password: not the probes, not the connections, not the errors.
        var everything = await session.GetStringAsync("/api/v1/connections") + await session.GetStringAsync("/api/v1/probes");
        everything.ShouldNotContain(new Uri(redis).UserInfo.TrimStart(':'));
        listener.Stop();
        Environment.SetEnvironmentVariable(variable + "_PG", null);
        Environment.SetEnvironmentVariable(variable + "_REDIS", null);
    }

    [Fact]
    public async Task Probes_GoingDownAndComingBack_ChangeStateAlertOnceAndCountAgainstTheSlo()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        (await session.PostAsJsonAsync("/api/v1/probes", new { name = "queue", kind = "tcp", target = $"127.0.0.1:{port}", interval_seconds = 60, timeout_ms = 2000,
            slo = new { availability = 99.0, latency_p95_ms = 1000 } })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var runner = server.Services.GetRequiredService<ProbeRunner>();
        async Task<JsonElement> Step(bool listening)
        {
            if (!listening) listener.Stop();
            (await runner.RunDueAsync(CancellationToken.None)).ShouldBe(1);
            (await runner.RunDueAsync(CancellationToken.None)).ShouldBe(0, "not due again before its interval");
            server.Time.Advance(TimeSpan.FromSeconds(67)); // the interval plus the most jitter
            return (await JsonOf(await session.GetAsync("/api/v1/connections"))).EnumerateArray().Single();
        }
        (await Step(true)).GetProperty("status").GetString().ShouldBe("up");
        (await Step(false)).GetProperty("status").GetString().ShouldBe("degraded");
        var down = await Step(false);
        down.GetProperty("status").GetString().ShouldBe("down");
        (await Step(false)).GetProperty("status").GetString().ShouldBe("down");
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var back = await Step(true);
        back.GetProperty("status").GetString().ShouldBe("up");
        listener.Stop();

        // 2 of 5 checks passed in the last hour: 40 %; a 99 % objective allows 1 % to fail, so the burn rate is 60.
        back.GetProperty("availability").GetProperty("last_hour").GetDouble().ShouldBe(40);
        back.GetProperty("slo").GetProperty("burn_rate1h").GetDouble().ShouldBe(60);
        back.GetProperty("slo").GetProperty("error_budget_remaining").GetDouble().ShouldBe(-59);
        back.GetProperty("slo").GetProperty("status").GetString().ShouldBe("breached");
        var alerts = (await JsonOf(await session.GetAsync("/api/v1/alerts"))).EnumerateArray().Select(a => (a.GetProperty("kind").GetString()!, a.GetProperty("subject").GetString()!)).ToList();
        alerts.Order().ToList().ShouldBe([("probe_down", "queue"), ("probe_recovered", "queue")], "one alert for going down (not one per failed check), one for coming back");
    }

    [Fact]
    public async Task Probes_BurningTheErrorBudgetFast_AlertOnceAnHour()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        (await session.PostAsJsonAsync("/api/v1/probes", new { name = "search", kind = "tcp", target = $"127.0.0.1:{ClosedPort()}", interval_seconds = 5, timeout_ms = 1000 }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var runner = server.Services.GetRequiredService<ProbeRunner>();
        for (var i = 0; i < ProbeRunner.MinChecksForBurn + 2; i++)
        {
            (await runner.RunDueAsync(CancellationToken.None)).ShouldBe(1);
            server.Time.Advance(TimeSpan.FromSeconds(6));
        }
        var alerts = (await JsonOf(await session.GetAsync("/api/v1/alerts"))).EnumerateArray().Select(a => a.GetProperty("kind").GetString()).Order().ToList();
        alerts.ShouldBe(["probe_burn_rate", "probe_down"], "the burn alert waits for ten checks, then comes once in the hour");
    }

    [Fact]
    public async Task Probes_BadInput_IsRefusedClearly_AndIsScopedToTheWorkspace()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        async Task<string> Refused(object probe)
        {
            var response = await session.PostAsJsonAsync("/api/v1/probes", probe);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            return (await JsonOf(response)).GetProperty("detail").GetString()!;
        }
        (await Refused(new { name = "db", kind = "postgres", target = "postgres://app:s3cret@db:5432/app" })).ShouldContain("environment variable");
        (await Refused(new { name = "db", kind = "postgres", target = "Host=db;Username=app;Password=s3cret" })).ShouldContain("environment variable");
        (await Refused(new { name = "cache", kind = "redis", target = "redis://:s3cret@cache:6379" })).ShouldContain("environment variable");
        (await Refused(new { name = "x", kind = "smtp", target = "mail:25" })).ShouldContain("kind: one of");
        (await Refused(new { name = "x", kind = "tcp", target = "no-port" })).ShouldContain("host:port");
        (await Refused(new { name = "x", kind = "http", target = "ftp://example.com" })).ShouldContain("http:// or https://");
        (await Refused(new { name = "x", kind = "tcp", target = "a:1", interval_seconds = 1 })).ShouldContain("interval_seconds");
        (await Refused(new { name = "x", kind = "tcp", target = "a:1", slo = new { availability = 100 } })).ShouldContain("slo.availability");
        (await Refused(new { name = "", kind = "tcp", target = "a:1" })).ShouldContain("name");

        var created = await session.PostAsJsonAsync("/api/v1/probes", new { name = "db", kind = "postgres", target = "${PANOPTIC_TEST_UNSET_VARIABLE}" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await JsonOf(created)).GetProperty("id").GetString()!;
        (await session.PostAsJsonAsync("/api/v1/probes", new { name = "db", kind = "tcp", target = "a:1" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        await server.Services.GetRequiredService<ProbeRunner>().RunDueAsync(CancellationToken.None);
        var probe = (await JsonOf(await session.GetAsync("/api/v1/probes"))).EnumerateArray().Single();
        probe.GetProperty("last_error").GetString().ShouldBe("environment variable PANOPTIC_TEST_UNSET_VARIABLE is not set on the server");

        var bob = await server.OnboardAsync("bob@example.com", "Bob's");
        using var bobSession = server.Client(bob.Token, bob.WorkspaceId);
        (await bobSession.DeleteAsync($"/api/v1/probes/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await JsonOf(await bobSession.GetAsync("/api/v1/connections"))).GetArrayLength().ShouldBe(0);
        (await session.DeleteAsync($"/api/v1/probes/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await JsonOf(await session.GetAsync("/api/v1/probes"))).GetArrayLength().ShouldBe(0);
    }

    private static int ClosedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port; // closed again when disposed
    }
}
