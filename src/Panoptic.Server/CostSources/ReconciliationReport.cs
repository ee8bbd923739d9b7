using Panoptic.Storage.Ledger;
using System.Globalization;

namespace Panoptic.Server.CostSources;

/// <summary>
/// GET /api/v1/reconciliation's answer: per provider with a cost source, billed against recorded over the days its
/// bill covers (<see cref="ProviderView.ComparedDays"/>), with the difference and its share of the bill, per model and
/// per day. A day the bill does not cover yet shows its recorded spend with billed null.
/// </summary>
public sealed record ReconciliationReport(DateOnly From, DateOnly To, IReadOnlyList<ReconciliationReport.ProviderView> Providers, ReconciliationReport.Figures Total)
{
    /// <summary>Billed, recorded, billed minus recorded, and that difference's share of the bill (null when nothing was billed).</summary>
    public sealed record Figures(decimal? BilledUsd, decimal RecordedUsd, decimal? DifferenceUsd, double? DifferenceShare)
    {
        public static Figures Of(long? billed, long recorded) => new(billed is { } b ? Nanos.ToUsd(b) : null, Nanos.ToUsd(recorded),
            billed is { } b2 ? Nanos.ToUsd(b2 - recorded) : null, billed is { } b3 && b3 != 0 ? Math.Round((double)(b3 - recorded) / b3, 4) : null);
    }

    public sealed record ModelView(string Model, Figures Figures);

    public sealed record DayView(DateOnly Day, Figures Figures, IReadOnlyList<ModelView> Models);

    public sealed record ProviderView(string Provider, IReadOnlyList<string> Sources, int ComparedDays, DateOnly? ComparedThrough, Figures Figures, string Summary,
        IReadOnlyList<ModelView> Models, IReadOnlyList<DayView> Days);

    internal static ReconciliationReport Of(ReconciliationData data, string? provider, DateOnly today)
    {
        var views = new List<ProviderView>();
        long billedTotal = 0, recordedTotal = 0;
        foreach (var p in data.Providers.Values.Where(p => p.HasSource && (provider is null || p.Name == provider)).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var compared = p.BilledDays;
            long Sum(Dictionary<(DateOnly Day, string Model), long> sums, Func<(DateOnly Day, string Model), bool> which) => sums.Where(s => which(s.Key)).Sum(s => s.Value);
            var billed = Sum(p.Billed, k => compared.Contains(k.Day));
            var recorded = Sum(p.Recorded, k => compared.Contains(k.Day));
            billedTotal += billed;
            recordedTotal += recorded;
            var models = p.Billed.Keys.Concat(p.Recorded.Keys).Where(k => compared.Contains(k.Day)).Select(k => k.Model).Distinct()
                .Select(m => new ModelView(m, Figures.Of(Sum(p.Billed, k => k.Model == m && compared.Contains(k.Day)), Sum(p.Recorded, k => k.Model == m && compared.Contains(k.Day)))))
                .OrderByDescending(m => m.Figures.BilledUsd).ThenBy(m => m.Model, StringComparer.Ordinal).ToList();
            var days = p.Billed.Keys.Concat(p.Recorded.Keys).Select(k => k.Day).Concat(compared).Distinct().Order().Select(d =>
            {
                var isBilled = compared.Contains(d);
                var dayModels = p.Billed.Keys.Concat(p.Recorded.Keys).Where(k => k.Day == d).Select(k => k.Model).Distinct().Order(StringComparer.Ordinal)
                    .Select(m => new ModelView(m, Figures.Of(isBilled ? p.Billed.GetValueOrDefault((d, m)) : null, p.Recorded.GetValueOrDefault((d, m))))).ToList();
                return new DayView(d, Figures.Of(isBilled ? Sum(p.Billed, k => k.Day == d) : null, Sum(p.Recorded, k => k.Day == d)), dayModels);
            }).ToList();
            var figures = Figures.Of(compared.Count > 0 ? billed : null, recorded);
            views.Add(new ProviderView(p.Name, p.Sources, compared.Count, compared.Count > 0 ? compared.Max : null, figures, Summary(p.Name, compared, figures, data, today), models, days));
        }
        return new ReconciliationReport(data.From, data.To, views, Figures.Of(views.Any(v => v.ComparedDays > 0) ? billedTotal : null, recordedTotal));
    }

    /// <summary>"OpenAI billed $412.10 this month; Panoptic saw $371.60: $40.50 (9.8 %) unattributed."</summary>
    internal static string Summary(string provider, SortedSet<DateOnly> compared, Figures figures, ReconciliationData data, DateOnly today)
    {
        var name = Display(provider);
        if (compared.Count == 0 || figures.BilledUsd is not { } billed) return $"{name} has billed nothing for these days yet.";
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var period = data.From == monthStart && data.To > today ? "this month" : $"from {compared.Min:yyyy-MM-dd} to {compared.Max:yyyy-MM-dd}";
        var difference = figures.DifferenceUsd!.Value;
        var share = figures.DifferenceShare is { } s ? $" ({Math.Abs(s) * 100:0.0} %)" : "";
        var gap = difference switch
        {
            > 0 => $"{Usd(difference)}{share} unattributed",
            < 0 => $"{Usd(-difference)}{share} more than was billed",
            _ => "they match",
        };
        return $"{name} billed {Usd(billed)} {period}; Panoptic saw {Usd(figures.RecordedUsd)}: {gap}.";
    }

    public static string Display(string provider) => provider switch
    {
        "openai" => "OpenAI",
        "anthropic" => "Anthropic",
        "gemini" => "Gemini",
        "mistral" => "Mistral",
        _ => provider,
    };

    public static string Usd(decimal amount) => amount.ToString("$#,##0.00", CultureInfo.InvariantCulture);
}
