using Panoptic.Storage.Ledger;

namespace Panoptic.Storage.Tests;

public class RollupTableTests
{
    [Theory]
    [InlineData("provider", false, "cost_rollups_model_day")]
    [InlineData("provider", true, "cost_rollups_model_hour")]
    [InlineData("feature,service", true, "cost_rollups_feature_hour")]
    [InlineData("tenant", false, "cost_rollups_tenant_day")]
    [InlineData("", true, "cost_rollups_tenant_hour")]
    [InlineData("feature,tenant", false, "cost_rollups_wide_day")]
    [InlineData("feature,tenant", true, null)]
    [InlineData("user,tenant", false, "cost_rollups_user_day")]
    [InlineData("user,feature", false, null)]
    public void For_PicksTheNarrowestTableThatKeepsEveryDimension(string dimensions, bool hourly, string? expected)
    {
        var parsed = dimensions.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(d => CostDimensions.TryParse(d, out var x) ? x : throw new ArgumentException(d));
        RollupTable.For(parsed, hourly)?.Name.ShouldBe(expected);
        if (expected is null) RollupTable.For(parsed, hourly).ShouldBeNull();
    }

    private static readonly DateTimeOffset Day = new(2026, 11, 10, 0, 0, 0, TimeSpan.Zero);

    private static string Split(DateTimeOffset from, DateTimeOffset to, RollupTable table, RollupGrain? bucket, params CostDimension[] groupBy) =>
        string.Join(" + ", PanopticStore.Parts(new CostQuery("w", from, to, groupBy, bucket, new Dictionary<CostDimension, string>()), table)
            .Select(p => $"{p.Table.Name}[{(p.Query.From - Day).TotalHours}h,{(p.Query.To - Day).TotalHours}h)"));

    [Fact]
    public void Parts_ReadWholeDaysFromADayTable_AndOnlyThePartialEndsByTheHour()
    {
        Split(Day.AddHours(13), Day.AddDays(3).AddHours(9), RollupTable.TenantHour, RollupGrain.Day, CostDimension.Tenant).ShouldBe(
            "cost_rollups_tenant_hour[13h,24h) + cost_rollups_tenant_day[24h,72h) + cost_rollups_tenant_hour[72h,81h)");
        Split(Day, Day.AddDays(2).AddHours(5), RollupTable.ModelHour, null, CostDimension.Provider).ShouldBe(
            "cost_rollups_model_day[0h,48h) + cost_rollups_model_hour[48h,53h)");
        // Nothing to gain: an hourly series, no whole day inside the window, or a day table already.
        Split(Day.AddHours(13), Day.AddDays(3).AddHours(9), RollupTable.TenantHour, RollupGrain.Hour, CostDimension.Tenant).ShouldBe("cost_rollups_tenant_hour[13h,81h)");
        Split(Day.AddHours(13), Day.AddDays(1).AddHours(9), RollupTable.TenantHour, RollupGrain.Day, CostDimension.Tenant).ShouldBe("cost_rollups_tenant_hour[13h,33h)");
        Split(Day, Day.AddDays(3), RollupTable.WideDay, RollupGrain.Day, CostDimension.Tenant).ShouldBe("cost_rollups_wide_day[0h,72h)");
    }
}
