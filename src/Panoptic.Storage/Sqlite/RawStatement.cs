using SQLitePCL;

namespace Panoptic.Storage.Sqlite;

/// <summary>
/// A statement prepared once and run row after row with values bound by position. Microsoft.Data.Sqlite binds each
/// parameter by name on every execution — a linear lookup per parameter, which dominated inserting 29-column rows.
/// Runs on the connection's current transaction like any other command.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3_stmt _statement;
    private readonly sqlite3 _db;

    public RawStatement(sqlite3 db, string sql)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
    }

    /// <summary>
    /// Binds <paramref name="values"/> (string, long, int, double or null) and steps once; true when the statement
    /// returned a row or, for a statement without RETURNING, changed one (an INSERT ... ON CONFLICT DO NOTHING that
    /// inserted).
    /// </summary>
    public bool Run(object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var index = i + 1;
            Check(values[i] switch
            {
                null => raw.sqlite3_bind_null(_statement, index),
                string text => raw.sqlite3_bind_text(_statement, index, text),
                long number => raw.sqlite3_bind_int64(_statement, index, number),
                int number => raw.sqlite3_bind_int64(_statement, index, number),
                double real => raw.sqlite3_bind_double(_statement, index, real),
                var other => throw new ArgumentException($"cannot bind a {other.GetType().Name}", nameof(values)),
            });
        }
        var result = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (result is not (raw.SQLITE_ROW or raw.SQLITE_DONE)) Check(result);
        return result == raw.SQLITE_ROW || raw.sqlite3_changes(_db) > 0;
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK) throw new Microsoft.Data.Sqlite.SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), result);
    }
}
