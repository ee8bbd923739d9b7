using Panoptic.Scanner.Readiness;

namespace Panoptic.Server.Dashboard;

/// <summary>The colour the dashboard gives a readiness verdict (its words are the reports' own, <see cref="Verdicts.Title"/>).</summary>
internal static class VerdictStyle
{
    public static string Class(string? verdict) => verdict switch
    {
        Verdicts.NotReady => "bad",
        Verdicts.Pending => "warn",
        Verdicts.Ready => "good",
        _ => "",
    };
}
