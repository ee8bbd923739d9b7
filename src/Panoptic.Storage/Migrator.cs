using System.Data.Common;
using Dapper;

namespace Panoptic.Storage;

/// <summary>
/// Applies the embedded migrations (Migrations/NNNN_name.sql) in order, each once, recording them in
/// schema_migrations. The same files serve SQLite and PostgreSQL; a file named NNNN_name.sqlite.sql or
/// NNNN_name.postgres.sql runs on that database only, and the other records its version without running it.
/// </summary>
internal static class Migrator
{
    private const string Prefix = "Panoptic.Storage.Migrations.";

    public static IReadOnlyList<(int Version, string Name, string? Kind, string Sql)> All { get; } = Load();

    public static int Latest => All[^1].Version;

    public static async Task ApplyAsync(DbConnection connection, string kind, Func<DbConnection, DbTransaction, Task> lockAsync, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await lockAsync(connection, transaction);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            transaction: transaction, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition("SELECT version FROM schema_migrations", transaction: transaction, cancellationToken: cancellationToken)))
            .ToHashSet();
        foreach (var (version, name, only, sql) in All.Where(m => !applied.Contains(m.Version)))
        {
            if (only is null || only == kind) await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)",
                new { version, name, at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public static async Task<bool> IsCurrentAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            var latest = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(version) FROM schema_migrations", cancellationToken: cancellationToken));
            return latest == Latest;
        }
        catch (DbException)
        {
            return false;
        }
    }

    private static List<(int, string, string?, string)> Load()
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<(int, string, string?, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[Prefix.Length..^".sql".Length];
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var kind = Path.GetExtension(name) is ".sqlite" or ".postgres" ? Path.GetExtension(name)[1..] : null;
            migrations.Add((int.Parse(name[..4], System.Globalization.CultureInfo.InvariantCulture), name, kind, reader.ReadToEnd()));
        }
        return migrations;
    }
}
