using Panoptic.Server.Probes;
using Panoptic.Storage.Probes;

namespace Panoptic.Server.Tests.Probes;

public class SloTests
{
    private static ProbeWindow Window(long checks, long failures) => new(checks, failures, 0, new long[17]);

    [Fact]
    public void ErrorBudget_OfA999Objective_IsSpentByOneFailureInAThousand()
    {
        Slo.Availability(Window(1000, 1)).ShouldBe(99.9);
        Slo.BudgetRemaining(Window(1000, 1), 99.9).ShouldBe(0);
        Slo.BudgetRemaining(Window(2000, 1), 99.9).ShouldBe(0.5);
        Slo.BurnRate(Window(1000, 1), 99.9).ShouldBe(1);
        Slo.BurnRate(Window(1000, 0), 99.9).ShouldBe(0);
        Slo.BudgetRemaining(Window(100, 10), 99.9).ShouldBe(-99);
    }

    [Fact]
    public void WithoutChecks_NothingIsClaimed()
    {
        Slo.Availability(Window(0, 0)).ShouldBeNull();
        Slo.BurnRate(Window(0, 0), 99.9).ShouldBeNull();
        Slo.Status(null, 99.9, null, null, 250).ShouldBeNull();
    }

    [Theory]
    [InlineData(99.95, 0.5, 100.0, "met")]
    [InlineData(99.95, 3.0, 100.0, "at_risk")]
    [InlineData(99.80, 0.0, 100.0, "breached")]
    [InlineData(100.0, 0.0, 300.0, "breached")]
    public void Status_WeighsTheMonthTheHourAndTheLatency(double availability30d, double burnRate1h, double p95Ms, string expected) =>
        Slo.Status(availability30d, 99.9, burnRate1h, p95Ms, 250).ShouldBe(expected);
}
