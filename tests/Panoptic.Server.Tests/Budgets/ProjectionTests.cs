using Panoptic.Server.Budgets;

namespace Panoptic.Server.Tests.Budgets;

public class ProjectionTests
{
    private static readonly DateOnly November = new(2026, 11, 1);
    private static readonly DateOnly December = new(2026, 12, 1);

    [Fact]
    public void Project_SteadySpend_IsTheRunRateTimesTheMonth()
    {
        // $10 every day since October; on Sunday Nov 22 at noon, $5 spent today.
        var daily = Days(new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 21), _ => 10m);
        daily[new DateOnly(2026, 11, 22)] = 5m;
        var result = Projection.Project(November, December, new DateOnly(2026, 11, 22), 0.5, daily, new DateOnly(2026, 10, 1));
        result.Spent.ShouldBe(215m);
        result.Projected.ShouldBe(300m);
        (result.Low, result.High).ShouldBe((300m, 300m));
    }

    [Fact]
    public void Project_WeekdayPattern_ExpectsQuietWeekends()
    {
        // A B2B product: $20 on weekdays, $2 on weekends, for eight weeks.
        var daily = Days(new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 21), d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 2m : 20m);
        var today = new DateOnly(2026, 11, 22); // a Sunday, nothing spent yet
        var result = Projection.Project(November, December, today, 0.0, daily, new DateOnly(2026, 10, 1));
        // Nov 22-30: Sun 2, Mon-Fri 5 x 20, Sat 2, Sun 2, Mon 20 = 126.
        result.Projected.ShouldBe(result.Spent + 126m);
        // A flat run rate would have said 9 days x the month's daily average, far more.
        (result.Spent / 21 * 9).ShouldBeGreaterThan(126m);
    }

    [Fact]
    public void Project_GrowingSpend_HasABandFromTheQuietestToTheBusiestWeek()
    {
        // Spend doubles every week: the band spans the oldest and newest of the last four weeks.
        var start = new DateOnly(2026, 10, 25);
        var daily = Days(start, new DateOnly(2026, 11, 21), d => (decimal)Math.Pow(2, (d.DayNumber - start.DayNumber) / 7));
        var result = Projection.Project(November, December, new DateOnly(2026, 11, 22), 0.0, daily, start);
        result.Low.ShouldBeLessThan(result.Projected);
        result.High.ShouldBeGreaterThan(result.Projected);
        (result.High - result.Spent).ShouldBe(9 * 8m);
        // The last two days have only three earlier weeks (a week ago is still to come): 7 days at 1, 2 days at 2.
        (result.Low - result.Spent).ShouldBe(7 * 1m + 2 * 2m);
    }

    [Fact]
    public void Project_FirstDay_UsesTodaysPace()
    {
        var today = new DateOnly(2026, 11, 22);
        var result = Projection.Project(November, December, today, 0.25, new Dictionary<DateOnly, decimal> { [today] = 3m }, today);
        // $3 in the first quarter of the day: $12 a day, 9 days left including today.
        result.Projected.ShouldBe(3m + (12m - 3m) + 8 * 12m);
    }

    [Fact]
    public void Project_PeriodOver_IsWhatWasSpent()
    {
        var daily = Days(November, new DateOnly(2026, 11, 30), _ => 1m);
        var result = Projection.Project(November, December, new DateOnly(2026, 12, 3), 0.5, daily, November);
        result.ShouldBe(new Projection.Result(30m, 30m, 30m, 30m));
    }

    private static Dictionary<DateOnly, decimal> Days(DateOnly from, DateOnly to, Func<DateOnly, decimal> spend)
    {
        var days = new Dictionary<DateOnly, decimal>();
        for (var d = from; d <= to; d = d.AddDays(1)) days[d] = spend(d);
        return days;
    }
}
