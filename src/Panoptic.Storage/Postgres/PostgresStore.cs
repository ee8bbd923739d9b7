using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Panoptic.Storage.Ledger;

namespace Panoptic.Storage.Postgres;

/// <summary>
/// The production store. Batches go in as one INSERT ... SELECT FROM unnest(arrays) per table, one round trip each;
/// migrations take a transaction-scoped advisory lock, so servers starting together migrate once.
/// </summary>
public sealed class PostgresStore : PanopticStore
{
    private const long MigrationLockId = 0x50414E4F50; // "PANOP"
    private readonly NpgsqlDataSource _dataSource;

    public PostgresStore(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Description = $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
    }

    public override string Kind => "postgres";

    public override string Description { get; }

    public static bool IsPostgres(string? database) =>
        database is not null && (database.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || database.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || database.Contains("Host=", StringComparison.OrdinalIgnoreCase));

    /// <summary>A postgres:// URL as an Npgsql connection string (key=value strings pass through).</summary>
    public static string ConnectionString(string database)
    {
        if (!database.Contains("://", StringComparison.Ordinal)) return database;
        if (!Uri.TryCreate(database, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException("the PostgreSQL URL is not valid (expected postgres://user:password@host:port/database)");
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.Port > 0 ? uri.Port : 5432, Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } db ? Uri.UnescapeDataString(db) : "postgres" };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            if (key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) && kv.Length == 2) builder.SslMode = Enum.Parse<SslMode>(Uri.UnescapeDataString(kv[1]), ignoreCase: true);
        }
        return builder.ToString();
    }

    protected internal override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@id)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("id", MigrationLockId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private protected override async Task<List<LedgerEvent>> InsertNewEventsAsync(DbConnection connection, DbTransaction transaction, string workspaceId,
        IReadOnlyList<LedgerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var types = new[]
        {
            "text", "bigint", "bigint", "text", "text", "text", "text", "text", "text", "text", "text",
            "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "double precision", "bigint", "text", "text",
            "double precision", "double precision", "double precision", "text", "text", "text", "text",
        };
        var received = receivedAt.ToUnixTimeMilliseconds();
        var rows = events.Select(e => EventColumns.Values(workspaceId, e, received)).ToList();
        await using var command = Unnest(connection, transaction, rows, types,
            arrays => $"INSERT INTO cost_events ({string.Join(", ", EventColumns.Names)}) SELECT @w, * FROM unnest({arrays}) ON CONFLICT DO NOTHING RETURNING id");
        command.Parameters.Add(new NpgsqlParameter("w", workspaceId));
        var byId = events.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var inserted = new List<LedgerEvent>(events.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) inserted.Add(byId[reader.GetString(0)]);
        return inserted;
    }

    private static readonly string[] PendingTypes = ["text", "bigint", "text", "text", "text", "text", "text", "text", "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "double precision"];

    private protected override async Task InsertPendingAsync(DbConnection connection, DbTransaction transaction, List<PendingRow> rows, CancellationToken cancellationToken)
    {
        // A group commit mixes workspaces, so the workspace goes in as an array too (the first "column" Unnest skips is a dummy).
        await using var command = Unnest(connection, transaction, [.. rows.Select(r => (object?[])[null, .. r.Values()])], PendingTypes,
            arrays => $"INSERT INTO cost_pending ({PendingRow.Columns}) SELECT * FROM unnest({arrays})");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private protected override async Task<List<PendingRow>> TakePendingAsync(DbConnection connection, DbTransaction transaction, int max, CancellationToken cancellationToken)
    {
        // SKIP LOCKED: replicas folding at the same time take disjoint rows instead of waiting on each other.
        await using var command = new NpgsqlCommand($"""
            DELETE FROM cost_pending WHERE ctid = ANY(ARRAY(SELECT ctid FROM cost_pending LIMIT {max} FOR UPDATE SKIP LOCKED))
            RETURNING {PendingRow.Columns}
            """, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        var rows = new List<PendingRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add(PendingRow.Read(reader));
        return rows;
    }

    private protected override async Task UpsertRollupsAsync(DbConnection connection, DbTransaction transaction, RollupTable table, List<Rollup> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        // Rollups span workspaces here, so the workspace goes in as an array too (the first "column" Unnest skips is a dummy).
        string[] types = ["text", "bigint", .. table.Dimensions.Select(_ => "text"), "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "double precision"];
        await using var command = Unnest(connection, transaction, [.. rows.Select(r => (object?[])[null, .. r.Values()])], types,
            arrays => Rollup.UpsertSql(table, $"SELECT * FROM unnest({arrays})"));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private protected override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>
    /// A command whose parameters are one array per column (the first value of each row, the workspace, is sent once
    /// as @w instead); <paramref name="sql"/> receives the unnest argument list.
    /// </summary>
    private static NpgsqlCommand Unnest(DbConnection connection, DbTransaction transaction, List<object?[]> rows, string[] types, Func<string, string> sql)
    {
        var command = new NpgsqlCommand { Connection = (NpgsqlConnection)connection, Transaction = (NpgsqlTransaction)transaction };
        for (var column = 0; column < types.Length; column++)
        {
            var values = rows.Select(r => r[column + 1]).ToArray();
            command.Parameters.Add(new NpgsqlParameter($"a{column}", types[column] switch
            {
                "bigint" => NpgsqlDbType.Array | NpgsqlDbType.Bigint,
                "double precision" => NpgsqlDbType.Array | NpgsqlDbType.Double,
                _ => NpgsqlDbType.Array | NpgsqlDbType.Text,
            })
            { Value = Typed(values, types[column]) });
        }
        command.CommandText = sql(string.Join(", ", types.Select((t, i) => $"@a{i}::{t}[]")));
        return command;
    }

    private static Array Typed(object?[] values, string type) => type switch
    {
        "bigint" => values.Select(v => v is null ? (long?)null : Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        "double precision" => values.Select(v => v is null ? (double?)null : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        _ => values.Select(v => (string?)v).ToArray(),
    };

    private const int VacuumEvery = 250_000;
    private long _foldedSinceVacuum;

    /// <summary>
    /// Folds like every store, and vacuums cost_pending after every quarter million rows folded here. Each folded row
    /// leaves a dead tuple; until autovacuum comes round (a minute or more under load) the queue's heap grows by
    /// hundreds of megabytes, and every cost query scans it for the pending tail (10M events: 180 ms a query).
    /// </summary>
    public override async Task<int> RollUpAsync(int max = 50_000, CancellationToken cancellationToken = default)
    {
        var folded = await base.RollUpAsync(max, cancellationToken);
        if (Interlocked.Add(ref _foldedSinceVacuum, folded) >= VacuumEvery)
        {
            Interlocked.Exchange(ref _foldedSinceVacuum, 0);
            await using var connection = await OpenAsync(cancellationToken);
            await using var vacuum = new NpgsqlCommand("VACUUM cost_pending", (NpgsqlConnection)connection);
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }
        return folded;
    }

    // PostgreSQL takes concurrent writers: two groups in flight keep one committing while the next is being built.
    private protected override int AppendWriters => 2;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
