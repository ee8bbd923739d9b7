using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;

public sealed class PostgresServerTests : ServerContractTests
{
    private PostgresSchema? _schema;

    protected override async Task<string?> DatabaseAsync()
    {
        _schema ??= await PostgresSchema.CreateAsync();
        return _schema.ConnectionString;
    }

    protected override async Task CleanUpAsync()
    {
        if (_schema is not null) await _schema.DisposeAsync();
    }
}
