using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Panoptic.Server.Tests.Traces;
using Panoptic.Server.Traces;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;

public abstract partial class ServerContractTests
{
    private static readonly byte[] TraceA = Otlp.Id(16, 0xA1);

    [Fact]
    public async Task Traces_FromTheOpenTelemetrySdk_TurnGenAiSpansIntoPricedCostEvents()
    {
        // Real spans need the real clock: the server refuses cost events from the future.
        var server = await StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var alice = await server.OnboardAsync("alice@example.com");
        // Listeners subscribe by source name process-wide: a name of its own keeps the other store's run of this test out.
        using var source = new ActivitySource("Panoptic.Tests.GenAi." + Guid.NewGuid().ToString("N"));
        using (var tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("chat-api").AddAttributes([new("tenant.id", "acme")]))
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(server.Address, "/v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Headers = $"Authorization=Bearer {alice.Key}";
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            using (var chat = source.StartActivity("chat gpt-4o-mini", ActivityKind.Client)!)
            {
                chat.SetTag("gen_ai.operation.name", "chat");
                chat.SetTag("gen_ai.provider.name", "openai");
                chat.SetTag("gen_ai.request.model", "gpt-4o-mini");
                chat.SetTag("gen_ai.usage.input_tokens", 1_000_000);
                chat.SetTag("gen_ai.usage.output_tokens", 100_000);
                chat.SetTag("feature", "support_bot");
            }
            using (var legacy = source.StartActivity("completion", ActivityKind.Client)!)
            {
                legacy.SetTag("gen_ai.system", "anthropic");
                legacy.SetTag("gen_ai.request.model", "a-model-no-rate-card-knows");
                legacy.SetTag("gen_ai.usage.input_tokens", 10);
                legacy.SetStatus(ActivityStatusCode.Error, "overloaded");
            }
            using (source.StartActivity("GET /health", ActivityKind.Server)) { }
            tracing.ForceFlush().ShouldBeTrue();
        }
        using var session = server.Client(alice.Token, alice.WorkspaceId);
        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
        var costs = await JsonOf(await session.GetAsync($"/api/v1/costs?from={day}&to={DateTimeOffset.UtcNow.AddDays(1):yyyy-MM-dd}&group_by=provider,model,tenant,feature"));
        var top = costs.GetProperty("top").EnumerateArray().ToDictionary(t => t.GetProperty("key").GetProperty("provider").GetString()!);
        top.Keys.Order().ShouldBe(["anthropic", "openai"]);
        var openai = top["openai"].GetProperty("key");
        (openai.GetProperty("model").GetString(), openai.GetProperty("tenant").GetString(), openai.GetProperty("feature").GetString()).ShouldBe(("gpt-4o-mini", "acme", "support_bot"));
        // gpt-4o-mini on the embedded rate card: $0.15 per million input tokens, $0.60 per million output.
        top["openai"].GetProperty("cost_usd").GetDecimal().ShouldBe(0.15m + 0.06m);
        costs.GetProperty("total").GetProperty("events").GetInt64().ShouldBe(2);
        costs.GetProperty("total").GetProperty("unpriced_events").GetInt64().ShouldBe(1, "an unknown model is flagged unpriced, not priced at zero");
        costs.GetProperty("total").GetProperty("errors").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task Traces_ProtobufWithFieldsOutOfOrderAndUnknownFields_AreRead_AndARetryNeverDoubleCounts()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        var end = (ulong)Now.AddMinutes(-1).ToUnixTimeMilliseconds() * 1_000_000;
        // Attributes before ids, an unknown field (99) in the span and in the request, the name last.
        var span = new ProtoWriter()
            .Message(9, Otlp.Attribute("gen_ai.usage.output_tokens", 1_000_000))
            .Varint(99, 7)
            .Fixed64(8, end).Fixed64(7, end - 2_000_000_000)
            .Message(9, Otlp.Attribute("gen_ai.request.model", "gpt-4o-mini"))
            .Message(9, Otlp.Attribute("gen_ai.system", "openai"))
            .Bytes(2, Otlp.Id(8, 0x01)).Bytes(1, TraceA)
            .Varint(6, 3)
            .Text(5, "chat");
        var body = Otlp.Request("worker", span).Concat(new ProtoWriter().Text(42, "from a newer sender").ToArray()).ToArray();
        using var key = server.Client(alice.Key);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var response = await key.PostAsync("/v1/traces", Protobuf(body));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-protobuf");
            (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty("no partial_success when every span was accepted");
        }
        var total = await CostTotal(server, alice);
        (total.GetProperty("events").GetInt64(), total.GetProperty("cost_usd").GetDecimal()).ShouldBe((1L, 0.60m));
    }

