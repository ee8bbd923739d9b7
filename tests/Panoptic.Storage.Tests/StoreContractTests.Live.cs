using Panoptic.Storage.Live;

namespace Panoptic.Storage.Tests;

/// <summary>Live checks: settings per workspace, exclusive claims of due runs, every result kept with its time.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task LiveChecks_ClaimsAreExclusive_AndRunsKeepTheirResultsInOrder()
    {
        var store = await CreateStoreAsync();
        (await store.LiveSettingsAsync("w1")).ShouldBeNull();
        await store.SetLiveSettingsAsync(new LiveCheckSettings("w1", ["example.com", "https://app.example.com/"], TimeSpan.FromDays(1), "10.0.0.2:53", Now, Now, null));
        await store.SetLiveSettingsAsync(new LiveCheckSettings("w2", ["other.test"], TimeSpan.FromHours(6), null, Now, Now.AddHours(1), null));
        var settings = (await store.LiveSettingsAsync("w1"))!;
        settings.Targets.ShouldBe(["example.com", "https://app.example.com/"]);
        settings.Interval.ShouldBe(TimeSpan.FromDays(1));
        settings.Resolver.ShouldBe("10.0.0.2:53");

        var claims = await Task.WhenAll(store.ClaimDueLiveChecksAsync(Now, TimeSpan.FromMinutes(10), 10), store.ClaimDueLiveChecksAsync(Now, TimeSpan.FromMinutes(10), 10));
        claims.Sum(c => c.Count).ShouldBe(1, "w1 is due and claimed once; w2 is not due");
        (await store.ClaimDueLiveChecksAsync(Now.AddMinutes(5), TimeSpan.FromMinutes(10), 10)).ShouldBeEmpty();

        StoredLiveResult Result(string check, string status) => new("", Now, "example.com", check, status, check + " " + status, "email.dmarc");
        await store.RecordLiveRunAsync("w1", "run1", Now, [Result("dns.mx", "pass"), Result("dns.dmarc", "warn")], Now.AddDays(1));
        await store.RecordLiveRunAsync("w1", "run2", Now.AddDays(1), [Result("dns.mx", "pass"), Result("dns.dmarc", "fail")], null);
        var after = (await store.LiveSettingsAsync("w1"))!;
        after.NextRunAt.ShouldBe(Now.AddDays(1), "a check-now run leaves the schedule alone");
        after.LastRunAt.ShouldBe(Now.AddDays(1));

        var latest = await store.LiveResultsAsync("w1", 1);
        latest.Select(r => (r.RunId, r.Check, r.Status)).ShouldBe([("run2", "dns.mx", "pass"), ("run2", "dns.dmarc", "fail")]);
        (await store.LiveResultsAsync("w1", 10)).Select(r => r.RunId).Distinct().ShouldBe(["run2", "run1"]);
        (await store.LiveResultsAsync("w2", 10)).ShouldBeEmpty();
    }
}
