using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Panoptic.Scanner.Readiness;

namespace Panoptic.Live;

/// <summary>
/// HTTP of a URL: the plain-HTTP redirect, HSTS, the security headers, security.txt, robots.txt and a sitemap, and the
/// health endpoints the registry or the user names. Certificates are judged by <see cref="TlsChecks"/>, not here.
/// </summary>
internal sealed partial class HttpChecks(HttpClient http, LiveOptions options)
{
    public const long HstsMinimum = 15_552_000;
    private const int MaxBody = 64 * 1024;

    public async Task<List<LiveResult>> RunAsync(LiveTarget target, CancellationToken cancellationToken)
    {
        var url = target.Url!;
        var now = options.Time.GetUtcNow();
        var results = new List<LiveResult>();
        void Add(string check, string status, string message, string? readiness) =>
            results.Add(new LiveResult { Check = check, Target = target.Text, Status = status, Message = message, CheckedAt = now, Readiness = readiness });

        // Every request is independent: they run at once, and their results are added in a fixed order.
        var plain = new UriBuilder(url) { Scheme = "http", Port = options.HttpPort }.Uri;
        var redirectTask = GetAsync(plain, cancellationToken);
        var pageTask = GetAsync(url, cancellationToken);
        var securityTxtTask = TextAsync(new Uri(url, "/.well-known/security.txt"), cancellationToken);
        var robotsTask = TextAsync(new Uri(url, "/robots.txt"), cancellationToken);
        var sitemapTask = TextAsync(new Uri(url, "/sitemap.xml"), cancellationToken);
        var healthTasks = options.HealthPaths.Distinct(StringComparer.Ordinal).Select(path => (path, Task: GetAsync(new Uri(url, path), cancellationToken))).ToList();

        var (redirect, redirectError) = await redirectTask;
        using (redirect)
        {
            if (redirect is null) Add("http.redirect", "warn", $"nothing answers at {plain.GetLeftPart(UriPartial.Authority)}: {redirectError}", "security.tls_and_hsts");
            else if ((int)redirect.StatusCode is >= 300 and < 400 && redirect.Headers.Location is { } location
                     && (location.IsAbsoluteUri ? location : new Uri(plain, location)).Scheme == "https")
                Add("http.redirect", "pass", string.Create(CultureInfo.InvariantCulture, $"http:// answers {(int)redirect.StatusCode} to {location}"), "security.tls_and_hsts");
            else Add("http.redirect", "fail", string.Create(CultureInfo.InvariantCulture, $"http:// answers {(int)redirect.StatusCode} without redirecting to https"), "security.tls_and_hsts");
        }

        var (page, error) = await pageTask;
        var (securityTxt, _) = await securityTxtTask;
        var (robots, _) = await robotsTask;
        var (sitemapXml, _) = await sitemapTask;
        var health = new List<(string Path, HttpResponseMessage? Response, string? Error)>();
        foreach (var (path, task) in healthTasks)
        {
            var (response, healthError) = await task;
            health.Add((path, response, healthError));
        }
        if (page is null)
        {
            foreach (var (_, response, _) in health) response?.Dispose();
            Add("http.fetch", "error", $"GET {url} failed: {error}", "security.security_headers");
            return results;
        }
        using (page)
        {
            Hsts(page.Headers, Add);
            Headers(page, Add);
        }

        // Only a found security.txt answers the disclosure check: a SECURITY.md in the repository answers it too.
        if (securityTxt is not null && ContactPattern().IsMatch(securityTxt)) Add("http.security_txt", "pass", "/.well-known/security.txt has a Contact", "security.vulnerability_disclosure_policy");
        else Add("http.security_txt", "warn", securityTxt is null ? "no /.well-known/security.txt" : "/.well-known/security.txt has no Contact: line", null);
        Add("http.robots", robots is null ? "warn" : "pass", robots is null ? "no /robots.txt" : "/robots.txt present", null);
        var sitemap = robots is not null && SitemapPattern().IsMatch(robots) || sitemapXml is not null;
        Add("http.sitemap", sitemap ? "pass" : "warn", sitemap ? "sitemap found" : "no sitemap (robots.txt Sitemap: line or /sitemap.xml)", null);

        foreach (var (path, response, healthError) in health)
        {
            using (response)
            {
                if (response is null) Add("http.health", "fail", $"health endpoint {path} unreachable: {healthError}", "observability.health_endpoints");
                else Add("http.health", response.IsSuccessStatusCode ? "pass" : "fail", string.Create(CultureInfo.InvariantCulture, $"health endpoint {path} answers {(int)response.StatusCode}"),
                    "observability.health_endpoints");
            }
        }
        return results;
    }

