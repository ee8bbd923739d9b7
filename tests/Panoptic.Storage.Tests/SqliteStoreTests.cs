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
}
