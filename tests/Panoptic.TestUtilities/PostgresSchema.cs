using Npgsql;

namespace Panoptic.TestUtilities;

/// <summary>
/// A throwaway schema in the test PostgreSQL server that ./test.sh starts (its connection string is in
/// PANOPTIC_TEST_POSTGRES). Each test gets its own schema, so tests run in parallel and never see each other's rows.
/// Without the variable the test fails, loudly: the PostgreSQL store is never silently skipped.
/// </summary>
public sealed class PostgresSchema : IAsyncDisposable
{
    public const string Variable = "PANOPTIC_TEST_POSTGRES";

    private readonly string _server;

    private PostgresSchema(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = name }.ToString();
    }

    public string Name { get; }

    /// <summary>A connection string whose search path is this schema.</summary>
    public string ConnectionString { get; }

    public static string Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value
        : throw new InvalidOperationException($"{Variable} is not set: run the tests with ./test.sh, which starts a throwaway PostgreSQL server");

    public static async Task<PostgresSchema> CreateAsync()
    {
        var schema = new PostgresSchema(Server, "t_" + Guid.NewGuid().ToString("N")[..16]);
        await schema.ExecuteAsync($"CREATE SCHEMA {schema.Name}");
        return schema;
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {Name} CASCADE");
        NpgsqlConnection.ClearAllPools();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
