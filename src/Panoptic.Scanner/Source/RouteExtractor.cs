using System.Text.RegularExpressions;
using Panoptic.Scanner.Audit;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Source;

/// <summary>
/// HTTP routes declared in code: FastAPI/Flask/Starlette decorators, Django path(), Express/Fastify/Hono/Koa
/// routers, NestJS decorators, ASP.NET minimal APIs and controllers, Spring mappings, Go net/http, gin, echo, chi.
/// Class-level prefixes ([Route], @Controller, @RequestMapping) are joined to the method routes that follow them.
/// </summary>
internal sealed partial class RouteExtractor(SourceLanguage language, string file, List<RouteFact> routes)
{
    private static readonly System.Buffers.SearchValues<string> RouteStarts = System.Buffers.SearchValues.Create(["('/", "(\"/", "(`/"], StringComparison.Ordinal);
    private string _prefix = "";

    /// <summary>Reads one trimmed line; class-level prefixes carry over to the lines after them.</summary>
    public void Line(ReadOnlySpan<char> line, int number)
    {
        var prefix = _prefix;
        {
            if (line.Length < 6) return;
            // Cheap tests first: a regex runs only on the few lines that can declare a route.
            switch (language)
            {
                case SourceLanguage.Python when line[0] == '@':
                    Add(PythonDecorator(), line, routes, file, number, "");
                    break;
                case SourceLanguage.Python when line.StartsWith("path(") || line.StartsWith("re_path("):
                    Add(DjangoPath(), line, routes, file, number, "", method: "ANY");
                    break;
                case SourceLanguage.JavaScript when line[0] == '@':
                    if (line.StartsWith("@Controller(") && NestController().Match(line.ToString()) is { Success: true } controller) prefix = controller.Groups["path"].Value;
                    else Add(NestMethod(), line, routes, file, number, prefix);
                    break;
                case SourceLanguage.JavaScript when line.IndexOfAny(RouteStarts) >= 0:
                    Add(JsRouter(), line, routes, file, number, "");
                    break;
                case SourceLanguage.CSharp when line[0] == '[':
                    if (line.StartsWith("[Route(") && RouteAttribute().Match(line.ToString()) is { Success: true } route) prefix = route.Groups["path"].Value;
                    else if (line.StartsWith("[Http")) Add(HttpAttribute(), line, routes, file, number, prefix);
                    break;
                case SourceLanguage.CSharp when line.Contains(".Map", StringComparison.Ordinal):
                    Add(MinimalApi(), line, routes, file, number, "");
                    break;
                case SourceLanguage.Go when line.Contains("(\"/", StringComparison.Ordinal):
                    Add(GoRouter(), line, routes, file, number, "");
                    break;
                case SourceLanguage.Java when line[0] == '@' && line.Contains("Mapping", StringComparison.Ordinal):
                    if (line.StartsWith("@RequestMapping") && SpringMapping().Match(line.ToString()) is { Success: true } mapping) prefix = mapping.Groups["path"].Value;
                    else Add(SpringMapping(), line, routes, file, number, prefix);
                    break;
                case SourceLanguage.Php when line.Contains("Route::", StringComparison.Ordinal):
                    Add(LaravelRoute(), line, routes, file, number, "");
                    break;
            }
        }
        _prefix = prefix;
    }

    private static void Add(Regex regex, ReadOnlySpan<char> line, List<RouteFact> routes, string file, int number, string prefix, string? method = null)
    {
        var match = regex.Match(line.ToString());
        if (!match.Success) return;
        var path = match.Groups["path"].Value;
        var verb = method ?? Normalize(match.Groups["method"].Value);
        if (verb.Length == 0) verb = "GET";
        routes.Add(new RouteFact(verb, Join(prefix, path), file, number));
    }

    private static string Normalize(string method) => method.ToUpperInvariant() switch
    {
        "ROUTE" or "API_ROUTE" or "ALL" or "ANY" or "HANDLEFUNC" or "HANDLE" or "MAP" or "MAPMETHODS" or "USE" or "REQUEST" => "ANY",
        "MAPHEALTHCHECKS" => "GET",
        var m when m.StartsWith("MAP", StringComparison.Ordinal) => m[3..],
        var m => m,
    };

    private static string Join(string prefix, string path)
    {
        if (prefix.Length == 0) return path.Length == 0 ? "/" : path.StartsWith('/') || path.StartsWith('^') ? path : "/" + path;
        var joined = "/" + prefix.Trim('/') + (path.Trim('/').Length > 0 ? "/" + path.Trim('/') : "");
        return joined;
    }

    [GeneratedRegex("""^@\w+\.(?<method>get|post|put|delete|patch|route|api_route|websocket)\(\s*["'](?<path>[^"']*)["']""")]
    private static partial Regex PythonDecorator();

    [GeneratedRegex("""^(?:re_)?path\(\s*r?["'](?<path>[^"']*)["']""")]
    private static partial Regex DjangoPath();

    [GeneratedRegex("""\b(?:app|router|server|fastify|api|route|routes|r|v1|v2)\.(?<method>get|post|put|delete|patch|all)\(\s*["'`](?<path>/[^"'`]*)["'`]""")]
    private static partial Regex JsRouter();

    [GeneratedRegex("""^@Controller\(\s*["'`](?<path>[^"'`]*)["'`]""")]
    private static partial Regex NestController();

    [GeneratedRegex("""^@(?<method>Get|Post|Put|Delete|Patch|All)\(\s*(?:["'`](?<path>[^"'`]*)["'`])?\s*\)""")]
    private static partial Regex NestMethod();

    [GeneratedRegex("""\.(?<method>MapGet|MapPost|MapPut|MapDelete|MapPatch|MapMethods|MapHealthChecks|MapGroup)\(\s*"(?<path>[^"]*)["]""")]
    private static partial Regex MinimalApi();

    [GeneratedRegex("""^\[Http(?<method>Get|Post|Put|Delete|Patch)(?:\(\s*"(?<path>[^"]*)"[^\]]*\))?\]""")]
    private static partial Regex HttpAttribute();

    [GeneratedRegex("""^\[Route\(\s*"(?<path>[^"]*)["]""")]
    private static partial Regex RouteAttribute();

    [GeneratedRegex("""\.(?<method>HandleFunc|Handle|GET|POST|PUT|DELETE|PATCH|Get|Post|Put|Delete|Patch|Any)\(\s*"(?<path>/[^"]*)["]""")]
    private static partial Regex GoRouter();

    [GeneratedRegex("""^@(?<method>Get|Post|Put|Delete|Patch|Request)Mapping\(\s*(?:(?:value|path)\s*=\s*)?\{?\s*"(?<path>[^"]*)["]""")]
    private static partial Regex SpringMapping();

    [GeneratedRegex("""Route::(?<method>get|post|put|delete|patch|any)\(\s*["'](?<path>[^"']*)["']""")]
    private static partial Regex LaravelRoute();
}
