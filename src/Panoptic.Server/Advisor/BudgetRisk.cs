using System.Globalization;

namespace Panoptic.Server.Advisor;

/// <summary>Budgets in dollars projected to end their period over the amount, with the features that spent most of their scope in the last seven days.</summary>
internal static class BudgetRisk
{
    public static IEnumerable<Recommendation> Find(AdvisorInputs inputs)
    {
        foreach (var (budget, drivers) in inputs.AtRisk)
        {
            var amount = (decimal)budget.Amount;
            var overrun = Recommendation.Usd(budget.Projection.Projected - amount);
            var total = drivers.Sum(d => d.CostNanos);
            var top = drivers.Take(5).Select(d => new Dictionary<string, object?>
            {
                ["feature"] = d.Feature, ["spend_7d_usd"] = Recommendation.Usd(d.CostNanos), ["share"] = total > 0 ? Math.Round((double)d.CostNanos / total, 4) : 0,
            }).ToList();
            var named = string.Join(", ", drivers.Take(3).Select(d => string.Create(CultureInfo.InvariantCulture,
                $"'{(d.Feature.Length > 0 ? d.Feature : "(no feature)")}' {(total > 0 ? (double)d.CostNanos / total * 100 : 0):0} %")));
            yield return new Recommendation(Recommendation.BudgetRisk, $"Budget '{budget.Name}' is projected to overrun",
                string.Create(CultureInfo.InvariantCulture, $"Budget '{budget.Name}' (${amount:N2} a {budget.Period}) has spent ${Recommendation.Usd(budget.Spent):N2} and is projected "
                    + $"to reach ${budget.Projection.Projected:N2}, ${overrun:N2} over{(named.Length > 0 ? $"; the last seven days' spend came from {named}." : ".")}"),
                null, Recommendation.Usd(budget.Spent), budget.Projection.Projected, new Dictionary<string, object?>
                {
                    ["budget_id"] = budget.Id, ["scope"] = budget.Scope, ["scope_value"] = budget.ScopeValue, ["amount_usd"] = amount,
                    ["projected_usd"] = budget.Projection.Projected, ["projected_high_usd"] = budget.Projection.High, ["overrun_usd"] = overrun,
                    ["period_end"] = budget.PeriodEnd, ["drivers"] = top,
                })
            { Feature = budget.Scope == "feature" ? budget.ScopeValue : null, Provider = budget.Scope == "provider" ? budget.ScopeValue : null };
        }
    }
}
