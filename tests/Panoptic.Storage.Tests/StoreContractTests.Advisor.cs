using Panoptic.Storage.Advisor;
using Panoptic.Storage.Gateway;
using Panoptic.Storage.Ledger;

namespace Panoptic.Storage.Tests;

/// <summary>What the savings advisor reads: the size-banded rollup, the gateway's per-feature usage and fingerprints, the day's cache.</summary>
public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset Day10 = new(2026, 11, 10, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ShapeRollup_SplitsSmallCallsFromTheRest_ByTheirBands()
    {
        var store = await CreateStoreAsync();
        LedgerEvent Event(string id, long input, long output, long nanos, int day = 10) => new()
        {
            Id = id, Timestamp = Day10.AddDays(day - 10).AddHours(3), Provider = "openai", Model = "gpt-4o", Feature = "tag", InputTokens = input, OutputTokens = output,
            Requests = 1, CostNanos = nanos, CostSource = CostSource.RateCard,
        };
        // Band edges: 999 / 1000 and 3999 / 4000 input tokens, 99 / 100 output tokens.
        await store.AppendEventsAsync("w1", [Event("a", 999, 99, 1), Event("b", 3999, 0, 10), Event("c", 4000, 5, 100), Event("d", 10, 100, 1000), Event("e", 10, 10, 7, day: 11)], Now);
        await store.AppendEventsAsync("w2", [Event("a", 10, 10, 5)], Now);
        while (await store.RollUpAsync() > 0) { }
        string[] smallInput = [SizeBands.InputUnder1000, SizeBands.InputUnder4000], smallOutput = [SizeBands.OutputUnder100];
        var rows = await store.ShapeRowsAsync("w1", Day10, Day10.AddDays(1), smallInput, smallOutput);
        var small = rows.Single(r => r.Small);
        (small.Events, small.CostNanos, small.InputTokens, small.OutputTokens).ShouldBe((2L, 11L, 4998L, 99L));
        var rest = rows.Single(r => !r.Small);
        (rest.Events, rest.CostNanos).ShouldBe((2L, 1100L));
        rest.Day.ShouldBe(Day10.ToUnixTimeMilliseconds());
        (await store.ShapeRowsAsync("w1", Day10, Day10.AddDays(2), smallInput, smallOutput)).Sum(r => r.Events).ShouldBe(5);
        (SizeBands.Input(999), SizeBands.Input(1000), SizeBands.Input(4000), SizeBands.Output(99), SizeBands.Output(100), SizeBands.Output(500))
            .ShouldBe(("lt1000", "lt4000", "ge4000", "lt100", "lt500", "ge500"));
    }

    [Fact]
    public async Task GatewayFingerprints_CountRepeatsPerDay_AndARetriedBatchCountsNothingTwice()
    {
        var store = await CreateStoreAsync();
        GatewayLog Log(string id, string? hash, long nanos, int hour = 1, string? prefix = null, bool stream = false, int status = 200, string user = "") => new()
        {
            WorkspaceId = "w1", Id = id, At = Day10.AddHours(hour), KeyId = "k", Endpoint = "/v1/chat/completions", ModelRequested = "gpt-4o-mini", ModelServed = "gpt-4o-mini",
            Status = status, Stream = stream, CostNanos = nanos, Feature = "faq", RequestHash = hash, PrefixHash = prefix, PrefixChars = prefix is null ? 0 : 5000, CachedTokens = 3,
            InputTokens = 10, UserId = user,
        };
        List<GatewayLog> logs = [Log("1", "h", 100, prefix: "p"), Log("2", "h", 100, prefix: "p", stream: true), Log("3", "h", 300, user: "u1"), Log("4", "x", 50, prefix: "p"),
            Log("5", "h", 100, status: 500), Log("6", "h", 100, hour: 30), Log("7", null, 10)];
        await store.AppendGatewayLogsAsync(logs);
        await store.AppendGatewayLogsAsync(logs);
        var repeats = await store.GatewayRepeatsAsync("w1", Day10, Day10.AddDays(2));
        // The failed request is no repeat, and the one a day later starts a day of its own (seen once there).
        repeats.Single(r => r.Kind == "request").ShouldBe(new RepeatRow(Day10.ToUnixTimeMilliseconds(), "request", "gpt-4o-mini", "faq", 1, 3, 500, 100, 0, 9));
        repeats.Single(r => r.Kind == "prefix").ShouldBe(new RepeatRow(Day10.ToUnixTimeMilliseconds(), "prefix", "gpt-4o-mini", "faq", 1, 3, 250, 100, 10_000, 9));
        var usage = await store.GatewayFeatureUsageAsync("w1", Day10, Day10.AddDays(2));
        // Per day and streaming; the request that named its user is not a worker's.
        long day10 = Day10.ToUnixTimeMilliseconds(), day11 = Day10.AddDays(1).ToUnixTimeMilliseconds();
        usage.ShouldBe([new FeatureUsageRow(day10, "faq", "gpt-4o-mini", false, 5, 560, 50, 15, 4, 260), new FeatureUsageRow(day10, "faq", "gpt-4o-mini", true, 1, 100, 10, 3, 1, 100),
            new FeatureUsageRow(day11, "faq", "gpt-4o-mini", false, 1, 100, 10, 3, 1, 100)]);
        (await store.GatewayRepeatsAsync("w2", Day10, Day10.AddDays(2))).ShouldBeEmpty();
    }

    [Fact]
    public async Task CachedRecommendations_AreKeptPerDayAndWindow_AndEarlierDaysAreDropped()
    {
        var store = await CreateStoreAsync();
        var day = new DateOnly(2026, 11, 22);
        (await store.CachedRecommendationsAsync("w1", day, 30)).ShouldBeNull();
        await store.SaveRecommendationsAsync("w1", day.AddDays(-1), 30, new CachedRecommendations(Now.AddDays(-1), "{\"old\":1}"));
        await store.SaveRecommendationsAsync("w1", day, 30, new CachedRecommendations(Now, "{\"a\":1}"));
        await store.SaveRecommendationsAsync("w1", day, 30, new CachedRecommendations(Now.AddHours(1), "{\"a\":2}"));
        await store.SaveRecommendationsAsync("w1", day, 7, new CachedRecommendations(Now, "{\"b\":1}"));
        (await store.CachedRecommendationsAsync("w1", day, 30)).ShouldBe(new CachedRecommendations(Now.AddHours(1), "{\"a\":2}"));
        (await store.CachedRecommendationsAsync("w1", day, 7))!.Document.ShouldBe("{\"b\":1}");
        (await store.CachedRecommendationsAsync("w1", day.AddDays(-1), 30)).ShouldBeNull();
        (await store.CachedRecommendationsAsync("w2", day, 30)).ShouldBeNull();

        // Saving also drops the workspace's fingerprints past the advisor's longest window.
        GatewayLog Old(string id, DateTimeOffset at) => new()
        {
            WorkspaceId = "w1", Id = id, At = at, KeyId = "k", Endpoint = "/v1/chat/completions", ModelServed = "m", Status = 200, RequestHash = "h", CostNanos = 1,
        };
        var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await store.AppendGatewayLogsAsync([Old("o1", midnight.AddDays(-92)), Old("o2", midnight.AddDays(-92)), Old("n1", midnight.AddDays(-91)), Old("n2", midnight.AddDays(-91))]);
        await store.SaveRecommendationsAsync("w1", day, 30, new CachedRecommendations(Now, "{}"));
        (await store.GatewayRepeatsAsync("w1", midnight.AddDays(-100), midnight)).Select(r => r.Day).ShouldBe([midnight.AddDays(-91).ToUnixTimeMilliseconds()]);
    }
}
