namespace Panoptic.Sdk.Context;

/// <summary>
/// Who and what an operation is for: the well-known fields Panoptic attributes cost by, and free attributes. A scope
/// begun with <see cref="PanopticContext.Begin"/> sets some of them; the fields it leaves null keep the outer value.
/// </summary>
public sealed record ContextValues
{
    /// <summary>No values at all.</summary>
    public static readonly ContextValues Empty = new();

    /// <summary>The customer (account, organisation) the operation serves.</summary>
    public string? TenantId { get; init; }

    /// <summary>The end user within the tenant.</summary>
    public string? UserId { get; init; }

    /// <summary>The tenant's plan (free, pro, enterprise).</summary>
    public string? Plan { get; init; }

    /// <summary>The product feature the operation belongs to (chat, search, export).</summary>
    public string? Feature { get; init; }

    /// <summary>The request the operation is part of.</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// Free attributes: strings, numbers, booleans, or nested dictionaries of the same. An inner scope's attributes
    /// are merged into the outer ones key by key, nested dictionaries deeply.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Attributes { get; init; }

    /// <summary>These values with <paramref name="inner"/>'s on top: each field the inner scope sets wins, attributes merge deeply.</summary>
    public ContextValues With(ContextValues inner) => new()
    {
        TenantId = inner.TenantId ?? TenantId,
        UserId = inner.UserId ?? UserId,
        Plan = inner.Plan ?? Plan,
        Feature = inner.Feature ?? Feature,
        RequestId = inner.RequestId ?? RequestId,
        Attributes = Merge(Attributes, inner.Attributes),
    };

    private static IReadOnlyDictionary<string, object?>? Merge(IReadOnlyDictionary<string, object?>? outer, IReadOnlyDictionary<string, object?>? inner)
    {
        if (inner is null || inner.Count == 0) return outer;
        if (outer is null || outer.Count == 0) return inner;
        var merged = new Dictionary<string, object?>(outer, StringComparer.Ordinal);
        foreach (var (key, value) in inner)
        {
            merged[key] = merged.TryGetValue(key, out var existing) && existing is IReadOnlyDictionary<string, object?> outerNested
                && value is IReadOnlyDictionary<string, object?> innerNested ? Merge(outerNested, innerNested) : value;
        }
        return merged;
    }
}
