namespace Panoptic.Scanner.Readiness;

/// <summary>The verdict, score, coverage, blocking list and category scores of a set of check results, however they were reached.</summary>
public static class ReadinessScoring
{
    public static ReadinessSection Summarize(string profile, IReadOnlyList<(string Id, string Title)> categories, IReadOnlyList<CheckResult> results,
        IReadOnlyList<LiveResult>? live = null)
    {
        var counted = results.Where(r => r.Status != "not_applicable" && r.Waived is null).ToList();
        var conclusive = counted.Where(r => r.Status is "pass" or "partial" or "fail").ToList();
        var verdict = counted.Any(r => r.Blocking && r.Status == "fail") ? Verdicts.NotReady
            : counted.Any(r => r.Blocking && r.Status == "needs_manual_confirmation") ? Verdicts.Pending
            : Verdicts.Ready;
        var order = categories.Select(c => c.Id).ToList();
        return new ReadinessSection
        {
            Verdict = verdict,
            Score = Score(conclusive) ?? 0,
            Coverage = counted.Count == 0 ? 0 : Math.Round(100.0 * conclusive.Count / counted.Count, 1),
            Profile = profile,
            Blocking = [.. counted.Where(r => r.Blocking && r.Status is "fail" or "needs_manual_confirmation").OrderBy(r => r.Status == "fail" ? 0 : 1).Select(r => r.Id)],
            Categories = [.. categories.Select(cat => Category(cat.Id, cat.Title, [.. results.Where(r => r.Category == cat.Id)]))],
            Checks = [.. results.OrderBy(r => r.Blocking && r.Status == "fail" ? 0 : r.Blocking && r.Status == "needs_manual_confirmation" ? 1 : 2)
                .ThenBy(r => order.IndexOf(r.Category)).ThenBy(r => r.Id, StringComparer.Ordinal)],
            Live = live,
        };
    }

    private static double Credit(CheckResult r) => r.Status switch { "pass" => 1, "partial" => 0.5, _ => 0 };

    private static double? Score(List<CheckResult> conclusive) => conclusive.Count == 0 ? null
        : Math.Round(100 * conclusive.Sum(r => ReadinessCheck.WeightOf(r.Risk) * Credit(r)) / conclusive.Sum(r => ReadinessCheck.WeightOf(r.Risk)), 1);

    private static CategoryScore Category(string id, string title, List<CheckResult> results) =>
        new(id, title, Score([.. results.Where(r => r.Waived is null && r.Status is "pass" or "partial" or "fail")]), results.Count(r => r.Status == "pass"),
            results.Count(r => r.Status == "partial"), results.Count(r => r.Status == "fail"), results.Count(r => r.Status == "needs_manual_confirmation"),
            results.Count(r => r.Status == "not_applicable"));
}