    [Fact]
    public async Task Traces_BadSpansAreRejectedAlone_WithPartialSuccess_InBothEncodings()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var end = (ulong)Now.AddMinutes(-1).ToUnixTimeMilliseconds() * 1_000_000;
        ProtoWriter Good(byte id) => new ProtoWriter().Bytes(1, TraceA).Bytes(2, Otlp.Id(8, id)).Text(5, "chat").Fixed64(8, end)
            .Message(9, Otlp.Attribute("gen_ai.system", "openai")).Message(9, Otlp.Attribute("gen_ai.request.model", "gpt-4o-mini"))
            .Message(9, Otlp.Attribute("gen_ai.usage.input_tokens", 1_000_000));
        var shortTrace = new ProtoWriter().Bytes(1, Otlp.Id(15, 0xA1)).Bytes(2, Otlp.Id(8, 0x02)).Text(5, "short trace id");
        var badUtf8 = Good(0x03).Message(9, new ProtoWriter().Text(1, "tenant.id").Message(2, new ProtoWriter().Bytes(1, [0x61, 0xFF, 0xFE])));
        var wrongType = new ProtoWriter().Bytes(1, TraceA).Bytes(2, Otlp.Id(8, 0x04)).Varint(5, 1); // name as a varint
        var response = await key.PostAsync("/v1/traces", Protobuf(Otlp.Request("api", Good(0x01), shortTrace, badUtf8, wrongType, Good(0x05))));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var partial = await response.Content.ReadAsByteArrayAsync();
        partial.ShouldNotBeEmpty();
        Encoding.UTF8.GetString(partial).ShouldContain("trace_id is 15 bytes");
        // partial_success (field 1, length-delimited) { rejected_spans (field 1, varint): 3, error_message ... }
        partial[0].ShouldBe((byte)0x0A);
        var inner = partial.AsSpan(partial[1] < 0x80 ? 2 : 3);
        (inner[0], inner[1]).ShouldBe(((byte)0x08, (byte)3));
        (await CostTotal(server, alice)).GetProperty("events").GetInt64().ShouldBe(2);

