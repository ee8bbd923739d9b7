using System.Globalization;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Reports;

/// <summary>The one-line closing summary: "5 backend connections, 7 external APIs, 3 services in 1,888 files, 0.8 s".</summary>
public static class Summary
{
    public static string Line(RegistryDocument document)
    {
        var p = document.Project;
        var seconds = (p.DurationMs / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);
        var text = $"{Count(document.BackendConnections.Count, "backend connection")}, {Count(document.ExternalApis.Count, "external API")}, "
            + $"{Count(document.Services.Count, "service")} in {p.Files.ToString("N0", CultureInfo.InvariantCulture)} files, {seconds} s";
        if (document.Secrets.Count > 0) text += $"; {Count(document.Secrets.Count, "hard-coded secret")}";
        if (document.Problems.Count > 0) text += $"; {Count(document.Problems.Count, "unreadable item")}";
        return text;
    }

    private static string Count(int n, string noun) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";
}
