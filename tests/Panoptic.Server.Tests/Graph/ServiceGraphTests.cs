using Microsoft.Extensions.Options;
using Panoptic.Server.Graph;
using Panoptic.Server.Traces;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests.Graph;

public class ServiceGraphTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);
    private static readonly ulong Start = (ulong)Now.AddMinutes(-2).ToUnixTimeMilliseconds() * 1_000_000;
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ServiceGraph _graph;

    public ServiceGraphTests() => _graph = new ServiceGraph(_time, Options.Create(new ServerOptions { GraphWait = TimeSpan.FromSeconds(10), GraphMaxPending = 1000 }));

    [Fact]
    public void ClientAndServer_PairInEitherOrder_IntoOneEdgeWithBothLatencies()
    {
        _graph.Add("w", [Span(1, 10, 0, "frontend", SpanKind.Client, ms: 120)]);
        _graph.Add("w", [Span(1, 11, 10, "checkout", SpanKind.Server, ms: 100)]);
        // The server half first this time.
        _graph.Add("w", [Span(2, 21, 20, "checkout", SpanKind.Server, ms: 30, error: true)]);
        _graph.Add("w", [Span(2, 20, 0, "frontend", SpanKind.Client, ms: 40)]);
        var edge = _graph.Drain().ShouldHaveSingleItem();
        edge.Key.ShouldBe(new EdgeKey("w", Now.AddMinutes(-2).ToUnixTimeMilliseconds(), "frontend", "checkout", ""));
        (edge.Value.Requests, edge.Value.Failed).ShouldBe((2L, 1L));
        edge.Value.ClientSeconds.ShouldBe(0.160, 1e-9);
        edge.Value.ServerSeconds.ShouldBe(0.130, 1e-9);
        edge.Value.Client[LatencyHistogram.BucketOf(0.120)].ShouldBe(1);
        edge.Value.Server[LatencyHistogram.BucketOf(0.030)].ShouldBe(1);
        _graph.Pending.ShouldBe(0);
    }

    [Fact]
    public void UnpairedHalves_SettleAfterTheWait_AsVirtualNodesAndUserCalls()
    {
        _graph.Add("w", [
            Span(1, 10, 0, "checkout", SpanKind.Client, ms: 300, attributes: [("server.address", "api.stripe.com:443")]),
            Span(2, 20, 0, "checkout", SpanKind.Client, ms: 5, attributes: [("peer.service", "inventory")]),
            Span(3, 30, 0, "checkout", SpanKind.Client, ms: 5), // no peer attribute: nothing to name
            Span(4, 41, 999, "checkout", SpanKind.Server, ms: 50), // its caller never reports
            Span(5, 51, 0, "frontend", SpanKind.Server, ms: 80), // a root: called by a user
        ]);
        // Before the wait is over only the root is settled.
        _graph.Drain().Keys.Select(k => (k.Client, k.Server)).ShouldBe([("user", "frontend")]);
        _time.Advance(TimeSpan.FromSeconds(11));
        var edges = _graph.Drain().OrderBy(e => e.Key.Server).ToDictionary(e => (e.Key.Client, e.Key.Server, e.Key.ConnectionType), e => e.Value.Requests);
        edges.ShouldBe(new Dictionary<(string, string, string), long>
        {
            [("checkout", "api.stripe.com", "virtual_node")] = 1,
            [("user", "checkout", "")] = 1,
            [("checkout", "inventory", "virtual_node")] = 1,
        });
        _graph.ExpiredUnpaired.ShouldBe(1);
        _graph.Pending.ShouldBe(0);
    }

    [Fact]
    public void DatabaseAndMessagingCalls_UseTheirConnectionTypes_AndOldAttributeNames()
    {
        _graph.Add("w", [
            Span(1, 10, 0, "checkout", SpanKind.Client, ms: 2, attributes: [("db.system.name", "postgresql")]),
            Span(1, 11, 0, "checkout", SpanKind.Client, ms: 1, attributes: [("db.system", "Redis")]),
            Span(2, 20, 0, "checkout", SpanKind.Producer, ms: 1),
            Span(2, 21, 20, "mailer", SpanKind.Consumer, ms: 9),
            Span(3, 30, 0, "checkout", SpanKind.Client, ms: 1, attributes: [("net.peer.name", "legacy-billing")]),
        ]);
        _time.Advance(TimeSpan.FromSeconds(11));
        _graph.Drain().Keys.Select(k => (k.Client, k.Server, k.ConnectionType)).Order().ShouldBe([
            ("checkout", "legacy-billing", "virtual_node"),
            ("checkout", "mailer", "messaging_system"),
            ("checkout", "postgresql", "database"),
            ("checkout", "redis", "database"),
        ]);
    }

    [Fact]
    public void TheSameSpanIdsInTwoWorkspaces_NeverPair()
    {
        _graph.Add("a", [Span(1, 10, 0, "frontend", SpanKind.Client, ms: 1, attributes: [("peer.service", "x")])]);
        _graph.Add("b", [Span(1, 11, 10, "checkout", SpanKind.Server, ms: 1)]);
        _time.Advance(TimeSpan.FromSeconds(11));
        _graph.Drain().Keys.Select(k => (k.Workspace, k.Client, k.Server)).Order().ShouldBe([("a", "frontend", "x"), ("b", "user", "checkout")]);
    }

    [Fact]
    public void AFloodOfUnpairedSpans_StaysWithinTheBound()
    {
        for (var i = 0; i < 5000; i++) _graph.Add("w", [Span((ulong)i + 1, 10, 0, "frontend", SpanKind.Client, ms: 1, attributes: [("peer.service", "x")])]);
        _graph.Pending.ShouldBeLessThanOrEqualTo(1000);
        _graph.Drain(everything: true).Values.Sum(v => v.Requests).ShouldBe(5000);
    }

    [Theory]
    [InlineData(new long[] { 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0.5, 0.012)] // all in (8 ms, 16 ms]: the middle
    [InlineData(new long[] { 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0.99, 0.00099)]
    public void Percentile_InterpolatesInsideTheBucket(long[] counts, double quantile, double expected) =>
        LatencyHistogram.Percentile(counts, quantile)!.Value.ShouldBe(expected, 1e-9);

    private static TraceSpan Span(ulong trace, ulong id, ulong parent, string service, SpanKind kind, double ms, bool error = false, (string, string)[]? attributes = null)
    {
        var spanAttributes = new SpanAttributes();
        foreach (var (key, value) in attributes ?? []) spanAttributes.Add(new(key, AttributeValue.Of(value)));
        return new TraceSpan
        {
            TraceId = trace, SpanId = id, ParentSpanId = parent, Name = "op", Kind = kind, StartNanos = Start, EndNanos = Start + (ulong)(ms * 1_000_000),
            Status = error ? SpanStatus.Error : SpanStatus.Unset, Attributes = spanAttributes,
            Resource = [new("service.name", AttributeValue.Of(service))],
        };
    }
}
