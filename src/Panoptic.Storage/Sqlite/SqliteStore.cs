using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Panoptic.Storage.Ledger;

namespace Panoptic.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in write-ahead-log mode. Every write transaction begins IMMEDIATE (one
/// writer at a time) and commits with synchronous=FULL, so an acknowledged write survives the process being killed
/// and the machine losing power. Writers of this process queue on an in-process gate, woken the moment the lock
/// frees; the busy timeout only arbitrates against another process on the same file.
/// </summary>
public sealed class SqliteStore : PanopticStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
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
        // A duplicate id changes no row. (RETURNING would say the same, at the cost of a result table per row.)
        var sql = $"INSERT INTO cost_events ({string.Join(", ", EventColumns.Names)}) VALUES ({string.Join(", ", EventColumns.Names.Select(_ => "?"))}) ON CONFLICT DO NOTHING";
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

    // The ledger's rowids past the rollup mark are the pending events (see PendingSource): nothing to copy.
    private protected override Task InsertPendingAsync(DbConnection connection, DbTransaction transaction, List<PendingRow> rows, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>
    /// The events past the rollup mark, plus any left in cost_pending by a version that queued them there. One writer
    /// means rowids grow in commit order, so a snapshot that reads the mark and the rows past it misses nothing.
    /// NOT INDEXED keeps the planner on the rowid range: offered the primary key for a workspace filter pushed down
    /// from the query, it would walk every event of the workspace.
    /// </summary>
    private protected override string PendingSource => $"""
        (SELECT {EventsAsPending} FROM cost_events NOT INDEXED WHERE rowid > (SELECT last_row FROM rollup_mark)
         UNION ALL SELECT {PendingRow.Columns} FROM cost_pending) AS pending
        """;

    private const string EventsAsPending = """
        workspace_id, ts, provider, model, service, feature, tenant_id, user_id, CASE WHEN status = 'ok' THEN 0 ELSE 1 END AS errors,
        CASE WHEN cost_source = 'unpriced' THEN 1 ELSE 0 END AS unpriced, COALESCE(cost_nanos, 0) AS cost_nanos, input_tokens, output_tokens, requests, units
        """;

    /// <summary>
    /// Folds the events past the rollup mark. They are read and summed outside the write gate, so ingestion keeps
    /// writing meanwhile; the gate is held only to upsert the sums and move the mark — and only if the mark is still
    /// where it was read (another process sharing the file may have folded the same rows).
    /// </summary>
    public override async Task<int> RollUpAsync(int max = 50_000, CancellationToken cancellationToken = default)
    {
        var legacy = await base.RollUpAsync(max, cancellationToken);
        if (legacy > 0) return legacy;
        long mark, last = 0;
        var rows = new List<PendingRow>();
        await using (var connection = await OpenAsync(cancellationToken))
        {
            await using var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: true);
            mark = await connection.ExecuteScalarAsync<long>(Command("SELECT last_row FROM rollup_mark", null, cancellationToken, transaction));
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT {EventsAsPending}, rowid FROM cost_events WHERE rowid > {mark} ORDER BY rowid LIMIT {max}";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(PendingRow.Read(reader));
                last = reader.GetInt64(15);
            }
        }
        if (rows.Count == 0) return 0;
        var rollups = RollupTable.Folded.Select(table => (table, Rollup.Of(rows, table))).ToList();
        return await InTransactionAsync(async (connection, transaction) =>
        {
            var moved = await connection.ExecuteAsync(Command("UPDATE rollup_mark SET last_row = @last WHERE last_row = @mark", new { last, mark }, cancellationToken, transaction));
            if (moved == 0) return 0;
            foreach (var (table, sums) in rollups) await UpsertRollupsAsync(connection, transaction, table, sums, cancellationToken);
            return rows.Count;
        }, cancellationToken);
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

    private protected override int AppendWriters => 1;

    private protected override async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        return new Releaser(_writeGate);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // Pooled connections keep the file open; a disposed store lets it go (tests delete their files).
        SqliteConnection.ClearAllPools();
        _writeGate.Dispose();
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
