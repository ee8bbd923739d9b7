using System.Data.Common;
using Dapper;
using Panoptic.Storage.Postgres;
using Panoptic.Storage.Sqlite;

namespace Panoptic.Storage;

/// <summary>
/// The one store contract of the server: accounts, keys, the cost ledger and its queries, over SQLite or PostgreSQL.
/// Both run the same migrations and, except for bulk ingestion, the same SQL; a contract test suite runs against each.
/// Nothing here caches state that correctness depends on, so several servers can share one PostgreSQL.
/// </summary>
public abstract partial class PanopticStore : IAsyncDisposable
{
    /// <summary>"sqlite" or "postgres".</summary>
    public abstract string Kind { get; }

    /// <summary>Where the data lives, without any password.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// The store for a database setting: a postgres:// or postgresql:// URL, or key=value connection string with a
    /// Host, selects PostgreSQL; anything else is SQLite, in <paramref name="dataDirectory"/>/panoptic.db when the
    /// setting is empty.
    /// </summary>
    public static PanopticStore Create(string? database, string dataDirectory)
    {
        if (PostgresStore.IsPostgres(database)) return new PostgresStore(PostgresStore.ConnectionString(database!));
        var file = string.IsNullOrWhiteSpace(database) ? Path.Combine(dataDirectory, "panoptic.db") : database;
        return new SqliteStore(file);
    }

    /// <summary>Opens a connection with the store's per-connection settings applied.</summary>
    protected internal abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Serializes migrations across processes that share the database, inside <paramref name="transaction"/>.</summary>
    protected abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Creates the schema or brings it up to date. Safe to call from several processes at once.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await Migrator.ApplyAsync(connection, Kind, (c, t) => LockForMigrationAsync(c, t, cancellationToken), cancellationToken);
    }

    /// <summary>True when the database answers and every migration is applied.</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await Migrator.IsCurrentAsync(connection, cancellationToken);
        }
        catch (DbException)
        {
            return false;
        }
    }

    /// <summary>Commits every append already accepted, then releases the database. Subclasses release theirs after this.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        await FlushAppendsAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Held by every write transaction of this process. A store whose database has one writer (SQLite) returns a gate,
    /// so writers queue here, woken the instant the lock frees, instead of sleeping in the database's busy handler.
    /// </summary>
    private protected virtual ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    protected static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    protected static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>Runs <paramref name="work"/> in one transaction on a fresh connection.</summary>
    protected async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        using var gate = await EnterWriteAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    protected async Task<T> WithConnectionAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await work(connection);
    }

    protected static CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);
}
