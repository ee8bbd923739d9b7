namespace Panoptic.Server.Alerts;

/// <summary>
/// When a day's spend is anomalous, for the alert and for the dashboard's chart alike: over 3 times the average of the
/// same weekday in the weeks before, and over $1 more than the busiest of those days; at least two such days are needed.
/// </summary>
internal static class SpendAnomaly
{
    public const decimal Factor = 3m;

    public static bool Is(decimal spent, IReadOnlyList<decimal> sameWeekdayBefore) =>
        sameWeekdayBefore.Count >= 2 && spent > sameWeekdayBefore.Average() * Factor && spent > sameWeekdayBefore.Max() + 1m;
}
