namespace Panoptic.Storage.Ledger;

/// <summary>
/// Money as the ledger keeps it: whole nano-dollars (10⁻⁹ USD) in a long, so sums are exact integer additions in both
/// stores. Every conversion from dollars goes through <see cref="FromUsd"/>, the one rounding rule: to the nearest
/// nano-dollar, halves away from zero. A figure past what a long holds (about ±9.2 billion dollars) is an
/// <see cref="OverflowException"/>, never a wrapped value.
/// </summary>
public readonly record struct Nanos(long Value) : IComparable<Nanos>
{
    public const long PerDollar = 1_000_000_000;

    public static Nanos FromUsd(decimal usd) => new(checked((long)decimal.Round(usd * PerDollar, MidpointRounding.AwayFromZero)));

    /// <summary>The exact dollar value (nano-dollars divide into a decimal without loss).</summary>
    public decimal Usd => ToUsd(Value);

    public static decimal ToUsd(long nanos) => nanos / (decimal)PerDollar;

    public static Nanos operator +(Nanos a, Nanos b) => new(checked(a.Value + b.Value));

    public static Nanos operator -(Nanos a, Nanos b) => new(checked(a.Value - b.Value));

    public static bool operator <(Nanos a, Nanos b) => a.Value < b.Value;

    public static bool operator >(Nanos a, Nanos b) => a.Value > b.Value;

    public static bool operator <=(Nanos a, Nanos b) => a.Value <= b.Value;

    public static bool operator >=(Nanos a, Nanos b) => a.Value >= b.Value;

    public int CompareTo(Nanos other) => Value.CompareTo(other.Value);

    public override string ToString() => Usd.ToString("0.#########", System.Globalization.CultureInfo.InvariantCulture) + " USD";
}
