using Panoptic.Server.Alerts;

namespace Panoptic.Server.Tests.Dashboard;

public sealed class SpendAnomalyTests
{
    [Theory]
    [InlineData(10.0, new[] { 1.0, 1.0 }, true)]
    [InlineData(10.0, new[] { 1.0 }, false)]          // one earlier week is not a norm
    [InlineData(2.9, new[] { 1.0, 1.0, 1.0 }, false)]  // under 3 times the average
    [InlineData(1.9, new[] { 0.1, 0.1, 0.9 }, false)]  // over 3 times, but not $1 above the busiest day
    [InlineData(3.1, new[] { 0.1, 0.1, 0.9 }, true)]
    public void ADay_IsUnusual_OnlyWellAboveItsWeekday(double spent, double[] before, bool expected) =>
        SpendAnomaly.Is((decimal)spent, [.. before.Select(b => (decimal)b)]).ShouldBe(expected);
}
