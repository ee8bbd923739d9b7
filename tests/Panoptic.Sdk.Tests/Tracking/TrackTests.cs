using Panoptic.Sdk.Context;
using Panoptic.Sdk.Pricing;
using Panoptic.Sdk.Tests.Support;
using Panoptic.TestUtilities;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Tests.Tracking;

[Collection(SdkTests.Name)]
public sealed class TrackTests : IAsyncLifetime
{
    private CollectingTransport.Tracked _sdk = null!;

    public Task InitializeAsync()
    {
        _sdk = CollectingTransport.Init("billing");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _sdk.DisposeAsync();
    }

    [Fact]
    public async Task Timing_SplitsIntoTheWorkAndTheSdksOwnOverhead()
    {
        await PanopticSdk.TrackAsync(new Operation { Provider = "openai", Name = "chat" }, () => Task.Delay(40));
        var e = (await _sdk.Events.WaitForAsync(1)).Single();
        e.ExecutionMs.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(35);
        e.OverheadMs.ShouldNotBeNull().ShouldBeInRange(0, 20);
        e.TotalMs.ShouldBe(e.ExecutionMs!.Value + e.OverheadMs!.Value, 0.001);
    }

    [Fact]
    public async Task UsageReadFromTheResult_IsPriced_AndAThrowingReaderKeepsTheOperation()
    {
        var operation = new Operation { Provider = "openai", Model = "gpt-4o-mini", Name = "chat" };
        (await PanopticSdk.TrackAsync(operation, () => Task.FromResult(7), r => new Usage { InputTokens = 1_000_000 * r })).ShouldBe(7);
        PanopticSdk.Track<int>(operation, () => 8, _ => throw new InvalidOperationException("reader bug")).ShouldBe(8);
        var events = await _sdk.Events.WaitForAsync(2);
        events[0].CostUsd.ShouldBe(7 * 0.15m);
        events[0].RateCardVersion.ShouldBe(RateCard.Embedded.Version);
        events[1].Usage.ShouldBeNull();
        events[1].Failed.ShouldBeFalse();
    }

    [Fact]
    public async Task AScope_RecordsOnce_WithTheUsageAndFailureSetInside()
    {
        using (PanopticContext.Begin(new() { TenantId = "acme" }))
        {
            var scope = PanopticSdk.Begin(new Operation { Provider = "anthropic", Model = "claude-3-5-haiku-20241022", Name = "summarise" });
            scope.SetUsage(new Usage { InputTokens = 1000, OutputTokens = 100 });
            scope.Fail(new TimeoutException("too slow"));
            scope.Dispose();
            scope.Dispose();
        }
        var e = (await _sdk.Events.WaitForAsync(1)).Single();
        (e.Service, e.Context.TenantId, e.Failed, e.ErrorType, e.ErrorMessage).ShouldBe(("billing", "acme", true, "System.TimeoutException", "too slow"));
        e.CostUsd.ShouldNotBeNull().ShouldBeGreaterThan(0);
        await Task.Delay(30);
        _sdk.Events.Events.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Sampling_ThinsCheapSuccesses_ButKeepsEveryErrorAndEveryCostlyCall()
    {
        await _sdk.DisposeAsync();
        _sdk = CollectingTransport.Init("billing", new SamplingOptions { Rate = 1, Providers = new Dictionary<string, double> { ["openai"] = 0.1 }, AlwaysKeepCostUsd = 1m });
        var cheap = new Operation { Provider = "openai", Model = "gpt-4o-mini", Name = "embeddings", Usage = new Usage { InputTokens = 100 } };
        var costly = cheap with { Usage = new Usage { InputTokens = 10_000_000 } }; // $1.50
        for (var i = 0; i < 2_000; i++) PanopticSdk.Track(cheap, () => i);
        for (var i = 0; i < 20; i++) PanopticSdk.Track(costly, () => i);
        for (var i = 0; i < 20; i++) Should.Throw<InvalidOperationException>(() => PanopticSdk.Track<int>(cheap, () => throw new InvalidOperationException()));
        for (var i = 0; i < 50; i++) PanopticSdk.Track(new Operation { Provider = "stripe" }, () => i);
        (await _sdk.Exporter.FlushAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();
        var events = _sdk.Events.Events;
        var sampled = events.Count(e => e.Provider == "openai" && !e.Failed && e.Usage!.InputTokens == 100);
        sampled.ShouldBeInRange(120, 290, "about a tenth of 2,000");
        events.Where(e => e.Provider == "openai" && !e.Failed && e.Usage!.InputTokens == 100).ShouldAllBe(e => e.SampleRate == 0.1 && (double)e.AllAttributes()["sample_rate"]! == 0.1);
        events.Count(e => e.Usage?.InputTokens == 10_000_000).ShouldBe(20);
        events.Count(e => e.Failed).ShouldBe(20);
        events.Count(e => e.Provider == "stripe").ShouldBe(50);
        _sdk.Exporter.SampledOut.ShouldBe(2_000 - sampled);
    }
}
