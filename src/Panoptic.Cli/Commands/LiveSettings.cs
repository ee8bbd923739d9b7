using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Panoptic.Live;
using Panoptic.Scanner.Registry;

namespace Panoptic.Cli.Commands;

/// <summary>`check --live ...`: the targets the user named and how to reach them, checked before anything is scanned.</summary>
public sealed partial record LiveSettings(IReadOnlyList<string> Targets, bool Registry, string? Resolver, double TimeoutSeconds, IReadOnlyList<string> Health, string? Trust, int HttpPort)
{
    /// <summary>Status pages to check (--live-status-page URL).</summary>
    public IReadOnlyList<string> StatusPages { get; init; } = [];

    public sealed class Options
    {
        public Option<string[]> Live { get; } = new("--live") { Description = "Check the deployed product too: a domain (DNS, SPF, DKIM, DMARC, CAA, DNSSEC) or a URL (TLS, HTTP headers); repeatable", Arity = ArgumentArity.ZeroOrMore };
        public Option<bool> Registry { get; } = new("--live-registry") { Description = "Also check the TLS of the hosts the registry found in code (only with --live)" };
        public Option<string?> Resolver { get; } = new("--resolver") { Description = "The DNS resolver for --live, IP[:PORT] (default: the machine's resolvers)" };
        public Option<double> Timeout { get; } = new("--live-timeout") { Description = "Seconds allowed for one DNS query, TLS handshake or HTTP request", DefaultValueFactory = _ => 5 };
        public Option<string[]> Health { get; } = new("--live-health") { Description = "A health endpoint path to check on every --live URL (the registry's health routes are checked too); repeatable", Arity = ArgumentArity.ZeroOrMore };
        public Option<string?> Trust { get; } = new("--live-trust") { Description = "A PEM file of root certificates trusted instead of the machine's (a private CA)" };
        public Option<int> HttpPort { get; } = new("--live-http-port") { Description = "The port of the plain-HTTP redirect check", DefaultValueFactory = _ => 80 };
        public Option<string[]> StatusPage { get; } = new("--live-status-page") { Description = "A status page URL that must answer (support.status_page); repeatable", Arity = ArgumentArity.ZeroOrMore };

        public IEnumerable<Option> All => [Live, Registry, Resolver, Timeout, Health, Trust, HttpPort, StatusPage];

        public LiveSettings Read(ParseResult parse) => new(parse.GetValue(Live) ?? [], parse.GetValue(Registry), parse.GetValue(Resolver), parse.GetValue(Timeout),
            parse.GetValue(Health) ?? [], parse.GetValue(Trust), parse.GetValue(HttpPort)) { StatusPages = parse.GetValue(StatusPage) ?? [] };
    }

    public bool Enabled => Targets.Count > 0 || StatusPages.Count > 0;

