using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Readiness;

/// <summary>
/// Folds live results into the readiness checks they answer: the deployed product is the truth about itself, so a
/// conclusive measurement (pass, warn, fail) decides the check's status — any fail fails it, any warning makes it
/// partial — and its evidence leads. Results that could not be measured (error) or are only noted (info) are kept as
/// evidence and change nothing.
/// </summary>
public static class LiveReadiness
{
    public static ReadinessSection Apply(ReadinessSection section, IReadOnlyList<LiveResult> live)
    {
        var byCheck = live.Where(r => r.Readiness is not null).ToLookup(r => r.Readiness!, StringComparer.Ordinal);
        var checks = section.Checks.Select(check =>
        {
            var results = byCheck[check.Id].ToList();
            if (results.Count == 0) return check;
            var evidence = results.OrderBy(r => Rank(r.Status)).Select(r => new EvidenceEntry(r.Target, 0, "live", r.Evidence)).ToList();
            var conclusive = results.Where(r => r.Status is "pass" or "warn" or "fail").ToList();
            if (conclusive.Count == 0) return check with { Evidence = [.. evidence, .. check.Evidence] };
            var status = conclusive.Any(r => r.Status == "fail") ? "fail" : conclusive.Any(r => r.Status == "warn") ? "partial" : "pass";
            return check with
            {
                Status = status,
                SatisfiedBy = status == "pass" ? "live" : null,
                Reason = status == "pass" ? "measured on the deployed product" : $"measured on the deployed product: {conclusive.OrderBy(r => Rank(r.Status)).First().Message}",
                ManualCheck = null,
                LookedFor = null,
                Evidence = [.. evidence, .. check.Evidence.Where(e => e.Kind != "live")],
            };
        }).ToList();
        return ReadinessScoring.Summarize(section.Profile, [.. section.Categories.Select(c => (c.Id, c.Title))], checks, live);
    }

    /// <summary>Worst first: what failed leads the evidence.</summary>
    public static int Rank(string status) => status switch { "fail" => 0, "error" => 1, "warn" => 2, "pass" => 3, _ => 4 };
}