        var json = $$$"""
            {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "api"}}]},
              "scopeSpans": [{"spans": [
                {"traceId": "{{{Convert.ToHexString(TraceA)}}}", "spanId": "00000000000000aa", "name": "chat", "kind": 3, "endTimeUnixNano": "{{{end}}}",
                 "attributes": [{"key": "gen_ai.provider.name", "value": {"stringValue": "openai"}}, {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o-mini"}},
                                {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "2000000"}}, {"key": "unknown", "value": {"futureValue": 1}}],
                 "someNewField": true},
                {"traceId": "abc", "spanId": "00000000000000bb", "name": "bad id"},
                {"traceId": "{{{Convert.ToHexString(TraceA)}}}", "spanId": "00000000000000cc", "startTimeUnixNano": -5}
              ]}]}]}
            """;
        var jsonResponse = await key.PostAsync("/v1/traces", new StringContent(json, Encoding.UTF8, "application/json"));
        jsonResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await JsonOf(jsonResponse);
        body.GetProperty("partialSuccess").GetProperty("rejectedSpans").GetString().ShouldBe("2");
        body.GetProperty("partialSuccess").GetProperty("errorMessage").GetString()!.ShouldContain("traceId is not 32 hex digits");
        var total = await CostTotal(server, alice);
        (total.GetProperty("events").GetInt64(), total.GetProperty("cost_usd").GetDecimal()).ShouldBe((3L, 0.15m * 4));
    }

    [Fact]
    public async Task Traces_MalformedBodies_AreRefusedClearly_AndTheServerKeepsServing()
    {
        var server = await StartAsync(settings: new Dictionary<string, string?> { ["Panoptic:MaxTraceBytes"] = "1048576" });
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var valid = Otlp.Request("api", new ProtoWriter().Bytes(1, TraceA).Bytes(2, Otlp.Id(8, 1)).Text(5, "GET /"));

        var truncated = await key.PostAsync("/v1/traces", Protobuf(valid[..^3]));
        truncated.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Encoding.UTF8.GetString(await truncated.Content.ReadAsByteArrayAsync()).ShouldContain("not an OTLP ExportTraceServiceRequest");
        (await key.PostAsync("/v1/traces", Protobuf([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var notJson = await key.PostAsync("/v1/traces", new StringContent("{\"resourceSpans\": [", Encoding.UTF8, "application/json"));
        notJson.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonOf(notJson)).GetProperty("message").GetString()!.ShouldContain("not valid JSON");
        (await key.PostAsync("/v1/traces", new StringContent("{\"resourceSpans\": 5}", Encoding.UTF8, "application/json"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await key.PostAsync("/v1/traces", new StringContent("spans", Encoding.UTF8, "text/plain"))).StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);

        // A gzip bomb: 100 MB of zeroes in about 100 KB, refused once the decompressed size passes the cap.
        var bomb = new MemoryStream();
        await using (var gzip = new GZipStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeroes = new byte[1024 * 1024];
            for (var i = 0; i < 100; i++) gzip.Write(zeroes);
        }
        bomb.Length.ShouldBeLessThan(200_000);
        var bombed = await key.PostAsync("/v1/traces", Gzip(bomb.ToArray()));
        bombed.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await key.PostAsync("/v1/traces", Gzip([1, 2, 3, 4]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using var anonymous = server.Client();
        (await anonymous.PostAsync("/v1/traces", Protobuf(valid))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var wrong = server.Client("pan_ik_not-a-real-key");
        (await wrong.PostAsync("/v1/traces", Protobuf(valid))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(valid);
        (await key.PostAsync("/v1/traces", Gzip(compressed.ToArray()))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await key.PostAsync("/v1/traces", Protobuf(valid))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Traces_PastTheExportsInFlight_AnswerServiceUnavailableWithRetryAfter()
    {
        var server = await StartAsync(settings: new Dictionary<string, string?> { ["Panoptic:MaxTraceExportsInFlight"] = "1" });
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var valid = Otlp.Request("api", new ProtoWriter().Bytes(1, TraceA).Bytes(2, Otlp.Id(8, 1)).Text(5, "GET /"));
        // One export whose body arrives slowly holds the only slot: headers and half the body over a raw socket.
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(server.Address.Host, server.Address.Port);
        var stream = socket.GetStream();
        var head = $"POST /v1/traces HTTP/1.1\r\nHost: {server.Address.Authority}\r\nAuthorization: Bearer {alice.Key}\r\nContent-Type: application/x-protobuf\r\nContent-Length: {valid.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(valid.AsMemory(0, valid.Length / 2));
        await stream.FlushAsync();
        using var scraper = server.Client();
        for (var i = 0; i < 200 && !(await scraper.GetStringAsync("/metrics")).Contains("panoptic_trace_exports_in_flight 1", StringComparison.Ordinal); i++) await Task.Delay(20);
        var refused = await key.PostAsync("/v1/traces", Protobuf(valid));
        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        await stream.WriteAsync(valid.AsMemory(valid.Length / 2));
        var answer = new byte[1024];
        var read = await stream.ReadAsync(answer);
        Encoding.ASCII.GetString(answer, 0, read).ShouldStartWith("HTTP/1.1 200");
        (await key.PostAsync("/v1/traces", Protobuf(valid))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Traces_WhenTheStoreFails_AnswerRetryably_AndCountNothingOfTheExport()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var end = (ulong)Now.AddMinutes(-1).ToUnixTimeMilliseconds() * 1_000_000;
        var body = Otlp.Request("api", new ProtoWriter().Bytes(1, TraceA).Bytes(2, Otlp.Id(8, 1)).Text(5, "chat").Varint(6, 3).Fixed64(7, end).Fixed64(8, end)
            .Message(9, Otlp.Attribute("gen_ai.system", "openai")).Message(9, Otlp.Attribute("gen_ai.usage.input_tokens", 10))
            .Message(9, Otlp.Attribute("server.address", "api.openai.com")));
        // A real failure of the real store: the ledger's table is gone.
        var store = server.Services.GetRequiredService<Panoptic.Storage.PanopticStore>();
        await using (var connection = await store.OpenAsync(CancellationToken.None))
        await using (var drop = connection.CreateCommand())
        {
            drop.CommandText = "DROP TABLE cost_events";
            await drop.ExecuteNonQueryAsync();
        }
        var response = await key.PostAsync("/v1/traces", Protobuf(body));
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "OTLP exporters retry 503, not 500");
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(5));
        await server.Services.GetRequiredService<Panoptic.Server.Graph.GraphFlushService>().FlushAsync(everything: true, CancellationToken.None);
        (await store.GraphEdgesAsync(alice.WorkspaceId, Now.AddHours(-1), Now.AddHours(1))).ShouldBeEmpty("the export was refused, so its spans are not in the graph");
    }

    private static async Task<System.Text.Json.JsonElement> CostTotal(RunningServer server, Onboarding.Tenant tenant)
    {
        using var session = server.Client(tenant.Token, tenant.WorkspaceId);
        return (await JsonOf(await session.GetAsync("/api/v1/costs?from=2026-11-01&to=2026-12-01"))).GetProperty("total");
    }

    private static ByteArrayContent Protobuf(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    private static ByteArrayContent Gzip(byte[] compressed)
    {
        var content = Protobuf(compressed);
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }
}
