using System.Text.Json;
using Dapper;

namespace Panoptic.Storage;

/// <summary>
/// A budget: <see cref="Amount"/> in US dollars (<see cref="Unit"/> "usd") or in usage units (a quota such as 3,000
/// emails), over each calendar month or one custom period, for the whole workspace or one provider, tenant or feature.
/// </summary>
public sealed record Budget(string Id, string Name, string Scope, string ScopeValue, string Period, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    double Amount, string Unit, IReadOnlyList<int> Thresholds, DateTimeOffset CreatedAt)
{
    public static readonly string[] Scopes = ["workspace", "provider", "tenant", "feature"];

    public bool IsUsd => Unit == "usd";

    /// <summary>The period that contains <paramref name="now"/>: the calendar month (UTC), or the custom period.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) PeriodAt(DateTimeOffset now)
    {
        if (Period == "custom") return (StartsAt!.Value, EndsAt!.Value);
        var start = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (start, start.AddMonths(1));
    }
}

public abstract partial class PanopticStore
{
    public Task AddBudgetAsync(string workspaceId, Budget budget, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("""
            INSERT INTO budgets (workspace_id, id, name, scope, scope_value, period, starts_at, ends_at, amount, unit, thresholds, created_at)
            VALUES (@workspaceId, @Id, @Name, @Scope, @ScopeValue, @Period, @starts, @ends, @Amount, @Unit, @thresholds, @created)
            """, new
        {
            workspaceId, budget.Id, budget.Name, budget.Scope, budget.ScopeValue, budget.Period, starts = budget.StartsAt is { } s ? Ms(s) : (long?)null,
            ends = budget.EndsAt is { } e ? Ms(e) : (long?)null, budget.Amount, budget.Unit, thresholds = JsonSerializer.Serialize(budget.Thresholds), created = Ms(budget.CreatedAt),
        }, cancellationToken)), cancellationToken);

    public Task<IReadOnlyList<Budget>> BudgetsAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (IReadOnlyList<Budget>)[.. (await c.QueryAsync<BudgetRow>(Command("""
            SELECT id AS Id, name AS Name, scope AS Scope, scope_value AS ScopeValue, period AS Period, starts_at AS StartsAt, ends_at AS EndsAt,
                   amount AS Amount, unit AS Unit, thresholds AS Thresholds, created_at AS CreatedAt
            FROM budgets WHERE workspace_id = @workspaceId ORDER BY created_at, id
            """, new { workspaceId }, cancellationToken))).Select(r => r.ToBudget())], cancellationToken);

    /// <summary>Deletes a budget of this workspace; false when the workspace has no such budget.</summary>
    public Task<bool> DeleteBudgetAsync(string workspaceId, string id, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("DELETE FROM budgets WHERE workspace_id = @workspaceId AND id = @id", new { workspaceId, id }, cancellationToken)) == 1, cancellationToken);

    private sealed record BudgetRow(string Id, string Name, string Scope, string ScopeValue, string Period, long? StartsAt, long? EndsAt, double Amount, string Unit,
        string Thresholds, long CreatedAt)
    {
        public Budget ToBudget() => new(Id, Name, Scope, ScopeValue, Period, StartsAt is { } s ? Time(s) : null, EndsAt is { } e ? Time(e) : null, Amount, Unit,
            JsonSerializer.Deserialize<int[]>(Thresholds) ?? [], Time(CreatedAt));
    }
}
