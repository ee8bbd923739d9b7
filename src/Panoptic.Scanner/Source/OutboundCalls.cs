using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Source;

/// <summary>
/// HTTP calls from product code to hosts the catalog does not know: a project's own update check or telemetry, a
/// favicon service, a partner's API. A URL counts only when it is a string literal that an HTTP call takes —
/// <c>fetch("https://…")</c>, <c>Http::get('https://…')</c> — or a constant holding one that a call in the same file
/// takes (<c>http.Get(updateCheckURL)</c>), so links, documentation URLs and redirects are not connections. The
/// technology id is the host itself (catalog ids never hold a dot): each host is one external API.
/// </summary>
internal static class OutboundCalls
{
    /// <summary>The last name of a call that sends a request, lower-cased: <c>http.Get</c>, <c>axios.post</c>, <c>client.GetAsync</c>, <c>urlopen</c>.</summary>
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal)
    {
        "get", "post", "put", "patch", "delete", "head", "request", "fetch", "urlopen", "getasync", "postasync", "putasync", "patchasync", "deleteasync",
        "sendasync", "getstringasync", "getstreamasync", "getbytearrayasync", "getfromjsonasync", "postasjsonasync", "putasjsonasync", "newrequest",
        "newrequestwithcontext", "file_get_contents", "curl_init", "wp_remote_get", "wp_remote_post", "wp_remote_request", "axios", "got", "ky", "ofetch",
        "getforobject", "getforentity", "postforobject", "postforentity", "get_response", "downloadstring", "downloadstringtaskasync", "uploadstring",
    };

    /// <summary>Endings of names that are never a third party: documentation, local and reserved names.</summary>
    private static readonly string[] ReservedSuffixes =
    [
        ".example", ".local", ".localhost", ".test", ".invalid", ".internal", ".lan", ".home", ".svc", ".example.com", ".example.org", ".example.net",
    ];

    /// <summary>Reserved names, and hosts of standards whose URLs name a vocabulary or a schema rather than a service.</summary>
    private static readonly HashSet<string> ReservedHosts = new(StringComparer.Ordinal)
    {
        "localhost", "example.com", "example.org", "example.net", "host.docker.internal", "www.w3.org", "w3.org", "schema.org", "json-schema.org",
        "purl.org", "xmlns.com", "www.ietf.org", "ogp.me", "ns.adobe.com", "schemas.microsoft.com", "schemas.xmlsoap.org", "www.iana.org",
    };

    public static bool IsHostId(string id) => id.Contains('.', StringComparison.Ordinal);

    /// <summary>Adds an <see cref="SignalKind.OutboundCall"/> signal for each call to an unknown host in a product source file.</summary>
    public static void Find(ReadOnlySpan<char> text, SourceLanguage language, FileReport report)
    {
        // Ruby has no fetch that sends a request: ENV.fetch and Hash#fetch read values.
        var ruby = language == SourceLanguage.Ruby;
        // Most files hold no URL at all: they cost one search and nothing else.
        var first = text.IndexOf("://", StringComparison.Ordinal);
        if (first < 0) return;
        var known = report.Signals.Where(s => s.Kind is SignalKind.ApiHost or SignalKind.ConnectionString).Select(s => s.Line).ToHashSet();
        var lines = new LineCounter();
        List<(string Name, string Host, int Line)>? constants = null;
        for (var at = first; at >= 0; at = Next(text, at))
        {
            if (!Scheme(text, at, out var start)) continue;
            var host = Host(text, at + 3);
            if (host is null) continue;
            var line = lines.LineOf(text, start);
            if (known.Contains(line)) continue;
            var before = LineBefore(text, start - 1);
            if (CalledWith(before, ruby))
                report.Signals.Add(new Signal(host, SignalKind.OutboundCall, report.Path, line, host));
            else if (AssignedTo(before) is { } name)
                (constants ??= []).Add((name, host, line));
        }
        if (constants is null) return;
        // A name given two URLs in one file says nothing about which one a call takes.
        var once = constants.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() == 1).SelectMany(g => g);
        foreach (var (name, host, declared) in once)
        {
            if (CallWith(text, name, declared, ruby) is { } line) report.Signals.Add(new Signal(host, SignalKind.OutboundCall, report.Path, line, name));
        }
    }

    /// <summary>The text of the line before <paramref name="end"/>, at most 300 characters of it (a minified line is not read back to its start).</summary>
    private static ReadOnlySpan<char> LineBefore(ReadOnlySpan<char> text, int end)
    {
        var from = Math.Max(0, end - 300);
        return text[(from + text[from..end].LastIndexOf('\n') + 1)..end];
    }

    private static int Next(ReadOnlySpan<char> text, int at)
    {
        var next = text[(at + 3)..].IndexOf("://", StringComparison.Ordinal);
        return next < 0 ? -1 : at + 3 + next;
    }

    /// <summary>An http or https scheme opening a string literal: <paramref name="start"/> is where the URL begins.</summary>
    private static bool Scheme(ReadOnlySpan<char> text, int separator, out int start)
    {
        start = separator - 5;
        if (start >= 1 && text[start..separator].Equals("https", StringComparison.OrdinalIgnoreCase)) return IsQuote(text[start - 1]);
        start = separator - 4;
        return start >= 1 && text[start..separator].Equals("http", StringComparison.OrdinalIgnoreCase) && IsQuote(text[start - 1]);
    }

    private static bool IsQuote(char c) => c is '"' or '\'' or '`';

    /// <summary>The URL's host when it is a public DNS name written out in full (no template, no address, no reserved name); else null.</summary>
    internal static string? Host(ReadOnlySpan<char> text, int from)
    {
        var end = from;
        while (end < text.Length && end - from <= 253 && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '.' or '-')) end++;
        if (end == from || end - from > 253) return null;
        // A host that a template completes ("https://${region}.api…", "https://{{ host }}", "https://%s") is not one host.
        if (end < text.Length && text[end] is not ('/' or ':' or '"' or '\'' or '`' or '?' or '#')) return null;
        if (end < text.Length && text[end] == ':' && (end + 1 >= text.Length || !char.IsAsciiDigit(text[end + 1]))) return null;
        var host = text[from..end].ToString().ToLowerInvariant().TrimEnd('.');
        var labels = host.Split('.');
        if (labels.Length < 2 || labels.Any(l => l.Length == 0 || l.StartsWith('-') || l.EndsWith('-'))) return null;
        var tld = labels[^1];
        if (tld.Length < 2 || !tld.All(char.IsAsciiLetter)) return null;
        if (ReservedHosts.Contains(host) || ReservedSuffixes.Any(s => host.EndsWith(s, StringComparison.Ordinal))) return null;
        return host;
    }

    /// <summary>True when the text before a literal on its line leaves it inside the arguments of a request call.</summary>
    private static bool CalledWith(ReadOnlySpan<char> before, bool ruby)
    {
        var depth = 0;
        for (var i = before.Length - 1; i >= 0; i--)
        {
            var c = before[i];
            if (c == ')') depth++;
            else if (c == '(')
            {
                if (depth > 0)
                {
                    depth--;
                    continue;
                }
                var name = NameBefore(before[..i], out var qualifier);
                return Verbs.Contains(name) && !(name is "get" or "fetch" && Lookups.Contains(qualifier)) && !(name == "fetch" && ruby);
            }
            // Another statement ends the search: the call must open on the literal's line.
            else if (c is ';' or '{' or '}') return false;
        }
        return false;
    }

    /// <summary>Objects whose <c>get</c> or <c>fetch</c> reads a setting, not a URL: <c>ENV.fetch("X", "https://…")</c>, <c>os.environ.get(…)</c>.</summary>
    private static readonly HashSet<string> Lookups = new(StringComparer.Ordinal) { "env", "environ", "config", "settings", "params", "options", "process" };

    /// <summary>The identifier right before an opening parenthesis and the one it is called on, lower-cased ("" when none).</summary>
    private static string NameBefore(ReadOnlySpan<char> text, out string qualifier)
    {
        var end = text.Length;
        while (end > 0 && text[end - 1] == ' ') end--;
        var start = Identifier(text, end);
        var name = text[start..end].ToString().TrimStart('$').ToLowerInvariant();
        qualifier = "";
        var dot = start;
        if (dot > 0 && text[dot - 1] == '.') dot--;
        else if (dot > 1 && text[dot - 1] is '>' or ':' && text[dot - 2] is '-' or ':') dot -= 2;
        if (dot < start) qualifier = text[Identifier(text, dot)..dot].ToString().TrimStart('$').ToLowerInvariant();
        return name;
    }

    private static int Identifier(ReadOnlySpan<char> text, int end)
    {
        var start = end;
        while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '_' or '$')) start--;
        return start;
    }

    /// <summary>
    /// The name a literal is assigned to when the text before it on its line is an assignment or a constant's
    /// declaration (<c>const UPDATES_URL = </c>, <c>updateCheckURL = </c>, <c>URL: str = </c>, <c>define('NAME', </c>); else null.
    /// </summary>
    private static string? AssignedTo(ReadOnlySpan<char> before)
    {
        var text = before.TrimEnd();
        if (text.EndsWith(",") && text.TrimStart().StartsWith("define(", StringComparison.Ordinal))
        {
            var inner = text.TrimStart()["define(".Length..^1].Trim().Trim('\'').Trim('"');
            return IsName(inner) ? inner.ToString() : null;
        }
        if (text.EndsWith(":=")) text = text[..^2];
        else if (text.EndsWith("=") && !text.EndsWith("==") && !text.EndsWith("!=") && !text.EndsWith("=>")) text = text[..^1];
        else return null;
        text = text.TrimEnd();
        // A type written after the name (": string", ": str"): the name is before the colon.
        var colon = text.LastIndexOf(':');
        if (colon > 0 && IsName(text[(colon + 1)..].Trim())) text = text[..colon].TrimEnd();
        var start = text.Length;
        while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] == '_')) start--;
        var name = text[start..];
        return IsName(name) && NamesAUrl(name) ? name.ToString() : null;
    }

    /// <summary>
    /// A name that holds one URL for the whole file: a constant (<c>UPDATES_URL</c>) or a name saying it is an address
    /// (<c>updateCheckURL</c>, <c>apiEndpoint</c>). A plain <c>url</c> or <c>href</c> is reassigned too often to follow.
    /// </summary>
    private static bool NamesAUrl(ReadOnlySpan<char> name)
    {
        if (name.Length >= 3 && name.ContainsAny(Upper) && !name.ContainsAny(Lower)) return true;
        if (name.Length <= 5) return false;
        return name.Contains("url", StringComparison.OrdinalIgnoreCase) || name.Contains("uri", StringComparison.OrdinalIgnoreCase)
            || name.Contains("endpoint", StringComparison.OrdinalIgnoreCase) || name.Contains("host", StringComparison.OrdinalIgnoreCase);
    }

    private static readonly System.Buffers.SearchValues<char> Upper = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    private static readonly System.Buffers.SearchValues<char> Lower = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz");

    private static bool IsName(ReadOnlySpan<char> text) =>
        text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_') && !text.ContainsAnyExcept(NameChars);

    private static readonly System.Buffers.SearchValues<char> NameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    /// <summary>The first line, other than the declaration, where a request call takes <paramref name="name"/> as an argument.</summary>
    private static int? CallWith(ReadOnlySpan<char> text, string name, int declared, bool ruby)
    {
        var lines = new LineCounter();
        for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0;)
        {
            var end = at + name.Length;
            var bounded = (at == 0 || !(char.IsAsciiLetterOrDigit(text[at - 1]) || text[at - 1] == '_'))
                && (end >= text.Length || !(char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'));
            if (bounded)
            {
                var line = lines.LineOf(text, at);
                if (line != declared && CalledWith(LineBefore(text, at), ruby)) return line;
            }
            var next = text[end..].IndexOf(name, StringComparison.Ordinal);
            at = next < 0 ? -1 : end + next;
        }
        return null;
    }
}
