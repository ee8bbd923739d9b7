namespace Panoptic.Server.Dashboard;

/// <summary>What a budget gauge draws: spent, the budget, and the period-end projection with its band.</summary>
public sealed record BudgetGauge(string Name, decimal Spent, double Amount, string Unit, double PercentUsed, decimal Projected, decimal Low, decimal High, bool ProjectedOverspend)
{
    internal static BudgetGauge Of(Budgets.BudgetEndpoints.BudgetView b) =>
        new(b.Name, b.Spent, b.Amount, b.Unit, b.PercentUsed, b.Projection.Projected, b.Projection.Low, b.Projection.High, b.ProjectedOverspend);
}
