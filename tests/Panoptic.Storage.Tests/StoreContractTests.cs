using Panoptic.Storage.Accounts;
using Panoptic.Storage.Ledger;

namespace Panoptic.Storage.Tests;

/// <summary>
/// What every store must do, run once per backend (SqliteStoreTests, PostgresStoreTests). A test gets a fresh,
/// empty database from <see cref="CreateStoreAsync"/>.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);
    private readonly List<PanopticStore> _stores = [];

    /// <summary>A store over this test's own empty database; a second call opens the same database again.</summary>
    protected abstract Task<PanopticStore> OpenStoreAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
        await CleanUpAsync();
    }

    private async Task<PanopticStore> CreateStoreAsync(bool migrate = true)
    {
        var store = await OpenStoreAsync();
        _stores.Add(store);
        if (migrate) await store.MigrateAsync();
        return store;
    }

    [Fact]
    public async Task IsReady_BeforeAndAfterMigrate_ReportsTheSchema()
    {
        var store = await CreateStoreAsync(migrate: false);
        (await store.IsReadyAsync()).ShouldBeFalse();
        await store.MigrateAsync();
        (await store.IsReadyAsync()).ShouldBeTrue();
        await store.MigrateAsync();
        (await store.IsReadyAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task Migrate_FromTwoProcessesAtOnce_AppliesEachMigrationOnce()
    {
        var first = await CreateStoreAsync(migrate: false);
        var second = await CreateStoreAsync(migrate: false);
        await Task.WhenAll(first.MigrateAsync(), second.MigrateAsync(), first.MigrateAsync());
        (await first.IsReadyAsync()).ShouldBeTrue();
        (await second.CreateUserAsync(new User("u1", "a@example.com", "hash", Now))).ShouldBeTrue();
    }

    [Fact]
    public async Task Users_EmailIsUnique_AndFoundByEmailOrId()
    {
        var store = await CreateStoreAsync();
        (await store.AnyUserAsync()).ShouldBeFalse();
        (await store.CreateUserAsync(new User("u1", "a@example.com", "hash1", Now))).ShouldBeTrue();
        (await store.CreateUserAsync(new User("u2", "a@example.com", "hash2", Now))).ShouldBeFalse();
        (await store.AnyUserAsync()).ShouldBeTrue();
        (await store.FindUserByEmailAsync("a@example.com"))!.ShouldBe(new User("u1", "a@example.com", "hash1", Now));
        (await store.FindUserAsync("u1"))!.Email.ShouldBe("a@example.com");
        (await store.FindUserAsync("nobody")).ShouldBeNull();
    }

    [Fact]
    public async Task Sessions_ExpireAndCanBeDeleted()
    {
        var store = await CreateStoreAsync();
        await store.CreateUserAsync(new User("u1", "a@example.com", "hash", Now));
        await store.CreateSessionAsync(new Session("t1", "u1", Now, Now.AddHours(1)));
        (await store.FindSessionAsync("t1", Now.AddMinutes(59)))!.UserId.ShouldBe("u1");
        (await store.FindSessionAsync("t1", Now.AddHours(1))).ShouldBeNull();
        await store.DeleteSessionAsync("t1");
        (await store.FindSessionAsync("t1", Now)).ShouldBeNull();
    }

    [Fact]
    public async Task LoginFailures_CountSinceTheWindowAndTheLastSuccess()
    {
        var store = await CreateStoreAsync();
        const string Home = "192.0.2.1";
        await store.RecordLoginAttemptAsync("a@example.com", Home, Now.AddMinutes(-30), succeeded: false);
        await store.RecordLoginAttemptAsync("a@example.com", Home, Now.AddMinutes(-10), succeeded: true);
        await store.RecordLoginAttemptAsync("a@example.com", Home, Now.AddMinutes(-5), succeeded: false);
        await store.RecordLoginAttemptAsync("a@example.com", Home, Now.AddMinutes(-1), succeeded: false);
        await store.RecordLoginAttemptAsync("b@example.com", Home, Now, succeeded: false);
        (await store.RecentLoginFailuresAsync("a@example.com", Home, Now.AddMinutes(-60))).ShouldBe((2, Now.AddMinutes(-1)));
        (await store.RecentLoginFailuresAsync("a@example.com", Home, Now.AddMinutes(-3))).Count.ShouldBe(1);
        (await store.RecentLoginFailuresAsync("a@example.com", Home, Now.AddMinutes(-1))).Count.ShouldBe(0);
        (await store.RecentLoginFailuresAsync("c@example.com", Home, Now.AddMinutes(-60))).ShouldBe((0, null));
    }

    [Fact]
    public async Task LoginFailures_AreKeptApartByAddress_AndCountedPerAddressOverEveryEmail()
    {
        var store = await CreateStoreAsync();
        await store.RecordLoginAttemptAsync("a@example.com", "198.51.100.7", Now.AddMinutes(-3), succeeded: false);
        await store.RecordLoginAttemptAsync("b@example.com", "198.51.100.7", Now.AddMinutes(-2), succeeded: false);
        await store.RecordLoginAttemptAsync("c@example.com", "198.51.100.7", Now.AddMinutes(-1), succeeded: true);
        await store.RecordLoginAttemptAsync("a@example.com", "203.0.113.9", Now.AddMinutes(-1), succeeded: true);

        (await store.RecentLoginFailuresAsync("a@example.com", "198.51.100.7", Now.AddMinutes(-60))).Count.ShouldBe(1, "the owner's success elsewhere does not clear the stranger's failures");
        (await store.RecentLoginFailuresAsync("a@example.com", "203.0.113.9", Now.AddMinutes(-60))).Count.ShouldBe(0);
        (await store.RecentAddressLoginFailuresAsync("198.51.100.7", Now.AddMinutes(-60))).ShouldBe((2, Now.AddMinutes(-2)), "a success of its own does not reset the address");
        (await store.RecentAddressLoginFailuresAsync("198.51.100.7", Now.AddMinutes(-150 / 60.0))).Count.ShouldBe(1);
        (await store.RecentAddressLoginFailuresAsync("203.0.113.9", Now.AddMinutes(-60))).ShouldBe((0, null));
    }

    [Fact]
    public async Task Workspaces_BelongToTheirMembersOnly()
    {
        var store = await CreateStoreAsync();
        await store.CreateUserAsync(new User("u1", "a@example.com", "hash", Now));
        await store.CreateUserAsync(new User("u2", "b@example.com", "hash", Now));
        await store.CreateWorkspaceAsync(new Workspace("w1", "Acme", Now), "u1");
        await store.CreateWorkspaceAsync(new Workspace("w2", "Beta", Now.AddSeconds(1)), "u2");
        (await store.MembershipsAsync("u1")).ShouldBe([new Membership(new Workspace("w1", "Acme", Now), "owner")]);
        (await store.MembershipAsync("w2", "u1")).ShouldBeNull();
        (await store.AddMemberAsync("w2", "u1", Now)).ShouldBeTrue();
        (await store.AddMemberAsync("w2", "u1", Now)).ShouldBeFalse();
        (await store.MembershipsAsync("u1")).Select(m => (m.Workspace.Id, m.Role)).ShouldBe([("w1", "owner"), ("w2", "member")]);
    }

    [Fact]
    public async Task IngestionKeys_AreFoundByHash_AndRevokedOnlyInTheirWorkspace()
    {
        var store = await CreateStoreAsync();
        await store.CreateUserAsync(new User("u1", "a@example.com", "hash", Now));
        await store.CreateWorkspaceAsync(new Workspace("w1", "Acme", Now), "u1");
        await store.CreateWorkspaceAsync(new Workspace("w2", "Beta", Now), "u1");
        var key = new IngestionKey("k1", "w1", "backend", "pan_ik_ab12", "sha-of-key", Now, null);
        await store.CreateIngestionKeyAsync(key);
        (await store.FindIngestionKeyAsync("sha-of-key")).ShouldBe(key);
        (await store.IngestionKeysAsync("w2")).ShouldBeEmpty();
        (await store.RevokeIngestionKeyAsync("w2", "k1", Now)).ShouldBeFalse();
        (await store.FindIngestionKeyAsync("sha-of-key"))!.IsActive.ShouldBeTrue();
        (await store.RevokeIngestionKeyAsync("w1", "k1", Now.AddMinutes(1))).ShouldBeTrue();
        (await store.RevokeIngestionKeyAsync("w1", "k1", Now.AddMinutes(2))).ShouldBeTrue();
        (await store.IngestionKeysAsync("w1")).Single().RevokedAt.ShouldBe(Now.AddMinutes(1));
    }

    [Fact]
    public async Task AppendEvents_RetriedBatch_NeverDoubleCounts()
    {
        var store = await CreateStoreAsync();
        var batch = Enumerable.Range(0, 50).Select(i => Event($"e{i}", Now.AddMinutes(i), costNanos: 1_000)).ToList();
        (await store.AppendEventsAsync("w1", batch, Now)).ShouldBe(50);
        (await store.AppendEventsAsync("w1", batch, Now)).ShouldBe(0);
        (await store.AppendEventsAsync("w1", [.. batch.Take(10), Event("new", Now, costNanos: 5)], Now)).ShouldBe(1);
        // The same id in another workspace is another event.
        (await store.AppendEventsAsync("w2", batch.Take(3).ToList(), Now)).ShouldBe(3);
        (await store.CountEventsAsync("w1", Now.AddDays(-1), Now.AddDays(1))).ShouldBe(51);
        var total = await Totals(store, "w1", RollupTable.TenantHour);
        total.Events.ShouldBe(51);
        total.CostNanos.ShouldBe(50_005);
    }

    [Fact]
    public async Task Rollups_SumByHourAndDay_WithGroupsAndFilters()
    {
        var store = await CreateStoreAsync();
        var day = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        await store.AppendEventsAsync("w1",
        [
            Event("a", day.AddHours(1), costNanos: 100, provider: "openai", tenant: "acme", inputTokens: 10),
            Event("b", day.AddHours(1).AddMinutes(59), costNanos: 200, provider: "openai", tenant: "beta", inputTokens: 20),
            Event("c", day.AddHours(2), costNanos: 300, provider: "anthropic", tenant: "acme", status: "error"),
            Event("d", day.AddDays(1).AddHours(5), costNanos: null, provider: "openai", tenant: "acme", source: CostSource.Unpriced),
        ], Now);
        // Exact before the rollup job has run (all pending), and after (all rolled up).
        await RollupsAgree(store, day);
        (await store.RollUpAsync()).ShouldBe(4);
        (await store.PendingCountAsync()).ShouldBe(0);
        await RollupsAgree(store, day);
        (await store.RollUpAsync()).ShouldBe(0);
    }

    private static async Task RollupsAgree(PanopticStore store, DateTimeOffset day)
    {
        var byProviderHour = await store.QueryCostsAsync(new CostQuery("w1", day, day.AddDays(2), [CostDimension.Provider], RollupGrain.Hour, new Dictionary<CostDimension, string>()), RollupTable.ModelHour);
        byProviderHour.Select(r => (r.Bucket, r.Keys[0], r.Events, r.CostNanos)).OrderBy(r => r.Bucket).ThenBy(r => r.Item2).ShouldBe(
        [
            (day.AddHours(1).ToUnixTimeMilliseconds(), "openai", 2L, 300L),
            (day.AddHours(2).ToUnixTimeMilliseconds(), "anthropic", 1L, 300L),
            (day.AddDays(1).AddHours(5).ToUnixTimeMilliseconds(), "openai", 1L, 0L),
        ]);
        var acmeByDay = await store.QueryCostsAsync(new CostQuery("w1", day, day.AddDays(2), [], RollupGrain.Day,
            new Dictionary<CostDimension, string> { [CostDimension.Tenant] = "acme" }), RollupTable.TenantDay);
        acmeByDay.Select(r => (r.Bucket, r.Events, r.Errors, r.Unpriced, r.CostNanos)).OrderBy(r => r.Bucket).ShouldBe(
        [
            (day.ToUnixTimeMilliseconds(), 2L, 1L, 0L, 400L),
            (day.AddDays(1).ToUnixTimeMilliseconds(), 1L, 0L, 1L, 0L),
        ]);
        // The hour table folded to days agrees with the day table.
        var fromHours = await store.QueryCostsAsync(new CostQuery("w1", day, day.AddDays(2), [CostDimension.Tenant], RollupGrain.Day, new Dictionary<CostDimension, string>()), RollupTable.TenantHour);
        var fromDays = await store.QueryCostsAsync(new CostQuery("w1", day, day.AddDays(2), [CostDimension.Tenant], RollupGrain.Day, new Dictionary<CostDimension, string>()), RollupTable.WideDay);
        fromHours.OrderBy(r => r.Bucket).ThenBy(r => r.Keys[0]).Select(r => (r.Bucket, r.Keys[0], r.CostNanos, r.InputTokens))
            .ShouldBe(fromDays.OrderBy(r => r.Bucket).ThenBy(r => r.Keys[0]).Select(r => (r.Bucket, r.Keys[0], r.CostNanos, r.InputTokens)));
        (await store.QueryCostsAsync(new CostQuery("w2", day, day.AddDays(2), [], null, new Dictionary<CostDimension, string>()), RollupTable.WideDay)).ShouldBeEmpty();
        // Every table, narrow or wide, hourly or daily, holds the same totals.
        foreach (var table in RollupTable.All)
        {
            var totals = (await store.QueryCostsAsync(new CostQuery("w1", day, day.AddDays(2), [], null, new Dictionary<CostDimension, string>()), table)).Single();
            (totals.Events, totals.Errors, totals.Unpriced, totals.CostNanos, totals.InputTokens).ShouldBe((4L, 1L, 1L, 600L, 30L), table.Name);
        }
    }

    [Fact]
    public async Task Rollups_AWindowThatStartsAndEndsInsideDays_IsExact_ByDayAndInTotal()
    {
        var store = await CreateStoreAsync();
        var day = new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero);
        // Every 50 minutes for four days, on two tenants; the window starts at 13:00 on the first day and ends at 09:00 on the last.
        var events = Enumerable.Range(0, 4 * 24 * 60 / 50).Select(i => Event($"e{i}", day.AddMinutes(i * 50), costNanos: 1000 + i, tenant: i % 2 == 0 ? "acme" : "beta")).ToList();
        await store.AppendEventsAsync("w1", events, Now);
        var (from, to) = (day.AddHours(13), day.AddDays(3).AddHours(9));
        var inside = events.Where(e => e.Timestamp >= from && e.Timestamp < to).ToList();
        var expectedByDay = inside.GroupBy(e => (Day: new DateTimeOffset(e.Timestamp.UtcDateTime.Date, TimeSpan.Zero).ToUnixTimeMilliseconds(), e.TenantId))
            .Select(g => (g.Key.Day, g.Key.TenantId, (long)g.Count(), g.Sum(e => e.CostNanos!.Value))).Order().ToList();
        var expectedTotals = inside.GroupBy(e => e.TenantId).Select(g => (0L, g.Key, (long)g.Count(), g.Sum(e => e.CostNanos!.Value))).Order().ToList();
        async Task Agree()
        {
            var byDay = await store.QueryCostsAsync(new CostQuery("w1", from, to, [CostDimension.Tenant], RollupGrain.Day, new Dictionary<CostDimension, string>()), RollupTable.TenantHour);
            byDay.Select(r => (r.Bucket, r.Keys[0], r.Events, r.CostNanos)).Order().ToList().ShouldBe(expectedByDay);
            var totals = await store.QueryCostsAsync(new CostQuery("w1", from, to, [CostDimension.Tenant], null, new Dictionary<CostDimension, string>()), RollupTable.TenantHour);
            totals.Select(r => (r.Bucket, r.Keys[0], r.Events, r.CostNanos)).Order().ToList().ShouldBe(expectedTotals);
        }
        await Agree();
        (await store.RollUpAsync(max: 40)).ShouldBe(40); // halfway: some days rolled up, the rest pending
        await Agree();
        await store.RollUpAsync();
        await Agree();
    }

    [Fact]
    public async Task RollUp_HalfwayAndByUser_KeepsQueriesExact()
    {
        var store = await CreateStoreAsync();
        var day = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(0, 300).Select(i => Event($"e{i}", day.AddMinutes(i * 7), costNanos: i, tenant: $"t{i % 3}") with { UserId = $"u{i % 5}" }).ToList();
        await store.AppendEventsAsync("w1", events, Now);
        (await store.RollUpAsync(max: 120)).ShouldBe(120);
        (await store.PendingCountAsync()).ShouldBe(180);
        var byUser = await store.QueryCostsAsync(new CostQuery("w1", day, day.AddDays(2), [CostDimension.User], RollupGrain.Day,
            new Dictionary<CostDimension, string> { [CostDimension.Tenant] = "t1" }), RollupTable.UserDay);
        var expected = events.Where(e => e.TenantId == "t1").GroupBy(e => (Day: e.Timestamp.UtcDateTime.Date, e.UserId))
            .Select(g => (new DateTimeOffset(g.Key.Day, TimeSpan.Zero).ToUnixTimeMilliseconds(), g.Key.UserId, (long)g.Count(), g.Sum(e => e.CostNanos!.Value))).Order().ToList();
        byUser.Select(r => (r.Bucket, r.Keys[0], r.Events, r.CostNanos)).Order().ToList().ShouldBe(expected);
        await Should.ThrowAsync<ArgumentException>(() => store.QueryCostsAsync(new CostQuery("w1", day, day.AddDays(2), [CostDimension.Feature], null,
            new Dictionary<CostDimension, string>()), RollupTable.UserDay));
    }

    [Fact]
    public async Task RollUp_FromTwoStoresConcurrently_FoldsEachEventOnce()
    {
        var first = await CreateStoreAsync();
        var second = await OpenStoreAsync();
        _stores.Add(second);
        await first.AppendEventsAsync("w1", [.. Enumerable.Range(0, 2000).Select(i => Event($"e{i}", Now.AddSeconds(-i), costNanos: 3))], Now);
        var folded = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).RollUpAsync(max: 300))));
        while (await first.RollUpAsync(max: 300) > 0) { }
        folded.Sum().ShouldBeLessThanOrEqualTo(2000);
        (await first.PendingCountAsync()).ShouldBe(0);
        var total = await Totals(second, "w1", RollupTable.FeatureDay);
        (total.Events, total.CostNanos).ShouldBe((2000, 6000));
    }

    [Fact]
    public async Task AppendEvents_FromTwoStoresConcurrently_CountsEveryEventOnce()
    {
        var first = await CreateStoreAsync();
        var second = await OpenStoreAsync();
        _stores.Add(second);
        // Two "servers" receive overlapping batches at once (a client retrying against another replica).
        var batches = Enumerable.Range(0, 20).Select(b => Enumerable.Range(b * 50, 100).Select(i => Event($"e{i}", Now.AddSeconds(i % 7), costNanos: 10)).ToList()).ToList();
        await Task.WhenAll(batches.Select((batch, i) => Task.Run(() => (i % 2 == 0 ? first : second).AppendEventsAsync("w1", batch, Now))));
        var distinct = batches.SelectMany(b => b).Select(e => e.Id).Distinct().Count();
        (await first.CountEventsAsync("w1", Now.AddDays(-1), Now.AddDays(1))).ShouldBe(distinct);
        (await Totals(second, "w1", RollupTable.ModelDay)).CostNanos.ShouldBe(distinct * 10);
        (await Totals(second, "w1", RollupTable.UserDay)).Events.ShouldBe(distinct);
    }

    [Fact]
    public async Task AppendEvents_ManyCallersAtOnce_ShareCommitsAndCountEachEventOnce()
    {
        var store = await CreateStoreAsync();
        // Overlapping batches from 40 callers at once land in shared transactions; each caller still learns how many
        // of its own events were new, and across them every distinct event is counted once.
        var batches = Enumerable.Range(0, 40).Select(b => Enumerable.Range(b * 30, 60).Select(i => Event($"e{i}", Now.AddSeconds(-i), costNanos: 7)).ToList()).ToList();
        var inserted = await Task.WhenAll(batches.Select(batch => Task.Run(() => store.AppendEventsAsync("w1", batch, Now))));
        var distinct = batches.SelectMany(b => b).Select(e => e.Id).Distinct().Count();
        inserted.Sum().ShouldBe(distinct);
        (await store.CountEventsAsync("w1", Now.AddDays(-1), Now.AddDays(1))).ShouldBe(distinct);
        (await Totals(store, "w1", RollupTable.WideDay)).CostNanos.ShouldBe(distinct * 7);
        while (await store.RollUpAsync(max: 500) > 0) { }
        (await Totals(store, "w1", RollupTable.WideDay)).CostNanos.ShouldBe(distinct * 7);
    }

    [Fact]
    public async Task AppendEvents_WorkspacesAtOnce_KeepEachEventInItsOwnWorkspace()
    {
        var store = await CreateStoreAsync();
        // Batches of several workspaces share transactions; each event's rollups still belong to its own workspace.
        var appends = Enumerable.Range(0, 30).Select(b => Task.Run(() => store.AppendEventsAsync($"w{b % 3}",
            [.. Enumerable.Range(0, 20).Select(i => Event($"b{b}-{i}", Now.AddSeconds(-i), costNanos: b % 3 + 1))], Now)));
        (await Task.WhenAll(appends)).Sum().ShouldBe(600);
        foreach (var pass in new[] { "pending", "rolled up" })
        {
            for (var w = 0; w < 3; w++)
            {
                var total = await Totals(store, $"w{w}", RollupTable.TenantDay);
                (total.Events, total.CostNanos).ShouldBe((200L, 200L * (w + 1)), $"w{w}, {pass}");
            }
            while (await store.RollUpAsync(max: 100) > 0) { }
        }
    }

    [Fact]
    public async Task Dispose_RightAfterAppends_CommitsEveryAcceptedBatch()
    {
        var store = await CreateStoreAsync();
        var appends = Enumerable.Range(0, 10).Select(b => store.AppendEventsAsync("w1", [.. Enumerable.Range(b * 10, 10).Select(i => Event($"e{i}", Now, costNanos: 1))], Now)).ToList();
        await store.DisposeAsync();
        (await Task.WhenAll(appends)).Sum().ShouldBe(100);
        await Should.ThrowAsync<ObjectDisposedException>(() => store.AppendEventsAsync("w1", [Event("late", Now, costNanos: 1)], Now));
        var reopened = await CreateStoreAsync();
        (await reopened.CountEventsAsync("w1", Now.AddDays(-1), Now.AddDays(1))).ShouldBe(100);
    }

    private static async Task<CostRow> Totals(PanopticStore store, string workspace, RollupTable table) =>
        (await store.QueryCostsAsync(new CostQuery(workspace, Now.AddDays(-30), Now.AddDays(30), [], null, new Dictionary<CostDimension, string>()), table)).Single();

    private static LedgerEvent Event(string id, DateTimeOffset at, long? costNanos, string provider = "openai", string tenant = "", string status = "ok",
        CostSource source = CostSource.Caller, long inputTokens = 0) => new()
    {
        Id = id, Timestamp = at, Provider = provider, Model = "gpt-4o-mini", TenantId = tenant, CostNanos = costNanos, CostSource = source, Status = status,
        InputTokens = inputTokens, Attributes = """{"region":"eu"}""",
    };
}
