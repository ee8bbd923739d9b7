using Panoptic.Storage.Ledger;
using System.Globalization;
using System.Text;
using Panoptic.Storage.CostSources;

namespace Panoptic.Server.CostSources;

/// <summary>
/// An invoice export as CSV (RFC 4180: commas, double-quoted fields, a header row): columns date (YYYY-MM-DD, or an
/// RFC 3339 time, whose UTC day counts), provider, cost_usd, and optionally model and description, in any order and
/// any case; other columns are ignored. A file with any bad line imports nothing, and every bad line is reported
/// with its line number, so a fixed file can be uploaded again.
/// </summary>
internal static class CsvCostImport
{
    public const int MaxRows = 200_000;
    public const int MaxErrors = 100;
    public static readonly string[] Required = ["date", "provider", "cost_usd"];

    public sealed record LineError(int Line, string Error);

    public sealed record Result(IReadOnlyList<BilledRow> Rows, IReadOnlyList<LineError> Errors);

    public static Result Parse(string text)
    {
        var errors = new List<LineError>();
        var rows = new List<BilledRow>();
        Dictionary<string, int>? columns = null;
        foreach (var (line, fields) in Records(text, errors))
        {
            if (fields.Count == 1 && fields[0].Length == 0) continue; // a blank line
            if (columns is null)
            {
                columns = Header(fields, line, errors);
                if (columns is null) break;
                continue;
            }
            if (rows.Count >= MaxRows)
            {
                errors.Add(new LineError(line, $"more than {MaxRows:N0} rows: split the file"));
                break;
            }
            if (Row(fields, columns, line, errors) is { } row) rows.Add(row);
            if (errors.Count >= MaxErrors) break;
        }
        if (columns is null && errors.Count == 0) errors.Add(new LineError(1, $"empty file: the first line names the columns ({string.Join(", ", Required)}, optionally model and description)"));
        return new Result(errors.Count == 0 ? rows : [], errors);
    }

    private static Dictionary<string, int>? Header(List<string> fields, int line, List<LineError> errors)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++) columns.TryAdd(fields[i].Trim().TrimStart('\uFEFF').ToLowerInvariant(), i);
        var missing = Required.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count == 0) return columns;
        errors.Add(new LineError(line, $"the header lacks {string.Join(", ", missing)} (columns: date, provider, model (optional), cost_usd, description (optional))"));
        return null;
    }

    private static BilledRow? Row(List<string> fields, Dictionary<string, int> columns, int line, List<LineError> errors)
    {
        string Field(string name) => columns.TryGetValue(name, out var i) && i < fields.Count ? fields[i].Trim() : "";
        var problems = new List<string>();
        var dateText = Field("date");
        DateOnly day = default;
        if (DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) day = date;
        else if (dateText.Contains('T') && DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) day = DateOnly.FromDateTime(time.UtcDateTime);
        else problems.Add($"date '{Clip(dateText)}' is not YYYY-MM-DD");
        var provider = ProviderNames.Provider(Field("provider"));
        if (provider.Length is 0 or > 100) problems.Add("provider: 1 to 100 characters");
        var costText = Field("cost_usd").Replace("$", "", StringComparison.Ordinal);
        if (!decimal.TryParse(costText, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cost) || Math.Abs(cost) >= 1_000_000_000m)
            problems.Add($"cost_usd '{Clip(Field("cost_usd"))}' is not an amount in dollars such as 12.34");
        var model = Field("model");
        var description = Field("description");
        if (model.Length > 200) problems.Add("model: at most 200 characters");
        if (description.Length > 500) problems.Add("description: at most 500 characters");
        if (problems.Count > 0)
        {
            errors.Add(new LineError(line, string.Join("; ", problems)));
            return null;
        }
        return new BilledRow(day, provider, ProviderNames.Model(model), description, Nanos.FromUsd(cost).Value);
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;

    /// <summary>The records of the file with the line each starts on; a quoted field may span lines.</summary>
    private static IEnumerable<(int Line, List<string> Fields)> Records(string text, List<LineError> errors)
    {
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var done = false;
            while (!done && i < text.Length)
            {
                var c = text[i++];
                if (quoted)
                {
                    if (c == '"' && i < text.Length && text[i] == '"') { field.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else { if (c == '\n') line++; field.Append(c); }
                }
                else if (c == '"' && field.Length == 0) quoted = true;
                else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
                else if (c == '\n') { line++; done = true; }
                else if (c != '\r') field.Append(c);
            }
            if (quoted)
            {
                errors.Add(new LineError(start, "a quoted field is never closed"));
                yield break;
            }
            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }
}
