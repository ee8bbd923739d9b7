using Panoptic.Storage.Ledger;

namespace Panoptic.Storage.Tests;

/// <summary>The ledger's money: one rounding rule from dollars, exact back to dollars, overflow refused.</summary>
public class NanosTests
{
    [Theory]
    [InlineData("0.0000000014", 1)]
    [InlineData("0.0000000015", 2)]
    [InlineData("0.0000000025", 3)]
    [InlineData("-0.0000000015", -2)]
    [InlineData("-0.0000000014", -1)]
    [InlineData("347.82", 347_820_000_000)]
    [InlineData("0", 0)]
    public void FromUsd_RoundsToTheNearestNanoDollar_HalvesAwayFromZero(string usd, long nanos) =>
        Nanos.FromUsd(decimal.Parse(usd, System.Globalization.CultureInfo.InvariantCulture)).Value.ShouldBe(nanos);

    [Fact]
    public void ToUsd_IsExact_AndSumsStayIntegers()
    {
        Nanos.ToUsd(1).ShouldBe(0.000000001m);
        (Nanos.FromUsd(0.1m) + Nanos.FromUsd(0.2m)).Usd.ShouldBe(0.3m);
        (Nanos.FromUsd(1m) - Nanos.FromUsd(0.25m)).ShouldBe(new Nanos(750_000_000));
        (Nanos.FromUsd(2m) > Nanos.FromUsd(1m)).ShouldBeTrue();
        Nanos.FromUsd(1.5m).ToString().ShouldBe("1.5 USD");
    }

    [Fact]
    public void FromUsd_PastWhatALongHolds_IsAnOverflow_NotAWrappedValue()
    {
        Should.Throw<OverflowException>(() => Nanos.FromUsd(10_000_000_000m));
        Should.Throw<OverflowException>(() => Nanos.FromUsd(decimal.MaxValue));
        Should.Throw<OverflowException>(() => new Nanos(long.MaxValue) + new Nanos(1));
    }
}
