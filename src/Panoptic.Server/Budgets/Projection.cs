namespace Panoptic.Server.Budgets;

/// <summary>
/// Month-end (period-end) projection with a day-of-week-aware run rate: each remaining day is expected to spend what
/// the same weekday spent over the last four weeks (a B2B product's Saturday is not its Tuesday), with the lowest
/// and highest of those weeks as the band. Without weekday history it falls back to the period's daily average, and
/// on the very first day to today's pace.
/// </summary>
internal static class Projection
{
    public sealed record Result(decimal Spent, decimal Projected, decimal Low, decimal High);

    /// <param name="daily">Spend per UTC day; a missing day after <paramref name="firstDataDay"/> spent nothing.</param>
    /// <param name="todayElapsed">The fraction of today gone, 0 to 1.</param>
    public static Result Project(DateOnly periodStart, DateOnly periodEnd, DateOnly today, double todayElapsed, IReadOnlyDictionary<DateOnly, decimal> daily, DateOnly? firstDataDay)
    {
        decimal Day(DateOnly d) => daily.GetValueOrDefault(d);
        var spent = 0m;
        for (var d = periodStart; d <= today && d < periodEnd; d = d.AddDays(1)) spent += Day(d);
        if (today >= periodEnd) return new Result(spent, spent, spent, spent);

        var fullDays = new List<decimal>();
        for (var d = Max(periodStart, firstDataDay ?? today); d < today; d = d.AddDays(1)) fullDays.Add(Day(d));
        var spentToday = Day(today);
        var fallback = fullDays.Count > 0 ? fullDays.Average() : spentToday / (decimal)Math.Max(todayElapsed, 1 / 24.0);

        decimal expected = 0, low = 0, high = 0;
        for (var d = today; d < periodEnd; d = d.AddDays(1))
        {
            var samples = new List<decimal>();
            for (var week = 1; week <= 4; week++)
            {
                var same = d.AddDays(-7 * week);
                if (same < today && firstDataDay is { } first && same >= first) samples.Add(Day(same));
            }
            if (samples.Count == 0) samples.Add(fallback);
            var (mean, min, max) = (samples.Average(), samples.Min(), samples.Max());
            // Today is expected to spend a whole day's share in all; what it spent so far is already in `spent`.
            if (d == today) (mean, min, max) = (Math.Max(0, mean - spentToday), Math.Max(0, min - spentToday), Math.Max(0, max - spentToday));
            expected += mean;
            low += min;
            high += max;
        }
        return new Result(spent, spent + expected, spent + low, spent + high);
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
