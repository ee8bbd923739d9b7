using System.Globalization;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Costs;

/// <summary>
/// The query string of GET /api/v1/costs: from, to (RFC 3339 or a date; default the current UTC month to now),
/// group_by (comma-separated dimensions), interval (hour, day, month), top (default 10) and filter.DIMENSION=value.
/// The window is widened to whole hours, or whole days where the rollup that answers is kept per day.
/// </summary>
internal sealed record CostRequest(CostQuery? Query, RollupTable? Table, string? Interval, int Top, string? Error)
{
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(400);

    public static CostRequest Parse(IQueryCollection q, DateTimeOffset now)
    {
        static CostRequest Fail(string error) => new(null, null, null, 0, error);
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        if (!TryTime(q["from"], monthStart, out var from)) return Fail("from: an RFC 3339 time or a date, e.g. 2026-11-01");
        if (!TryTime(q["to"], now, out var to)) return Fail("to: an RFC 3339 time or a date, e.g. 2026-12-01");
        if (to <= from) return Fail("to must be after from");
        if (to - from > MaxWindow) return Fail($"the window is at most {MaxWindow.TotalDays:0} days");

        var interval = q["interval"].ToString() is { Length: > 0 } i ? i : null;
        if (interval is not (null or "hour" or "day" or "month")) return Fail("interval: hour, day or month");
        var groupBy = new List<CostDimension>();
        foreach (var name in q["group_by"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!CostDimensions.TryParse(name, out var dimension)) return Fail($"group_by: '{name}' is not one of provider, model, service, feature, tenant, user");
            if (!groupBy.Contains(dimension)) groupBy.Add(dimension);
        }
        var filters = new Dictionary<CostDimension, string>();
        foreach (var (key, value) in q.Where(p => p.Key.StartsWith("filter.", StringComparison.Ordinal)))
        {
            if (!CostDimensions.TryParse(key["filter.".Length..], out var dimension)) return Fail($"{key}: filter on provider, model, service, feature, tenant or user");
            filters[dimension] = value.ToString();
        }
        var top = 10;
        if (q["top"].ToString() is { Length: > 0 } t && (!int.TryParse(t, CultureInfo.InvariantCulture, out top) || top is < 1 or > 1000)) return Fail("top: 1 to 1000");

        // The narrowest rollup that keeps every dimension asked for; day tables when the window is whole days and no
        // hourly series is asked (24 times fewer rows).
        var hourly = interval == "hour" || !IsWholeDays(from, to);
        var dimensions = groupBy.Concat(filters.Keys).Distinct().ToList();
        var table = RollupTable.For(dimensions, hourly) ?? RollupTable.For(dimensions, hourly: false);
        if (table is null)
            return Fail($"no rollup keeps {string.Join(" and ", dimensions.Select(CostDimensions.Name))} together: combine provider, model, service, feature and tenant, or user with tenant and provider");
        if (interval == "hour" && table.Grain == RollupGrain.Day)
            return Fail($"{string.Join(" and ", dimensions.Select(CostDimensions.Name))} together are kept per day: use interval=day or month");
        // A window that is not whole days, on a table kept per day, widens to whole days; the answer echoes the window.
        var grain = table.Grain == RollupGrain.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var alignedFrom = Floor(from, grain);
        var alignedTo = Floor(to, grain) == to ? to : Floor(to, grain) + grain;
        var bucket = interval switch { null => (RollupGrain?)null, "hour" => RollupGrain.Hour, _ => RollupGrain.Day };
        return new CostRequest(new CostQuery("", alignedFrom, alignedTo, groupBy, bucket, filters), table, interval, top, null);
    }

    private static bool IsWholeDays(DateTimeOffset from, DateTimeOffset to) => from.UtcTicks % TimeSpan.TicksPerDay == 0 && to.UtcTicks % TimeSpan.TicksPerDay == 0;

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan grain) => new(time.UtcTicks - time.UtcTicks % grain.Ticks, TimeSpan.Zero);

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset time)
    {
        time = fallback;
        if (string.IsNullOrEmpty(text)) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        time = parsed.ToUniversalTime();
        return true;
    }
}
