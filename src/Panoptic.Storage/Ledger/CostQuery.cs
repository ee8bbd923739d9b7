namespace Panoptic.Storage.Ledger;

/// <summary>The time buckets of a cost series.</summary>
public enum RollupGrain
{
    Hour,
    Day,
}

/// <summary>The dimensions cost queries group and filter by: the rollup key.</summary>
public enum CostDimension
{
    Provider,
    Model,
    Service,
    Feature,
    Tenant,
    User,
}

/// <summary>
/// A cost query over [<paramref name="From"/>, <paramref name="To"/>), grouped by <paramref name="GroupBy"/> and, when
/// <paramref name="Bucket"/> is set, by time bucket (hour or day; months are folded from days by the caller).
/// </summary>
public sealed record CostQuery(
    string WorkspaceId,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<CostDimension> GroupBy,
    RollupGrain? Bucket,
    IReadOnlyDictionary<CostDimension, string> Filters);

/// <summary>One aggregated row: the bucket start (Unix ms, 0 without buckets), the group's key values in GroupBy order, the sums.</summary>
public sealed record CostRow(long Bucket, IReadOnlyList<string> Keys, long Events, long Errors, long Unpriced, long CostNanos, long InputTokens, long OutputTokens, long Requests, double Units)
{
    public CostRow Plus(CostRow other) => this with
    {
        Events = Events + other.Events, Errors = Errors + other.Errors, Unpriced = Unpriced + other.Unpriced, CostNanos = CostNanos + other.CostNanos,
        InputTokens = InputTokens + other.InputTokens, OutputTokens = OutputTokens + other.OutputTokens, Requests = Requests + other.Requests, Units = Units + other.Units,
    };
}

public static class CostDimensions
{
    public static string Column(CostDimension dimension) => dimension switch
    {
        CostDimension.Provider => "provider",
        CostDimension.Model => "model",
        CostDimension.Service => "service",
        CostDimension.Feature => "feature",
        CostDimension.Tenant => "tenant_id",
        _ => "user_id",
    };

    /// <summary>The name used in the HTTP API: provider, model, service, feature, tenant, user.</summary>
    public static string Name(CostDimension dimension) => dimension.ToString().ToLowerInvariant();

    public static bool TryParse(string name, out CostDimension dimension)
    {
        foreach (var d in Enum.GetValues<CostDimension>())
        {
            if (Name(d) == name) { dimension = d; return true; }
        }
        dimension = default;
        return false;
    }
}
