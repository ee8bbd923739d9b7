using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Panoptic.Scanner.Reports;

/// <summary>
/// What changed between two registries (`panoptic diff OLD NEW`): connections and external APIs added or removed,
/// readiness checks whose status changed, the score delta, and audit findings added or fixed (matched by fingerprint).
/// Works on the JSON documents, so registries written by older builds compare as long as they share the schema.
/// </summary>
public sealed record RegistryDiff(
    IReadOnlyList<RegistryDiff.EntryChange> Connections,
    IReadOnlyList<RegistryDiff.EntryChange> ExternalApis,
    RegistryDiff.ScoreChange? Readiness,
    IReadOnlyList<RegistryDiff.CheckChange> Checks,
    IReadOnlyList<RegistryDiff.FindingChange> Findings)
{
    public sealed record EntryChange(string Change, string Id, string Name, string Category, IReadOnlyList<string> UsedBy);

    public sealed record ScoreChange(string? OldVerdict, string? NewVerdict, double? OldScore, double? NewScore);

    public sealed record CheckChange(string Id, string Title, bool Blocking, string OldStatus, string NewStatus);

    public sealed record FindingChange(string Change, string Rule, string Severity, string Message);

    public bool IsEmpty => Connections.Count == 0 && ExternalApis.Count == 0 && Checks.Count == 0 && Findings.Count == 0
        && (Readiness is null || (Readiness.OldScore == Readiness.NewScore && Readiness.OldVerdict == Readiness.NewVerdict));

    /// <summary>Reads a registry written with `--format json`; a clear <see cref="RegistryDiffException"/> otherwise.</summary>
    public static JsonObject Load(string path)
    {
        if (!File.Exists(path)) throw new RegistryDiffException($"{path}: no such file");
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    /// <summary>Reads a JSON registry from a stream; <paramref name="name"/> is what error messages call it.</summary>
    public static JsonObject Parse(Stream stream, string name)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            // A JsonNode reads objects lazily: a property named twice would throw later, wherever it is first read.
            Materialize(node);
        }
        catch (JsonException e)
        {
            throw new RegistryDiffException($"{name}: not a JSON registry ({e.Message}); write one with `panoptic scan --format json --out FILE`");
        }
        catch (ArgumentException)
        {
            throw new RegistryDiffException($"{name}: not a JSON registry (an object names a property twice); write one with `panoptic scan --format json --out FILE`");
        }
        if (node is not JsonObject registry || registry["schema"].AsText()?.StartsWith("panoptic/registry@", StringComparison.Ordinal) != true)
            throw new RegistryDiffException($"{name}: not a Panoptic registry (no \"schema\": \"panoptic/registry@1\")");
        return registry;
    }

    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, value) in o) Materialize(value);
                break;
            case JsonArray a:
                foreach (var item in a) Materialize(item);
                break;
        }
    }

    public static RegistryDiff Compare(JsonObject old, JsonObject @new) => new(
        Entries(old["backend_connections"], @new["backend_connections"]),
        Entries(old["external_apis"], @new["external_apis"]),
        Score(old["commercial_readiness"], @new["commercial_readiness"]),
        CheckChanges(old["commercial_readiness"].Field("checks"), @new["commercial_readiness"].Field("checks")),
        FindingChanges(old["audit"].Field("findings"), @new["audit"].Field("findings")));

    private static List<EntryChange> Entries(JsonNode? old, JsonNode? @new)
    {
        var before = ById(old);
        var after = ById(@new);
        var changes = new List<EntryChange>();
        foreach (var (id, entry) in after.Where(e => !before.ContainsKey(e.Key))) changes.Add(Entry("added", id, entry));
        foreach (var (id, entry) in before.Where(e => !after.ContainsKey(e.Key))) changes.Add(Entry("removed", id, entry));
        return changes;
    }

    private static EntryChange Entry(string change, string id, JsonObject entry) =>
        new(change, id, entry["name"].AsText() ?? id, entry["category"].AsText() ?? "", [.. entry["used_by"].Texts()]);

    private static Dictionary<string, JsonObject> ById(JsonNode? list)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var item in list.Objects())
        {
            if (item["id"].AsText() is { } id) result.TryAdd(id, item);
        }
        return result;
    }

    private static ScoreChange? Score(JsonNode? old, JsonNode? @new) =>
        old is null && @new is null ? null : new(old.Field("verdict").AsText(), @new.Field("verdict").AsText(), old.Field("score").AsNumber(), @new.Field("score").AsNumber());

    private static List<CheckChange> CheckChanges(JsonNode? old, JsonNode? @new)
    {
        var before = ById(old);
        var changes = new List<CheckChange>();
        foreach (var (id, check) in ById(@new))
        {
            var oldStatus = before.TryGetValue(id, out var previous) ? previous["status"].AsText() ?? "unknown" : "absent";
            var newStatus = check["status"].AsText() ?? "unknown";
            if (oldStatus != newStatus) changes.Add(new CheckChange(id, check["title"].AsText() ?? id, check["blocking"].IsTrue(), oldStatus, newStatus));
        }
        // Blocking changes first, then by id, so the items that decide the verdict lead.
        return [.. changes.OrderByDescending(c => c.Blocking).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }

    private static List<FindingChange> FindingChanges(JsonNode? old, JsonNode? @new)
    {
        static Dictionary<string, JsonObject> ByFingerprint(JsonNode? list)
        {
            var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (var item in list.Objects())
            {
                if (item["fingerprint"].AsText() is { } fingerprint) result.TryAdd(fingerprint, item);
            }
            return result;
        }
        static FindingChange Finding(string change, JsonObject f) => new(change, f["rule"].AsText() ?? "", f["severity"].AsText() ?? "", f["message"].AsText() ?? "");
        var before = ByFingerprint(old);
        var after = ByFingerprint(@new);
        return [.. after.Where(f => !before.ContainsKey(f.Key)).Select(f => Finding("added", f.Value)),
            .. before.Where(f => !after.ContainsKey(f.Key)).Select(f => Finding("fixed", f.Value))];
    }

    public string ToTable() => Render(markdown: false);

    /// <summary>A pull-request comment: headings, bullet lists, the score delta in the first line.</summary>
    public string ToMarkdown() => Render(markdown: true);

    private string Render(bool markdown)
    {
        var text = new StringBuilder();
        void Heading(string title) => text.AppendLine(markdown ? $"\n### {title}\n" : $"\n{title}");
        string Code(string s) => markdown ? $"`{Escape(s)}`" : s;
        string Escape(string s) => markdown ? s.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal) : s;
        text.AppendLine(markdown ? "## Panoptic: what changed" : "Panoptic: what changed");
        if (IsEmpty)
        {
            text.AppendLine(markdown ? "\nNo changes in connections, external APIs, readiness or audit findings." : "no changes");
            return text.ToString();
        }
        if (Readiness is { } r && (r.OldScore != r.NewScore || r.OldVerdict != r.NewVerdict))
        {
            var delta = r.OldScore is { } o && r.NewScore is { } n ? (n - o).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) : "n/a";
            text.AppendLine(CultureInfo.InvariantCulture, $"{(markdown ? "\n**Readiness**" : "\nreadiness")}: score {Format(r.OldScore)} → {Format(r.NewScore)} ({delta}), verdict {r.OldVerdict ?? "—"} → {r.NewVerdict ?? "—"}");
        }
        foreach (var (title, entries) in new[] { ("Backend connections", Connections), ("External APIs", ExternalApis) })
        {
            if (entries.Count == 0) continue;
            Heading(title);
            foreach (var e in entries)
            {
                var users = e.UsedBy.Count == 0 ? "" : $" — used by {string.Join(", ", e.UsedBy.Take(5))}{(e.UsedBy.Count > 5 ? $" and {e.UsedBy.Count - 5} more" : "")}";
                text.AppendLine(CultureInfo.InvariantCulture, $"{(markdown ? $"- **{e.Change}** " : e.Change == "added" ? "  + added   " : "  - removed ")}{Escape(e.Name)} ({Code(e.Id)}, {e.Category}){Escape(users)}");
            }
        }
        if (Checks.Count > 0)
        {
            Heading("Readiness checks");
            foreach (var c in Checks)
                text.AppendLine(CultureInfo.InvariantCulture, $"{(markdown ? "- " : "  ")}{c.OldStatus} → {c.NewStatus}{(c.Blocking ? (markdown ? " **blocking**" : " [blocking]") : "")} {Code(c.Id)}: {Escape(c.Title)}");
        }
        if (Findings.Count > 0)
        {
            Heading("Audit findings");
            foreach (var f in Findings)
                text.AppendLine(CultureInfo.InvariantCulture, $"{(markdown ? $"- **{f.Change}** " : $"  {f.Change,-5} ")}{f.Severity} {Code(f.Rule)}: {Escape(f.Message)}");
        }
        return text.ToString();
    }

    private static string Format(double? score) => score?.ToString("0.0", CultureInfo.InvariantCulture) ?? "—";

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

/// <summary>A registry file that cannot be compared: missing, not JSON, or not a Panoptic registry.</summary>
public sealed class RegistryDiffException(string message) : Exception(message);
