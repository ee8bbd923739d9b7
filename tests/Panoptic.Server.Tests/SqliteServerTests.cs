namespace Panoptic.Server.Tests;

public sealed class SqliteServerTests : ServerContractTests
{
    protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);
}
