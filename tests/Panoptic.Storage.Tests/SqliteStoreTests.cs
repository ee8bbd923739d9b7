using Microsoft.Data.Sqlite;
using Panoptic.Storage.Ledger;
using Panoptic.Storage.Sqlite;

namespace Panoptic.Storage.Tests;

public sealed class SqliteStoreTests : StoreContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "panoptic-store-" + Guid.NewGuid().ToString("N"));

    protected override Task<PanopticStore> OpenStoreAsync() => Task.FromResult<PanopticStore>(new SqliteStore(Path.Combine(_folder, "panoptic.db")));

    protected override Task CleanUpAsync()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void Create_WithoutADatabaseSetting_IsSqliteInTheDataFolder()
    {
        var store = PanopticStore.Create(null, _folder).ShouldBeOfType<SqliteStore>();
        store.File.ShouldBe(Path.Combine(_folder, "panoptic.db"));
    }

    [Fact]
    public async Task Upgrade_FromQueuedPendingRows_FoldsEveryEventExactlyOnce()
    {
        var file = Path.Combine(_folder, "panoptic.db");
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        await using (var store = new SqliteStore(file))
        {
            await store.MigrateAsync();
            await store.AppendEventsAsync("w1", [Event("folded", at, 100)], at);
            (await store.RollUpAsync()).ShouldBe(1);
        }
        // Turn the file back into what a version before the rollup mark left: one more event in the ledger, queued in
        // cost_pending and not rolled up yet, and no mark.
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                INSERT INTO cost_events (workspace_id, id, ts, received_at, provider, service, model, operation, tenant_id, user_id, feature,
                    input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, requests, bytes, units, cost_nanos, cost_source, status)
                VALUES ('w1', 'queued', {at.ToUnixTimeMilliseconds()}, 0, 'openai', '', 'gpt-4o', '', 'acme', '', '', 0, 0, 0, 0, 0, 0, 0, 20, 'caller', 'ok');
                INSERT INTO cost_pending (workspace_id, ts, provider, model, service, feature, tenant_id, user_id, errors, unpriced, cost_nanos,
                    input_tokens, output_tokens, requests, units)
                VALUES ('w1', {at.ToUnixTimeMilliseconds()}, 'openai', 'gpt-4o', '', '', 'acme', '', 0, 0, 20, 0, 0, 0, 0);
                DROP TABLE rollup_mark;
                DELETE FROM schema_migrations WHERE version = 7;
                """;
            await command.ExecuteNonQueryAsync();
        }
        await using (var store = new SqliteStore(file))
        {
            await store.MigrateAsync();
            (await Total(store)).ShouldBe((2L, 120L));
            await store.AppendEventsAsync("w1", [Event("new", at, 3)], at);
            (await Total(store)).ShouldBe((3L, 123L));
            while (await store.RollUpAsync() > 0) { }
            (await store.PendingCountAsync()).ShouldBe(0);
            (await Total(store)).ShouldBe((3L, 123L));
        }

        static async Task<(long, long)> Total(PanopticStore store)
        {
            var row = (await store.QueryCostsAsync(new CostQuery("w1", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
                [], null, new Dictionary<CostDimension, string>()), RollupTable.ModelDay)).Single();
            return (row.Events, row.CostNanos);
        }
    }

    private static LedgerEvent Event(string id, DateTimeOffset at, long costNanos) =>
        new() { Id = id, Timestamp = at, Provider = "openai", Model = "gpt-4o", TenantId = "acme", CostNanos = costNanos, CostSource = CostSource.Caller };
}
