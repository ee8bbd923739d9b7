using System.Text.RegularExpressions;

namespace Panoptic.Scanner.Audit.Rules;

/// <summary>How services reach their databases: through how many stacks, and whether they share one database.</summary>
internal static partial class DataRules
{
    /// <summary>One language reaching one database engine through two or more ORMs or query stacks.</summary>
    public static IEnumerable<AuditFinding> AccessFragmentation(AuditContext context)
    {
        var uses = context.Services
            .Where(s => s.Language is not null && s.DataAccess.Count > 0)
            .SelectMany(s => s.Databases.DefaultIfEmpty("database").Select(db => (Service: s, Engine: db)))
            .GroupBy(x => (x.Service.Language, x.Engine));
        foreach (var group in uses)
        {
            var stacks = group.SelectMany(x => x.Service.DataAccess.Where(d => d != "raw SQL")).Distinct().Order(StringComparer.Ordinal).ToList();
            if (stacks.Count < 2) continue;
            var services = group.Select(x => x.Service).ToList();
            yield return context.Finding("db.access_fragmentation",
                $"{group.Key.Language} services reach {group.Key.Engine} through {stacks.Count} stacks: {string.Join("; ", stacks.Select(st => $"{st} ({string.Join(", ", services.Where(s => s.DataAccess.Contains(st)).Select(s => s.Id))})"))}.",
                services.Select(s => s.Id), services.Select(AuditContext.Anchor), group.Key.Language!, group.Key.Engine);
        }
    }

    /// <summary>Compose services whose connection settings name the same database (host and name), which couples their schemas.</summary>
    public static IEnumerable<AuditFinding> SharedDatabase(AuditContext context)
    {
        var targets = new List<(string Service, string Database, string File, int Line)>();
        foreach (var compose in context.Compose.Where(c => c.BuildContext is not null && !Source.SourceFiles.IsTestPath(c.File)))
        {
            var service = context.Services.FirstOrDefault(s => s.Id == compose.Name || s.Path == compose.BuildContext)?.Id ?? compose.Name;
            foreach (var (name, value, line) in compose.Environment)
            {
                var database = Database(name, value);
                if (database is not null) targets.Add((service, database, compose.File, line));
            }
        }
        foreach (var group in targets.GroupBy(t => t.Database, StringComparer.OrdinalIgnoreCase))
        {
            var users = group.DistinctBy(t => t.Service).OrderBy(t => t.Service, StringComparer.Ordinal).ToList();
            if (users.Count < 2) continue;
            yield return context.Finding("db.shared_database",
                $"{string.Join(", ", users.Select(u => u.Service))} all use database {group.Key}; a schema change in one can break the others.",
                users.Select(u => u.Service), users.Skip(1).Concat(users.Take(1)).Select(u => new FindingLocation(u.File, u.Line)), group.Key.ToLowerInvariant());
        }
    }

    /// <summary>"host/name" from a connection URL, or the name from POSTGRES_DB/MYSQL_DATABASE/DB_NAME-style settings.</summary>
    private static string? Database(string name, string value)
    {
        var url = ConnectionTarget().Match(value);
        if (url.Success) return $"{url.Groups["host"].Value}/{url.Groups["db"].Value}";
        if (value.Length > 0 && !value.Contains('$') && DatabaseNameSetting().IsMatch(name)) return value.Trim();
        return null;
    }

    [GeneratedRegex(@"^(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|sqlserver|mssql)(?:\+\w+)?://(?:[^@/]*@)?(?<host>[^:/?]+)(?::\d+)?/(?<db>[A-Za-z0-9_\-]+)")]
    private static partial Regex ConnectionTarget();

    [GeneratedRegex(@"^(?:POSTGRES_DB|MYSQL_DATABASE|MARIADB_DATABASE|MONGO_INITDB_DATABASE|DB_NAME|DATABASE_NAME|PGDATABASE)$")]
    private static partial Regex DatabaseNameSetting();
}
