using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Readiness;

/// <summary>The registry's commercial readiness: the verdict first, then the score and its coverage, categories and checks.</summary>
public sealed record ReadinessSection
{
    /// <summary>not_ready_to_sell, ready_pending_confirmation or ready_to_sell.</summary>
    public required string Verdict { get; init; }
    /// <summary>Weighted share (0-100) of the conclusive applicable checks that pass (partial counts half).</summary>
    public required double Score { get; init; }
    /// <summary>Conclusive checks (pass, partial, fail) over all applicable checks, 0-100.</summary>
    public required double Coverage { get; init; }
    public required string Profile { get; init; }
    public required IReadOnlyList<string> Blocking { get; init; }
    public required IReadOnlyList<CategoryScore> Categories { get; init; }
    public required IReadOnlyList<CheckResult> Checks { get; init; }
    /// <summary>What `check --live` measured on the deployed product, each result also folded into the check it answers.</summary>
    public IReadOnlyList<LiveResult>? Live { get; init; }
}

public sealed record CategoryScore(string Id, string Title, double? Score, int Pass, int Partial, int Fail, int Manual, int NotApplicable);

public sealed record CheckResult
{
    public required string Id { get; init; }
    public required string Category { get; init; }
    public required string Title { get; init; }
    /// <summary>pass, partial, fail, needs_manual_confirmation or not_applicable.</summary>
    public required string Status { get; init; }
    public required bool Blocking { get; init; }
    public required string Risk { get; init; }
    /// <summary>How a pass was reached: "evidence", "delegated" (a hosted provider supplies it) or "nothing found to fail" (inverted checks).</summary>
    public string? SatisfiedBy { get; init; }
    public string? Reason { get; init; }
    public string? Waived { get; init; }
    public string? ManualCheck { get; init; }
    public required IReadOnlyList<EvidenceEntry> Evidence { get; init; }
    /// <summary>For a fail or an unconfirmed check: what was looked for.</summary>
    public IReadOnlyList<string>? LookedFor { get; init; }
}
