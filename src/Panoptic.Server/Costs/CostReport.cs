using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Costs;

/// <summary>The answer of GET /api/v1/costs. Money is in US dollars, from exact nano-dollar sums.</summary>
public sealed record CostReport(DateTimeOffset From, DateTimeOffset To, string? Interval, IReadOnlyList<string> GroupBy, CostReport.Figures Total,
    IReadOnlyList<CostReport.Group> Top, IReadOnlyList<CostReport.Point> Series)
{
    public sealed record Figures(decimal CostUsd, long Events, long Errors, long UnpricedEvents, long InputTokens, long OutputTokens, long Requests, double Units);

    /// <summary>A consumer (one combination of the group_by values) with its share of the total cost.</summary>
    public sealed record Group(IReadOnlyDictionary<string, string> Key, decimal CostUsd, double Share, long Events, long UnpricedEvents);

    public sealed record Point(DateTimeOffset Start, IReadOnlyDictionary<string, string> Key, decimal CostUsd, long Events);

    internal static CostReport Of(CostQuery query, string? interval, int top, IReadOnlyList<CostRow> rows)
    {
        var names = query.GroupBy.Select(CostDimensions.Name).ToList();
        Dictionary<string, string> Key(IReadOnlyList<string> keys) => names.Select((n, i) => (n, keys[i])).ToDictionary(p => p.n, p => p.Item2);
        var total = Sum(rows);
        var groups = rows.GroupBy(r => string.Join('\u0001', r.Keys), StringComparer.Ordinal)
            .Select(g => (Keys: g.First().Keys, Figures: Sum([.. g])))
            .OrderByDescending(g => g.Figures.CostUsd).ThenByDescending(g => g.Figures.Events).ThenBy(g => string.Join('\u0001', g.Keys), StringComparer.Ordinal)
            .Take(top)
            .Select(g => new Group(Key(g.Keys), g.Figures.CostUsd, total.CostUsd == 0 ? 0 : Math.Round((double)(g.Figures.CostUsd / total.CostUsd), 4), g.Figures.Events, g.Figures.UnpricedEvents))
            .ToList();
        var series = interval is null ? [] : rows
            .GroupBy(r => (Start: interval == "month" ? MonthOf(r.Bucket) : DateTimeOffset.FromUnixTimeMilliseconds(r.Bucket), Keys: string.Join('\u0001', r.Keys)))
            .Select(g => (g.Key.Start, g.First().Keys, Figures: Sum([.. g])))
            .OrderBy(p => p.Start).ThenBy(p => string.Join('\u0001', p.Keys), StringComparer.Ordinal)
            .Select(p => new Point(p.Start, Key(p.Keys), p.Figures.CostUsd, p.Figures.Events))
            .ToList();
        return new CostReport(query.From, query.To, interval, names, total, groups, series);
    }

    private static DateTimeOffset MonthOf(long ms)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return new DateTimeOffset(time.Year, time.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    private static Figures Sum(IReadOnlyList<CostRow> rows) => new(
        Nanos.ToUsd(rows.Sum(r => r.CostNanos)), rows.Sum(r => r.Events), rows.Sum(r => r.Errors), rows.Sum(r => r.Unpriced),
        rows.Sum(r => r.InputTokens), rows.Sum(r => r.OutputTokens), rows.Sum(r => r.Requests), rows.Sum(r => r.Units));
}
