using System.Text.RegularExpressions;
using Panoptic.Scanner.Deployment;

namespace Panoptic.Scanner.Source;

/// <summary>
/// Default listen ports written in code and local run configuration: uvicorn/flask/gunicorn, app.listen,
/// process.env.PORT fallbacks, Kestrel URLs and launchSettings, Go ListenAndServe/gin/echo, Spring server.port, PORT=.
/// </summary>
internal static partial class CodePorts
{
    private static readonly System.Buffers.SearchValues<string> Keywords = System.Buffers.SearchValues.Create(
        ["port", "Port", "PORT", "listen", "Listen", "Run(", "Start(", "http://", "runserver", "bind", " -p "], StringComparison.Ordinal);

    public static void Line(ReadOnlySpan<char> line, string file, int number, List<PortDeclaration> ports)
    {
        if (line.Length < 6 || line.IndexOfAny(Keywords) < 0 || line.IndexOfAnyInRange('0', '9') < 0) return;
        if (line.StartsWith("import ") || line.StartsWith("from ")) return;
        var match = Listen().Match(line.ToString());
        if (match.Success && int.TryParse(match.Groups["port"].Value, out var port) && port is > 0 and < 65536)
            ports.Add(new PortDeclaration(file.Contains('/') ? file[..file.LastIndexOf('/')] : "", port, file, number) { Source = "code" });
    }

    [GeneratedRegex("""(?:uvicorn\.run\(.*\bport\s*=\s*|\.run\(.*\bport\s*=\s*|--port[= ]|runserver\s+(?:[\d.]+:)?|(?:-b|--bind)[= ][\w.]*:|(?:environ\.get|getenv)\(\s*["']PORT["']\s*,\s*["']?|\.listen\(\s*|process\.env\.PORT\s*(?:\|\||\?\?)\s*["']?|UseUrls\(\s*"https?://[^":]+:|"applicationUrl"\s*:\s*"https?://[^":]+:|ASPNETCORE_HTTP_PORTS\s*[=:]\s*"?|ListenAndServe(?:TLS)?\(\s*"[^":]*:|\.(?:Run|Start)\(\s*":|net\.Listen\(\s*"tcp"\s*,\s*"[^":]*:|^\s*server\.port\s*[=:]\s*|^\s*PORT\s*=\s*|^\s*port\s+ENV\.fetch\(\s*["']PORT["']\s*\)\s*\{\s*|^\s*port\s+|\b(?:next|vite|nuxt|astro|remix|serve|rails\s+s(?:erver)?)\b[^"'\n]*?\s-p\s+)(?<port>\d{2,5})\b""")]
    private static partial Regex Listen();
}
