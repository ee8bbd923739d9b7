using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Panoptic.Server.Graph;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;

public abstract partial class ServerContractTests
{
    [Fact]
    public async Task Graph_FromTwoServicesInstrumentedWithTheOpenTelemetrySdk_ShowsEachCallAndComparesWithTheRegistry()
    {
        var server = await StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        (await key.PostAsync("/api/v1/registries", Raw(Registry("pg", "stripe")))).StatusCode.ShouldBe(HttpStatusCode.Created);
        // Listeners subscribe by source name process-wide, and the SQLite and PostgreSQL runs of this test run at once.
        var run = Guid.NewGuid().ToString("N");
        using var frontendSource = new ActivitySource("Tests.Frontend." + run);
        using var checkoutSource = new ActivitySource("Tests.Checkout." + run);
        using (var frontend = Tracing(server, alice.Key, "frontend", frontendSource))
        using (var checkout = Tracing(server, alice.Key, "checkout", checkoutSource))
        {
            for (var i = 0; i < 3; i++)
            {
                using var page = frontendSource.StartActivity("GET /cart", ActivityKind.Server)!;
                using (var call = frontendSource.StartActivity("POST", ActivityKind.Client)!)
                {
                    call.SetTag("server.address", "checkout");
                    using var handler = checkoutSource.StartActivity("POST /orders", ActivityKind.Server, call.Context)!;
                    if (i == 2) handler.SetStatus(ActivityStatusCode.Error);
                    using (var query = checkoutSource.StartActivity("SELECT orders", ActivityKind.Client)!) query.SetTag("db.system.name", "postgresql");
                }
                using var llm = frontendSource.StartActivity("chat", ActivityKind.Client)!;
                llm.SetTag("server.address", "api.openai.com");
            }
            frontend.ForceFlush().ShouldBeTrue();
            checkout.ForceFlush().ShouldBeTrue();
        }
        // The OpenAI calls never get a server span: settle them now instead of after the wait.
        await server.Services.GetRequiredService<GraphFlushService>().FlushAsync(everything: true, CancellationToken.None);

        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var from = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O");
        var graph = await JsonOf(await session.GetAsync($"/api/v1/graph?from={Uri.EscapeDataString(from)}"));
        var edges = graph.GetProperty("edges").EnumerateArray().ToDictionary(e => (e.GetProperty("client").GetString(), e.GetProperty("server").GetString()));
        edges.Keys.Order().ShouldBe([("checkout", "postgresql"), ("frontend", "api.openai.com"), ("frontend", "checkout"), ("user", "frontend")]);
        foreach (var edge in edges.Values) edge.GetProperty("requests").GetInt64().ShouldBe(3);
        var checkoutCall = edges[("frontend", "checkout")];
        (checkoutCall.GetProperty("failed").GetInt64(), checkoutCall.GetProperty("connection_type").GetString()).ShouldBe((1L, ""));
        checkoutCall.GetProperty("client_latency").GetProperty("p95_ms").GetDouble().ShouldBeGreaterThan(0);
        checkoutCall.GetProperty("server_latency").GetProperty("p50_ms").GetDouble().ShouldBeGreaterThan(0);
        edges[("checkout", "postgresql")].GetProperty("connection_type").GetString().ShouldBe("database");
        edges[("frontend", "api.openai.com")].GetProperty("connection_type").GetString().ShouldBe("virtual_node");

        var nodes = graph.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetString()!);
        nodes["postgresql"].GetProperty("registry").GetProperty("id").GetString().ShouldBe("postgresql");
        nodes["postgresql"].GetProperty("undeclared").GetBoolean().ShouldBeFalse();
        graph.GetProperty("undeclared").EnumerateArray().Select(u => u.GetString()).ShouldBe(["api.openai.com"]);
        graph.GetProperty("idle").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ShouldBe(["stripe"]);
    }

    [Fact]
    public async Task Graph_FromHandBuiltSpans_HasExactCountsAndLatencies_SurvivesARestart_AndIsExportedForPrometheus()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var start = (ulong)Now.AddMinutes(-3).ToUnixTimeMilliseconds() * 1_000_000;
        string Span(string trace, string id, string parent, int kind, double ms, int status = 0) =>
            $$$"""{"traceId": "{{{trace}}}", "spanId": "{{{id}}}", "parentSpanId": "{{{parent}}}", "name": "op", "kind": {{{kind}}}, "startTimeUnixNano": "{{{start}}}", "endTimeUnixNano": "{{{start + (ulong)(ms * 1_000_000)}}}", "status": {"code": {{{status}}} } }""";
        string Request(string service, params string[] spans) =>
            $$$"""{"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "{{{service}}}"}}]}, "scopeSpans": [{"spans": [{{{string.Join(", ", spans)}}}]}]}]}""";
        var traceA = new string('a', 32);
        var traceB = new string('b', 32);
        // Out of order: the server spans of both traces arrive before their client spans.
        (await key.PostAsync("/v1/traces", new StringContent(Request("api", Span(traceA, "00000000000000a2", "00000000000000a1", 2, 3), Span(traceB, "00000000000000b2", "00000000000000b1", 2, 5, status: 2)), Encoding.UTF8, "application/json")))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await key.PostAsync("/v1/traces", new StringContent(Request("web", Span(traceA, "00000000000000a1", "", 3, 6), Span(traceB, "00000000000000b1", "", 3, 10)), Encoding.UTF8, "application/json")))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await server.Services.GetRequiredService<GraphFlushService>().FlushAsync(everything: false, CancellationToken.None);
        await server.DisposeAsync();

        var restarted = await StartAsync();
        using var session = restarted.Client(alice.Token, alice.WorkspaceId);
        var graph = await JsonOf(await session.GetAsync($"/api/v1/graph?from={Now.AddMinutes(-10):O}&to={Now:O}".Replace("+", "%2B", StringComparison.Ordinal)));
        var edge = graph.GetProperty("edges").EnumerateArray().ShouldHaveSingleItem();
        (edge.GetProperty("client").GetString(), edge.GetProperty("server").GetString()).ShouldBe(("web", "api"));
        (edge.GetProperty("requests").GetInt64(), edge.GetProperty("failed").GetInt64(), edge.GetProperty("error_rate").GetDouble()).ShouldBe((2L, 1L, 0.5));
        edge.GetProperty("client_latency").GetProperty("mean_ms").GetDouble().ShouldBe(8, 1e-6);
        edge.GetProperty("server_latency").GetProperty("mean_ms").GetDouble().ShouldBe(4, 1e-6);
        // 6 ms and 10 ms fall in (4, 8] and (8, 16] ms: the median is the top of the first bucket.
        edge.GetProperty("client_latency").GetProperty("p50_ms").GetDouble().ShouldBe(8, 1e-6);
        graph.GetProperty("nodes").EnumerateArray().Select(n => (n.GetProperty("id").GetString(), n.GetProperty("kind").GetString())).ShouldBe([("api", "service"), ("web", "service")]);
        edge.GetProperty("series").ValueKind.ShouldBe(JsonValueKind.Null);
        var perMinute = await JsonOf(await session.GetAsync($"/api/v1/graph?from={Now.AddMinutes(-10):O}&to={Now:O}&series=minute".Replace("+", "%2B", StringComparison.Ordinal)));
        var minute = perMinute.GetProperty("edges")[0].GetProperty("series").EnumerateArray().ShouldHaveSingleItem();
        (minute.GetProperty("start").GetDateTimeOffset(), minute.GetProperty("requests").GetInt64(), minute.GetProperty("failed").GetInt64()).ShouldBe((Now.AddMinutes(-3), 2L, 1L));
        (await session.GetAsync($"/api/v1/graph?from={Now.AddDays(-3):yyyy-MM-dd}&series=minute")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using var scraper = restarted.Client();
        var metrics = await scraper.GetStringAsync("/metrics");
        var labels = $"workspace=\"{alice.WorkspaceId}\",client=\"web\",server=\"api\",connection_type=\"\"";
        metrics.ShouldContain($"traces_service_graph_request_total{{{labels}}} 2");
        metrics.ShouldContain($"traces_service_graph_request_failed_total{{{labels}}} 1");
        metrics.ShouldContain($"traces_service_graph_request_server_seconds_bucket{{{labels},le=\"0.004\"}} 1");
        metrics.ShouldContain($"traces_service_graph_request_server_seconds_bucket{{{labels},le=\"+Inf\"}} 2");
        metrics.ShouldContain($"traces_service_graph_request_client_seconds_count{{{labels}}} 2");

        // Another workspace sees none of it.
        var bob = await restarted.OnboardAsync("bob@example.com", "Bob's");
        using var bobSession = restarted.Client(bob.Token, bob.WorkspaceId);
        (await JsonOf(await bobSession.GetAsync($"/api/v1/graph?from={Now.AddMinutes(-10):O}&to={Now:O}".Replace("+", "%2B", StringComparison.Ordinal))))
            .GetProperty("edges").GetArrayLength().ShouldBe(0);
        (await bobSession.GetAsync("/api/v1/graph?from=yesterday")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static TracerProvider Tracing(RunningServer server, string key, string service, ActivitySource source) =>
        OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(server.Address, "/v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Headers = $"Authorization=Bearer {key}";
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build();
}