    /// <summary>The parsed targets and options, or the first problem with them.</summary>
    public (List<LiveTarget> Targets, LiveOptions Options)? Validate(out string? error)
    {
        error = null;
        var targets = new List<LiveTarget>();
        foreach (var text in Targets)
        {
            if (LiveTarget.Parse(text, out error) is not { } target) return null;
            targets.Add(target);
        }
        IPEndPoint? resolver = null;
        if (Resolver is { } r && !TryEndPoint(r, out resolver))
        {
            error = $"--resolver must be IP[:PORT]: {r}";
            return null;
        }
        if (TimeoutSeconds is <= 0 or > 120 || HttpPort is <= 0 or > 65535)
        {
            error = "--live-timeout must be between 0 and 120 seconds and --live-http-port a port number";
            return null;
        }
        var pages = new List<Uri>();
        foreach (var page in StatusPages)
        {
            if (!Uri.TryCreate(page, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            {
                error = $"--live-status-page must be an http(s) URL: {page}";
                return null;
            }
            pages.Add(url);
        }
        var roots = new X509Certificate2Collection();
        if (Trust is { } file)
        {
            try
            {
                roots.ImportFromPemFile(file);
            }
            catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException)
            {
                error = $"--live-trust: cannot read certificates from {file}: {e.Message}";
                return null;
            }
        }
        return (targets, new LiveOptions
        {
            Resolver = resolver, Timeout = TimeSpan.FromSeconds(TimeoutSeconds), TrustedRoots = roots, HttpPort = HttpPort, HealthPaths = Health, StatusPages = pages,
        });
    }

    private static bool TryEndPoint(string text, out IPEndPoint? endpoint)
    {
        if (IPEndPoint.TryParse(text, out endpoint))
        {
            if (endpoint.Port == 0) endpoint.Port = 53;
            return true;
        }
        return false;
    }

    /// <summary>
    /// What the registry adds: its email providers (for DKIM), its health routes, and with --live-registry the API hosts
    /// found in code and the TLS endpoints of its backend connections.
    /// </summary>
    public (List<LiveTarget> Targets, LiveOptions Options) WithRegistry(List<LiveTarget> targets, LiveOptions options, RegistryDocument registry)
    {
        var providers = registry.ExternalApis.Where(a => a.Category == "email").Select(a => a.Id).ToList();
        var health = registry.Audit?.Services.SelectMany(s => s.HealthEndpoints).Where(p => p.StartsWith('/') && !p.Contains('{', StringComparison.Ordinal)) ?? [];
        var all = new List<LiveTarget>(targets);
        if (Registry)
        {
            var used = registry.ExternalApis.Concat(registry.BackendConnections).Where(t => t.Status is Statuses.Core or Statuses.Optional).ToList();
            // Catalog hosts as their evidence names them; an unlisted host called from code is its entry's id.
            var hosts = used.SelectMany(t => t.Evidence).Where(e => e.Kind == "api_host").Select(e => HostPattern().Match(e.Detail)).Where(m => m.Success).Select(m => m.Value)
                .Concat(used.Where(t => t.Evidence.Any(e => e.Kind == "outbound_call")).Select(t => t.Id));
            foreach (var host in hosts.Select(h => h.ToLowerInvariant()).Distinct().Take(20))
            {
                if (LiveTarget.Parse("https://" + host + "/", out _) is { } target) all.Add(target with { TlsOnly = true });
            }
            // Backend connections reached over TLS from the first byte (rediss://, amqps://, ldaps://...): their certificate too.
            foreach (var (host, port) in registry.BackendConnections.Concat(registry.ExternalApis).Where(t => t.Status is Statuses.Core or Statuses.Optional)
                         .SelectMany(t => t.Evidence).Where(e => e.Kind == "connection_string").Select(e => TlsEndpoint(e.Detail)).OfType<(string, int)>().Distinct().Take(20))
            {
                if (LiveTarget.Parse($"https://{host}:{port}/", out _) is { } target) all.Add(target with { TlsOnly = true });
            }
        }
        return (all, options with { EmailProviders = providers, HealthPaths = [.. options.HealthPaths.Concat(health).Distinct(StringComparer.Ordinal).Take(5)] });
    }

    /// <summary>
    /// The host and port of a connection string whose scheme speaks TLS from the first byte, with the scheme's TLS
    /// port when none is given; null for plain or STARTTLS schemes and for hosts no deployment reaches (localhost,
    /// single names of a compose network, example domains, placeholders).
    /// </summary>
    internal static (string Host, int Port)? TlsEndpoint(string connection)
    {
        var colon = connection.IndexOf("://", StringComparison.Ordinal);
        if (colon <= 0) return null;
        int? port = connection[..colon].ToLowerInvariant() switch
        {
            "rediss" => 6380, "amqps" => 5671, "ldaps" => 636, "smtps" => 465, "mqtts" => 8883, "imaps" => 993, "pop3s" => 995, "natss" or "tls" => 4222, "https" or "wss" => 443,
            _ => null,
        };
        if (port is null || !Uri.TryCreate(connection.Replace("****", "x", StringComparison.Ordinal), UriKind.Absolute, out var uri)) return null;
        var host = uri.IdnHost.ToLowerInvariant();
        if (!host.Contains('.', StringComparison.Ordinal) || host.StartsWith("127.", StringComparison.Ordinal) || host.EndsWith(".local", StringComparison.Ordinal) || host.EndsWith(".internal", StringComparison.Ordinal)
            || host.EndsWith(".localhost", StringComparison.Ordinal) || host.EndsWith(".test", StringComparison.Ordinal) || host.Contains("example.", StringComparison.Ordinal) || !HostPattern().IsMatch(host))
            return null;
        return (host, uri.IsDefaultPort || uri.Port <= 0 ? port.Value : uri.Port);
    }

    [GeneratedRegex(@"\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b", RegexOptions.IgnoreCase)]
    private static partial Regex HostPattern();

    public static string Describe(IReadOnlyList<Scanner.Readiness.LiveResult> results) => string.Create(CultureInfo.InvariantCulture,
        $"live: {results.Count} results on {results.Select(r => r.Target).Distinct().Count()} targets, {results.Count(r => r.Status == "fail")} failed, {results.Count(r => r.Status == "warn")} warnings, {results.Count(r => r.Status == "error")} unreachable");
}
