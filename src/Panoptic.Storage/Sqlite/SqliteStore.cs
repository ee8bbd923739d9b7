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

    private protected override async Task<List<LedgerEvent>> InsertNewEventsAsync(DbConnection connection, DbTransaction transaction, string workspaceId,
        IReadOnlyList<LedgerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var sql = $"INSERT INTO cost_events ({string.Join(", ", EventColumns.Names)}) VALUES ({string.Join(", ", EventColumns.Names.Select((_, i) => "$p" + i))}) ON CONFLICT DO NOTHING";
        await using var command = EventColumns.Prepare(connection, transaction, sql, EventColumns.Names.Length, i => "$p" + i);
        var inserted = new List<LedgerEvent>(events.Count);
        var received = receivedAt.ToUnixTimeMilliseconds();
        foreach (var e in events)
        {
            EventColumns.Bind(command, EventColumns.Values(workspaceId, e, received));
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1) inserted.Add(e);
        }
        return inserted;
    }

    private protected override async Task UpsertRollupsAsync(DbConnection connection, DbTransaction transaction, string workspaceId, RollupGrain grain,
        List<Rollup> rows, CancellationToken cancellationToken)
    {
        await using var command = EventColumns.Prepare(connection, transaction, Rollup.UpsertSql(grain, $"VALUES ({string.Join(", ", Enumerable.Range(0, 16).Select(i => "$r" + i))})"), 16, i => "$r" + i);
        foreach (var row in rows)
        {
            EventColumns.Bind(command, EventColumns.RollupValues(workspaceId, row));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; a disposed store lets it go (tests delete their files).
        SqliteConnection.ClearAllPools();
        return base.DisposeAsync();
    }
}