    /// <summary>A status page the user names: reachable (2xx, redirects not followed) or not.</summary>
    public async Task<List<LiveResult>> StatusPageAsync(Uri page, CancellationToken cancellationToken)
    {
        var (response, error) = await GetAsync(page, cancellationToken);
        using (response)
        {
            var ok = response is { IsSuccessStatusCode: true };
            var message = response is null ? $"status page unreachable: {error}" : string.Create(CultureInfo.InvariantCulture, $"status page answers {(int)response.StatusCode}");
            return [new LiveResult { Check = "http.status_page", Target = page.ToString(), Status = ok ? "pass" : "fail", Message = message, CheckedAt = options.Time.GetUtcNow(), Readiness = "support.status_page" }];
        }
    }

    private static void Hsts(HttpResponseHeaders headers, Action<string, string, string, string?> add)
    {
        if (!headers.TryGetValues("Strict-Transport-Security", out var values))
        {
            add("http.hsts", "fail", "no Strict-Transport-Security header", "security.tls_and_hsts");
            return;
        }
        var value = values.First();
        var maxAge = MaxAgePattern().Match(value) is { Success: true } m && long.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var age) ? age : -1;
        var subdomains = value.Contains("includeSubDomains", StringComparison.OrdinalIgnoreCase);
        if (maxAge < HstsMinimum) add("http.hsts", "fail", string.Create(CultureInfo.InvariantCulture, $"HSTS max-age={maxAge} is under {HstsMinimum} (6 months)"), "security.tls_and_hsts");
        else if (!subdomains) add("http.hsts", "warn", string.Create(CultureInfo.InvariantCulture, $"HSTS max-age={maxAge} without includeSubDomains"), "security.tls_and_hsts");
        else add("http.hsts", "pass", string.Create(CultureInfo.InvariantCulture, $"HSTS max-age={maxAge}; includeSubDomains"), "security.tls_and_hsts");
    }

    private static void Headers(HttpResponseMessage page, Action<string, string, string, string?> add)
    {
        const string readiness = "security.security_headers";
        string? Header(string name) => page.Headers.TryGetValues(name, out var v) ? string.Join(", ", v) : page.Content.Headers.TryGetValues(name, out var c) ? string.Join(", ", c) : null;
        var csp = Header("Content-Security-Policy");
        add("http.csp", csp is null ? "warn" : "pass", csp is null ? "no Content-Security-Policy" : "Content-Security-Policy set", readiness);
        var nosniff = Header("X-Content-Type-Options");
        add("http.content_type_options", string.Equals(nosniff, "nosniff", StringComparison.OrdinalIgnoreCase) ? "pass" : "fail",
            nosniff is null ? "no X-Content-Type-Options" : $"X-Content-Type-Options: {nosniff}", readiness);
        var frame = Header("X-Frame-Options");
        var ancestors = csp?.Contains("frame-ancestors", StringComparison.OrdinalIgnoreCase) == true;
        add("http.frame_protection", frame is not null || ancestors ? "pass" : "fail",
            ancestors ? "CSP frame-ancestors set" : frame is not null ? $"X-Frame-Options: {frame}" : "no X-Frame-Options or CSP frame-ancestors (clickjacking)", readiness);
        var referrer = Header("Referrer-Policy");
        add("http.referrer_policy", referrer is null ? "warn" : "pass", referrer is null ? "no Referrer-Policy" : $"Referrer-Policy: {referrer}", readiness);
    }

    private async Task<(HttpResponseMessage? Response, string? Error)> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            return (await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"timeout after {options.Timeout.TotalSeconds:0.#} s"));
        }
        catch (HttpRequestException e)
        {
            return (null, e.InnerException is SocketException { SocketErrorCode: SocketError.HostNotFound } ? $"host not found: {url.IdnHost} (system resolver)" : e.Message);
        }
    }

    /// <summary>The body of a 200 text answer (at most 64 KiB), or null.</summary>
    private async Task<(string? Text, string? Error)> TextAsync(Uri url, CancellationToken cancellationToken)
    {
        var (response, error) = await GetAsync(url, cancellationToken);
        using (response)
        {
            if (response is not { StatusCode: HttpStatusCode.OK }) return (null, error);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxBody];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0) read += n;
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
            // An HTML page served for every path (a single-page app's fallback) is not a text file.
            return text.TrimStart().StartsWith('<') ? (null, "an HTML page") : (text, null);
        }
    }

    [GeneratedRegex(@"max-age\s*=\s*""?(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex MaxAgePattern();

    [GeneratedRegex(@"^\s*Contact\s*:", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex ContactPattern();

    [GeneratedRegex(@"^\s*Sitemap\s*:", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex SitemapPattern();
}
