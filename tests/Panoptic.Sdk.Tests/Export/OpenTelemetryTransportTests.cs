using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry.Exporter;
using Panoptic.Sdk.Context;
using Panoptic.Sdk.OpenTelemetry;
using Panoptic.Sdk.Pricing;
using Panoptic.Sdk.Tests.Support;
using Panoptic.Sdk.Tracking;
using Panoptic.TestUtilities;

namespace Panoptic.Sdk.Tests.Export;

/// <summary>The OpenTelemetry transport through the real OTLP exporter into the real server's /v1/traces.</summary>
[Collection(SdkTests.Name)]
public sealed class OpenTelemetryTransportTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "panoptic-sdk-otel-" + Guid.NewGuid().ToString("N"));
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(null, _data, new FakeTimeProvider(DateTimeOffset.UtcNow));

    public async Task DisposeAsync()
    {
        PanopticSdk.Shutdown();
        await _server.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task TrackedOperations_BecomeGenAiSpans_ThatTheServerPricesPerTenant()
    {
        var alice = await _server.OnboardAsync("otel@example.com");
        using var transport = new OpenTelemetryTransport("chat-api", o =>
        {
            o.Endpoint = new Uri(_server.Address, "v1/traces");
            o.Protocol = OtlpExportProtocol.HttpProtobuf;
            o.Headers = "Authorization=Bearer " + alice.Key;
        }, sourceName: "Panoptic.Sdk.Tests.Otel." + Guid.NewGuid().ToString("N"));
        await using var exporter = PanopticSdk.Init(transport, "chat-api", new Sdk.Export.ExporterOptions { FlushInterval = TimeSpan.FromMilliseconds(20) });
        var operation = new Operation { Provider = "openai", Model = "gpt-4o-mini", Name = "chat", Usage = new Usage { InputTokens = 1_000_000, OutputTokens = 100_000 } };
        using (PanopticContext.Begin(new() { TenantId = "acme", Feature = "support" }))
        {
            for (var i = 0; i < 3; i++) PanopticSdk.Track(operation, () => i);
        }
        (await exporter.FlushAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue();
        exporter.Counts.ShouldBe((3L, 0L, 0L));

        using var session = _server.Client(alice.Token, alice.WorkspaceId);
        var today = DateTimeOffset.UtcNow;
        var costs = await session.GetFromJsonAsync<JsonElement>($"/api/v1/costs?from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}&group_by=tenant");
        var acme = costs.GetProperty("top").EnumerateArray().Single();
        acme.GetProperty("key").GetProperty("tenant").GetString().ShouldBe("acme");
        (acme.GetProperty("events").GetInt64(), acme.GetProperty("cost_usd").GetDecimal()).ShouldBe((3L, 3 * 0.21m));
    }
}
