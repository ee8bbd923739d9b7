using System.Globalization;
using Microsoft.AspNetCore.Http;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Costs;

/// <summary>
/// The query string of GET /api/v1/costs: from, to (RFC 3339 or a date; default the current UTC month to now),
/// group_by (comma-separated dimensions), interval (hour, day, month), top (default 10) and filter.DIMENSION=value.
/// The window is widened to whole hours (whole days for day and month series), the resolution of the rollups.
/// </summary>
internal sealed record CostRequest(CostQuery? Query, RollupTable Table, string? Interval, int Top, string? Error)
{
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(400);

    public static CostRequest Parse(IQueryCollection q, DateTimeOffset now)
    {
        static CostRequest Fail(string error) => new(null, RollupTable.Hour, null, 0, error);
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

        // Per-user questions read the per-user day table (tenant, user and provider only); other day-aligned windows
        // without an hourly series read the day table, 24 times fewer rows than the hour table.
        var byUser = groupBy.Contains(CostDimension.User) || filters.ContainsKey(CostDimension.User);
        if (byUser && groupBy.Concat(filters.Keys).Any(d => d is not (CostDimension.User or CostDimension.Tenant or CostDimension.Provider)))
            return Fail("per-user costs group and filter by user, tenant and provider only");
        if (byUser && interval == "hour") return Fail("per-user costs are kept per day: use interval=day or month");
        var hourly = !byUser && (interval == "hour" || !IsWholeDays(from, to));
        var table = byUser ? RollupTable.UserDay : hourly ? RollupTable.Hour : RollupTable.Day;
        var grain = hourly ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
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
