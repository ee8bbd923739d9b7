namespace Panoptic.Scanner.Readiness;

/// <summary>The readiness verdicts and how every report words them; one that is not known reads as unknown, never as ready.</summary>
public static class Verdicts
{
    public const string NotReady = "not_ready_to_sell", Pending = "ready_pending_confirmation", Ready = "ready_to_sell";

    public static string Title(string? verdict) => verdict switch
    {
        NotReady => "Not ready to sell",
        Pending => "Ready pending confirmation",
        Ready => "Ready to sell",
        _ => "Unknown verdict",
    };
}
