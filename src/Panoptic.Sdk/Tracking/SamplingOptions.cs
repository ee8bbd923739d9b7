namespace Panoptic.Sdk.Tracking;

/// <summary>
/// Which share of tracked operations is exported. Failed operations and costly ones are always kept, so sampling
/// thins out the cheap, frequent calls (an embeddings lookup per keystroke), never the ones a bill is made of.
/// A kept event carries its rate; the event stands for 1/rate such operations.
/// </summary>
public sealed record SamplingOptions
{
    /// <summary>The share kept when no provider or operation rule applies, from 0 to 1 (default 1: keep all).</summary>
    public double Rate { get; init; } = 1;

    /// <summary>Rates per provider (<c>openai</c> → 0.1).</summary>
    public IReadOnlyDictionary<string, double>? Providers { get; init; }

    /// <summary>Rates per provider and operation, written <c>provider/operation</c> (<c>openai/embeddings</c> → 0.01); they win over <see cref="Providers"/>.</summary>
    public IReadOnlyDictionary<string, double>? Operations { get; init; }

    /// <summary>An operation that cost at least this much (US dollars) is always kept (default 0.01).</summary>
    public decimal AlwaysKeepCostUsd { get; init; } = 0.01m;

    /// <summary>True when every operation is kept, so the tracker can skip the sampler altogether.</summary>
    internal bool KeepsAll => Rate >= 1 && (Providers is null || Providers.Count == 0) && (Operations is null || Operations.Count == 0);

    /// <summary>The rate for an operation of <paramref name="provider"/> named <paramref name="operation"/>.</summary>
    internal double RateFor(string provider, string? operation)
    {
        if (operation is not null && Operations is { Count: > 0 } operations && operations.TryGetValue(provider + "/" + operation, out var byOperation)) return byOperation;
        if (Providers is { Count: > 0 } providers && providers.TryGetValue(provider, out var byProvider)) return byProvider;
        return Rate;
    }

    /// <summary>The problems with these rates, for the options' validation.</summary>
    internal IEnumerable<string> Problems()
    {
        if (!IsRate(Rate)) yield return $"Panoptic:Sampling:Rate must be between 0 and 1, got {Rate}.";
        foreach (var (key, rate) in Providers ?? new Dictionary<string, double>())
            if (!IsRate(rate)) yield return $"Panoptic:Sampling:Providers:{key} must be between 0 and 1, got {rate}.";
        foreach (var (key, rate) in Operations ?? new Dictionary<string, double>())
        {
            if (!IsRate(rate)) yield return $"Panoptic:Sampling:Operations:{key} must be between 0 and 1, got {rate}.";
            if (key.IndexOf('/', StringComparison.Ordinal) <= 0) yield return $"Panoptic:Sampling:Operations:{key} must be written provider/operation.";
        }
        if (AlwaysKeepCostUsd < 0) yield return $"Panoptic:Sampling:AlwaysKeepCostUsd must not be negative, got {AlwaysKeepCostUsd}.";
    }

    private static bool IsRate(double rate) => rate is >= 0 and <= 1;
}
