using System.Data.Common;
using Microsoft.Data.Sqlite;
using Panoptic.Storage.Ledger;

namespace Panoptic.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in write-ahead-log mode. Every write transaction begins IMMEDIATE (one
/// writer at a time, waiting up to the busy timeout) and commits with synchronous=FULL, so an acknowledged write
/// survives the process being killed and the machine losing power.
/// </summary>
public sealed class SqliteStore : PanopticStore
{
    private readonly string _connectionString;
    private int _walSet;

    public SqliteStore(string file)
    {
        File = Path.GetFullPath(file);
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = File, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public string File { get; }

    public override string Kind => "sqlite";

    public override string Description => File;

    protected internal override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // journal_mode is a property of the file, set once; the others are per connection.
        command.CommandText = (Interlocked.Exchange(ref _walSet, 1) == 0 ? "PRAGMA journal_mode=WAL;" : "")
            + "PRAGMA busy_timeout=30000; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask; // the IMMEDIATE transaction already excludes every other writer

    private protected override Task<List<LedgerEvent>> InsertNewEventsAsync(DbConnection connection, DbTransaction transaction, string workspaceId,
        IReadOnlyList<LedgerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        // RETURNING yields a row only for an event that was new; a duplicate id yields none.
        var sql = $"INSERT INTO cost_events ({string.Join(", ", EventColumns.Names)}) VALUES ({string.Join(", ", EventColumns.Names.Select(_ => "?"))}) ON CONFLICT DO NOTHING RETURNING 1";
        using var statement = new RawStatement(((SqliteConnection)connection).Handle!, sql);
        var inserted = new List<LedgerEvent>(events.Count);
        var received = receivedAt.ToUnixTimeMilliseconds();
        foreach (var e in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (statement.Run(EventColumns.Values(workspaceId, e, received))) inserted.Add(e);
        }
        return Task.FromResult(inserted);
    }

    private protected override Task InsertPendingAsync(DbConnection connection, DbTransaction transaction, List<PendingRow> rows, CancellationToken cancellationToken)
    {
        using var statement = new RawStatement(((SqliteConnection)connection).Handle!, $"INSERT INTO cost_pending ({PendingRow.Columns}) VALUES ({string.Join(", ", Enumerable.Repeat("?", 15))})");
        foreach (var row in rows) statement.Run(row.Values());
        return Task.CompletedTask;
    }

    private protected override async Task<List<PendingRow>> TakePendingAsync(DbConnection connection, DbTransaction transaction, int max, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"DELETE FROM cost_pending WHERE rowid IN (SELECT rowid FROM cost_pending LIMIT {max}) RETURNING {PendingRow.Columns}";
        var rows = new List<PendingRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add(PendingRow.Read(reader));
        return rows;
    }

    private protected override Task UpsertRollupsAsync(DbConnection connection, DbTransaction transaction, RollupTable table, List<Rollup> rows, CancellationToken cancellationToken)
    {
        var count = 10 + table.Dimensions.Count;
        using var statement = new RawStatement(((SqliteConnection)connection).Handle!, Rollup.UpsertSql(table, $"VALUES ({string.Join(", ", Enumerable.Repeat("?", count))})"));
        foreach (var row in rows) statement.Run(row.Values());
        return Task.CompletedTask;
    }

    private protected override Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; a disposed store lets it go (tests delete their files).
        SqliteConnection.ClearAllPools();
        return base.DisposeAsync();
    }
}
