using System.Text.RegularExpressions;

namespace Panoptic.Scanner.Audit.Rules;

/// <summary>Route versioning and style across services, and published API contracts.</summary>
internal static partial class ApiRules
{
    private static readonly string[] NotApi = ["health", "healthz", "livez", "readyz", "ready", "live", "ping", "status", "metrics", "docs", "swagger", "openapi", "static", "assets", "favicon", "webhook", "webhooks", "callback", "auth", "login", "logout", "admin", "robots.txt", "_next", "graphql"];

    /// <summary>Services where more than a fifth of the API routes (health, docs, static, auth and webhooks aside) carry no version.</summary>
    public static IEnumerable<AuditFinding> UnversionedRoutes(AuditContext context)
    {
        foreach (var service in context.Services)
        {
            var api = ApiRoutes(service).ToList();
            if (api.Count < 2 || service.HasApiVersioning) continue;
            var unversioned = api.Where(r => !IsVersioned(r.Path)).ToList();
            if (unversioned.Count * 5 <= api.Count) continue;
            yield return context.Finding("api.unversioned_routes",
                $"{unversioned.Count} of {api.Count} API routes of {service.Id} carry no version (first: {unversioned[0].Method} {unversioned[0].Path}).",
                [service.Id], [new FindingLocation(unversioned[0].File, unversioned[0].Line)], service.Id);
        }
    }

    /// <summary>
    /// One cross-service finding naming the services whose API routes carry no version at all while most services
    /// with an API version theirs (in the path or through a versioning library).
    /// </summary>
    public static IEnumerable<AuditFinding> VersioningOutliers(AuditContext context)
    {
        var withApi = context.Services.Select(s => (Service: s, Routes: ApiRoutes(s).ToList())).Where(x => x.Routes.Count >= 2).ToList();
        if (withApi.Count < 3) yield break;
        var versioned = withApi.Where(x => x.Service.HasApiVersioning || x.Routes.Count(r => IsVersioned(r.Path)) * 2 > x.Routes.Count).ToList();
        var outliers = withApi.Where(x => !x.Service.HasApiVersioning && x.Routes.All(r => !IsVersioned(r.Path))).ToList();
        if (outliers.Count == 0 || versioned.Count * 2 <= withApi.Count) yield break;
        var names = string.Join(", ", outliers.Select(o => o.Service.Id).Order(StringComparer.Ordinal));
        yield return context.Finding("api.versioning_outliers",
            $"{versioned.Count} of {withApi.Count} services version their API routes; {names} do{(outliers.Count == 1 ? "es" : "")} not (first: {outliers[0].Routes[0].Method} {outliers[0].Routes[0].Path}).",
            outliers.Select(o => o.Service.Id), outliers.Select(o => new FindingLocation(o.Routes[0].File, o.Routes[0].Line)));
    }

    /// <summary>Services whose route casing or trailing slashes differ from what most services do.</summary>
    public static IEnumerable<AuditFinding> RouteStyleInconsistent(AuditContext context)
    {
        var styles = context.Services
            .Select(s => (Service: s, Routes: ApiRoutes(s).ToList()))
            .Where(x => x.Routes.Count > 0)
            .Select(x => (x.Service, x.Routes, Casing: Dominant(x.Routes.SelectMany(r => Segments(r.Path)).Select(Casing)), Slash: Dominant(x.Routes.Select(r => r.Path.Length > 1 && r.Path.EndsWith('/') ? "trailing slash" : "no trailing slash"))))
            .ToList();
        if (styles.Count < 2) yield break;
        foreach (var (dimension, pick) in new (string, Func<(ServiceFacts Service, List<RouteFact> Routes, string? Casing, string? Slash), string?>)[] { ("casing", x => x.Casing), ("trailing slash", x => x.Slash) })
        {
            var majority = Dominant(styles.Select(pick));
            if (majority is null) continue;
            foreach (var style in styles.Where(x => pick(x) is { } value && value != majority))
            {
                var example = style.Routes[0];
                yield return context.Finding("api.route_style_inconsistent",
                    $"{style.Service.Id} uses {pick(style)} routes (e.g. {example.Path}) while most services use {majority}.",
                    [style.Service.Id], [new FindingLocation(example.File, example.Line)], style.Service.Id, dimension);
            }
        }
    }

    public static IEnumerable<AuditFinding> MissingContract(AuditContext context) =>
        context.Services
            .Where(s => ApiRoutes(s).Count() >= 2 && !s.HasApiContract)
            .Select(s => context.Finding("api.missing_contract", $"{s.Id} exposes {ApiRoutes(s).Count()} routes without an OpenAPI document or .proto contract.", [s.Id], [AuditContext.Anchor(s)], s.Id));

    internal static IEnumerable<RouteFact> ApiRoutes(ServiceFacts service) =>
        service.Routes.Where(r => r.Path.Length > 1 && !Segments(r.Path).Any(s => NotApi.Contains(Path.GetFileNameWithoutExtension(s).ToLowerInvariant())) && !FactsBuilder.IsHealthPath(r.Path));

    internal static bool IsVersioned(string path) => Segments(path).Any(s => VersionSegment().IsMatch(s)) || path.Contains("api-version", StringComparison.OrdinalIgnoreCase) || path.Contains("{version", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> Segments(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s[0] is not ('{' or ':' or '<' or '[' or '(' or '*' or '^' or '$'));

    private static string? Casing(string segment) =>
        segment.Contains('-') ? "kebab-case" : segment.Contains('_') ? "snake_case" : segment.Any(char.IsUpper) ? "camelCase" : null;

    private static string? Dominant(IEnumerable<string?> values) =>
        values.OfType<string>().GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;

    [GeneratedRegex(@"^v\d+([.\-_]?[a-z0-9]+)?$", RegexOptions.IgnoreCase)]
    private static partial Regex VersionSegment();
}
