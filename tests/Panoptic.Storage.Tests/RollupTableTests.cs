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
}
