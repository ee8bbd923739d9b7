using Panoptic.Storage.Ledger;
namespace Panoptic.Server.Advisor;

/// <summary>
/// One piece of advice: its kind, a sentence with the figures, what the calls cost and would cost (dollars over the
/// window, at the workspace's rate card), the saving (null for advice that saves nothing measurable: an idle API, a
/// budget at risk) and the evidence behind it.
/// </summary>
public sealed record Recommendation(string Kind, string Title, string Summary, decimal? SavingsUsd, decimal? CurrentUsd, decimal? ProposedUsd,
    IReadOnlyDictionary<string, object?> Evidence)
{
    public const string RightSizing = "right_sizing", PromptCaching = "prompt_caching", ExactDuplicates = "exact_duplicates", Batch = "batch",
        IdleApi = "idle_api", UndeclaredSpend = "undeclared_spend", BudgetRisk = "budget_risk";

    public static readonly IReadOnlyList<string> Kinds = [RightSizing, PromptCaching, ExactDuplicates, Batch, IdleApi, UndeclaredSpend, BudgetRisk];

    /// <summary>Where a kind sorts among advice of equal saving: in the order of <see cref="Kinds"/>.</summary>
    public static int Rank(string kind)
    {
        for (var i = 0; i < Kinds.Count; i++)
            if (Kinds[i] == kind) return i;
        return Kinds.Count;
    }

    public string? Provider { get; init; }
    public string? Model { get; init; }
    public string? Feature { get; init; }

    public static decimal Usd(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    public static decimal Usd(long nanos) => Usd(Nanos.ToUsd(nanos));
}

/// <summary>The advisor's answer: its window of whole UTC days [from, to), when it was computed, the sum of the savings, and each recommendation, largest saving first.</summary>
public sealed record AdvisorReport(DateOnly From, DateOnly To, int WindowDays, DateTimeOffset ComputedAt, decimal SavingsUsd, IReadOnlyList<Recommendation> Recommendations,
    IReadOnlyList<string> Notes)
{
    /// <summary>True when this answer was read from the day's cache rather than computed for this request.</summary>
    public bool Cached { get; init; }
}
