using Panoptic.Storage.CostSources;

namespace Panoptic.Storage.Tests;

/// <summary>Cost sources and their billed days: imports replace whole days, claims are exclusive, deleting a source forgets its bill.</summary>
public abstract partial class StoreContractTests
{
    private static readonly DateOnly November1 = new(2026, 11, 1);

    private static CostSource Source(string id, string name, string kind = "openai") =>
        new("w1", id, name, kind, "https://api.openai.com/v1", "sealed", "sk-…abcd", null, TimeSpan.FromHours(1), Now, Now);

    [Fact]
    public async Task BilledBatches_ReplaceTheirDays_AndNeverCountADayTwice()
    {
        var store = await CreateStoreAsync();
        (await store.CreateCostSourceAsync(Source("cs1", "OpenAI"))).ShouldBeTrue();
        (await store.CreateCostSourceAsync(Source("cs2", "OpenAI"))).ShouldBeFalse();
        var day2 = November1.AddDays(1);
        BilledBatch Batch(decimal scale) => new([November1, day2],
        [
            new BilledRow(November1, "openai", "gpt-4o", "", (long)(1_250_000_000 * scale), 10, 5, 1),
            new BilledRow(November1, "openai", "gpt-4o", "", (long)(250_000_000 * scale)),
            new BilledRow(day2, "openai", "", "web search", 30_000_000),
        ]);
        await store.StoreBilledBatchAsync("w1", "cs1", Batch(1), Now);
        await store.StoreBilledBatchAsync("w1", "cs1", Batch(1), Now);
        var totals = await store.BilledTotalsAsync("w1", November1, November1.AddDays(30));
        totals.Sum(t => t.CostNanos).ShouldBe(1_530_000_000);
        totals.Single(t => t.Day == November1).ShouldBe(new BilledTotal("cs1", "openai", November1, "openai", "gpt-4o", 1_500_000_000, 10, 5, 1));
        // A re-import with the day now empty removes its lines; the day stays known as imported.
        await store.StoreBilledBatchAsync("w1", "cs1", new BilledBatch([day2], []), Now);
        (await store.BilledTotalsAsync("w1", November1, November1.AddDays(30))).Select(t => t.Day).ShouldBe([November1]);
        (await store.BilledDaysAsync("w1", November1, November1.AddDays(30))).ShouldBe([("cs1", November1), ("cs1", day2)]);
        (await store.BilledTotalsAsync("w2", November1, November1.AddDays(30))).ShouldBeEmpty();

        (await store.DeleteCostSourceAsync("w2", "cs1")).ShouldBeFalse();
        (await store.DeleteCostSourceAsync("w1", "cs1")).ShouldBeTrue();
        (await store.BilledDaysAsync("w1", November1, November1.AddDays(30))).ShouldBeEmpty();
        (await store.CostSourcesAsync("w1")).ShouldBeEmpty();
    }

    [Fact]
    public async Task CostSources_AreClaimedByOneSyncAtATime_AndRecordTheirOutcome()
    {
        var first = await CreateStoreAsync();
        var second = await OpenStoreAsync();
        _stores.Add(second);
        await first.CreateCostSourceAsync(Source("cs1", "OpenAI"));
        await first.CreateCostSourceAsync(Source("cs2", "Invoices", "csv"));
        var claims = await Task.WhenAll(first.ClaimDueCostSourcesAsync(Now, TimeSpan.FromMinutes(15), 10), second.ClaimDueCostSourcesAsync(Now, TimeSpan.FromMinutes(15), 10));
        claims.SelectMany(c => c).Select(s => s.Id).ShouldBe(["cs1"]); // a csv source has no schedule
        (await first.ClaimCostSourceAsync("w1", "cs1", Now, TimeSpan.FromMinutes(15))).ShouldBeNull();
        (await first.ClaimCostSourceAsync("w1", "cs1", Now.AddMinutes(16), TimeSpan.FromMinutes(15))).ShouldNotBeNull(); // a crashed sync's lease runs out

        await first.RecordCostSyncAsync("w1", "cs1", Now, "OpenAI answered 500 after 5 attempts", Now.AddHours(1));
        var failed = (await first.CostSourceAsync("w1", "cs1"))!;
        (failed.LastError, failed.LastSuccessAt, failed.NextRunAt).ShouldBe(("OpenAI answered 500 after 5 attempts", null, Now.AddHours(1)));
        await first.RecordCostSyncAsync("w1", "cs1", Now.AddHours(1), null, Now.AddHours(2));
        var healed = (await first.CostSourceAsync("w1", "cs1"))!;
        (healed.LastError, healed.LastErrorAt, healed.LastSuccessAt).ShouldBe((null, null, Now.AddHours(1)));
        (await first.ClaimDueCostSourcesAsync(Now.AddHours(1), TimeSpan.FromMinutes(15), 10)).ShouldBeEmpty();

        (await first.ReconciliationSettingsAsync("w1")).ShouldBe(ReconciliationSettings.Default);
        await first.SetReconciliationSettingsAsync("w1", new ReconciliationSettings(5, 10, true), Now);
        (await second.ReconciliationSettingsAsync("w1")).ShouldBe(new ReconciliationSettings(5, 10, true));
    }
}
