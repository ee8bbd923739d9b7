using Panoptic.Storage.Postgres;
using Panoptic.TestUtilities;

namespace Panoptic.Storage.Tests;

public sealed class PostgresStoreTests : StoreContractTests
{
    private PostgresSchema? _schema;

    protected override async Task<PanopticStore> OpenStoreAsync()
    {
        _schema ??= await PostgresSchema.CreateAsync();
        return new PostgresStore(_schema.ConnectionString);
    }

    protected override async Task CleanUpAsync()
    {
        if (_schema is not null) await _schema.DisposeAsync();
    }

    [Theory]
    [InlineData("postgres://app:s%40cret@db.internal:6543/ledger?sslmode=require", "db.internal", 6543, "ledger", "app", "s@cret")]
    [InlineData("postgresql://localhost/panoptic", "localhost", 5432, "panoptic", null, null)]
    public void ConnectionString_FromUrl_KeepsEveryPart(string url, string host, int port, string database, string? user, string? password)
    {
        PostgresStore.IsPostgres(url).ShouldBeTrue();
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(PostgresStore.ConnectionString(url));
        (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password).ShouldBe((host, port, database, user, password));
    }

    [Fact]
    public void Description_NeverShowsThePassword() =>
        new PostgresStore(PostgresStore.ConnectionString("postgres://app:topsecret@localhost:5432/ledger")).Description.ShouldNotContain("topsecret");
}
