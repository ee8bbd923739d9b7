namespace Panoptic.Server.Dashboard;

/// <summary>A readiness verdict as the dashboard words and colours it; a verdict it does not know is shown as unknown, never as ready.</summary>
internal static class Verdicts
{
    public static (string Text, string Class) Of(string? verdict) => verdict switch
    {
        "not_ready_to_sell" => ("Not ready to sell", "bad"),
        "ready_pending_confirmation" => ("Ready pending confirmation", "warn"),
        "ready_to_sell" => ("Ready to sell", "good"),
        _ => ("Unknown verdict", ""),
    };

    public static string Text(string? verdict) => Of(verdict).Text;
}
