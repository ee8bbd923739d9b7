using Panoptic.Storage.Probes;

namespace Panoptic.Server.Probes;

/// <summary>
/// SLO arithmetic over a probe's checks. The error budget is the share of checks an availability objective allows to
/// fail (99.9 % allows 0.1 %); what remains of it over 30 days is 1 − (failed share ÷ allowed share), negative once
/// overspent. The burn rate over a window is the failed share ÷ the allowed share: 1 spends the budget exactly over
/// the SLO window, 14.4 over an hour spends 2 % of a 30-day budget — the usual fast-burn page.
/// </summary>
internal static class Slo
{
    public const double FastBurn = 14.4;

    public static double? Availability(ProbeWindow window) => window.Checks == 0 ? null : Math.Round(100.0 * (window.Checks - window.Failures) / window.Checks, 4);

    public static double? BudgetRemaining(ProbeWindow window, double objective) =>
        window.Checks == 0 || objective >= 100 ? null : Math.Round(1 - (double)window.Failures / window.Checks / Allowed(objective), 4);

    public static double? BurnRate(ProbeWindow window, double objective) =>
        window.Checks == 0 || objective >= 100 ? null : Math.Round((double)window.Failures / window.Checks / Allowed(objective), 4);

    /// <summary>met, at_risk (burning faster than the budget allows over the last hour) or breached (over 30 days, or the p95 over its objective); null without checks.</summary>
    public static string? Status(double? availability30d, double objective, double? burnRate1h, double? p95Ms, double latencyObjectiveMs) => availability30d switch
    {
        null => null,
        var a when a < objective || p95Ms > latencyObjectiveMs => "breached",
        _ when burnRate1h > 1 => "at_risk",
        _ => "met",
    };

    private static double Allowed(double objective) => (100 - objective) / 100;
}
