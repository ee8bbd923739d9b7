using System.Globalization;
using System.Net;
using System.Text;
using Panoptic.Scanner.Audit;
using Panoptic.Scanner.Readiness;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Reports;

/// <summary>
/// The registry as one self-contained HTML page: backend connections, external APIs, the readiness scorecard, a
/// topology map drawn as SVG, and the audit when it ran. No script and no fetches (a Content-Security-Policy forbids
/// them), so it works from disk, from a CI artifact or an email; everything expandable is a native &lt;details&gt;,
/// which keyboards and screen readers already know. Every piece of repository text is HTML-encoded.
/// </summary>
public static class HtmlReport
{
    public static string Write(RegistryDocument document)
    {
        var html = new StringBuilder(64 * 1024);
        var project = Encode(document.Project.Name);
        html.Append(CultureInfo.InvariantCulture, $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>Panoptic — {project}</title>
            <style>{Style}</style>
            </head>
            <body>
            <header>
            <h1>{project}</h1>
            <p class="meta">{document.Project.Files:N0} files · {document.Services.Count} services · scanned {document.Project.ScannedAt:yyyy-MM-dd HH:mm} UTC{(document.Project.Commit is { } commit ? $" · commit <code>{Encode(commit[..Math.Min(12, commit.Length)])}</code>" : "")}</p>
            <nav aria-label="Sections"><a href="#connections">Connections</a> <a href="#apis">External APIs</a> <a href="#readiness">Readiness</a> <a href="#topology">Topology</a>{(document.Audit is null ? "" : " <a href=\"#audit\">Audit</a>")}</nav>
            </header>
            <main>
            <section class="cards" aria-label="Summary">
            <div class="card"><span class="number" id="count-services">{document.Services.Count}</span> services</div>
            <div class="card"><span class="number" id="count-connections">{document.BackendConnections.Count}</span> backend connections</div>
            <div class="card"><span class="number" id="count-apis">{document.ExternalApis.Count}</span> external APIs</div>
            <div class="card"><span class="number" id="count-score">{(document.CommercialReadiness is { } r ? r.Score.ToString("0.#", CultureInfo.InvariantCulture) : "—")}</span> readiness score</div>
            </section>

            """);
        Technologies(html, "connections", "Backend connections", document.BackendConnections);
        Technologies(html, "apis", "External APIs", document.ExternalApis);
        Readiness(html, document.CommercialReadiness);
        Topology(html, document);
        if (document.Audit is { } audit) Audit(html, audit);
        html.Append("</main>\n<footer><p>Written by Panoptic. Evidence paths are relative to the repository root.</p></footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private const int EvidenceShown = 3;

    private static void Technologies(StringBuilder html, string id, string title, IReadOnlyList<TechnologyEntry> entries)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"{id}\" aria-labelledby=\"h-{id}\">\n<h2 id=\"h-{id}\">{title} <span class=\"count\">{entries.Count}</span></h2>\n");
        if (entries.Count == 0) html.Append("<p class=\"empty\">None found.</p>\n");
        foreach (var group in entries.GroupBy(e => e.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>{Encode(Label(group.Key))} <span class=\"count\">{group.Count()}</span></h3>\n<ul class=\"entries\">\n");
            foreach (var entry in group)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li><details data-id=\"{Encode(entry.Id)}\"><summary><strong>{Encode(entry.Name)}</strong> <span class=\"badge {Encode(entry.Status)}\">{Encode(entry.Status)}</span>");
                html.Append(CultureInfo.InvariantCulture, $" <span class=\"users\">{Users(entry.UsedBy)}</span></summary>\n<div class=\"body\">");
                if (entry.Provider is { } provider) html.Append(CultureInfo.InvariantCulture, $"<p>Provider: {Encode(provider)}</p>");
                if (entry.ModelsSeen is { Count: > 0 } models) html.Append(CultureInfo.InvariantCulture, $"<p class=\"models\">Models seen: {string.Join(", ", models.Select(m => $"<code>{Encode(m)}</code>"))}</p>");
                if (entry.Budget is { } budget) html.Append(CultureInfo.InvariantCulture, $"<p class=\"budget\">Budget: {budget.Monthly.ToString("0.##", CultureInfo.InvariantCulture)} {Encode(budget.Currency)} a month</p>");
                if (entry.EnvVars.Count > 0) html.Append(CultureInfo.InvariantCulture, $"<p>Environment: {string.Join(", ", entry.EnvVars.Select(v => $"<code>{Encode(v)}</code>"))}</p>");
                if (entry.StatusReason is { } reason) html.Append(CultureInfo.InvariantCulture, $"<p class=\"reason\">{Encode(reason)}</p>");
                html.Append(CultureInfo.InvariantCulture, $"<p>Confidence {entry.Confidence.ToString("0.00", CultureInfo.InvariantCulture)}, {entry.EvidenceTotal} pieces of evidence, strongest first:</p>");
                Evidence(html, [.. entry.Evidence.Take(EvidenceShown)]);
                if (entry.Evidence.Count > EvidenceShown)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<details class=\"more\"><summary>{entry.EvidenceTotal - EvidenceShown} more</summary>");
                    Evidence(html, [.. entry.Evidence.Skip(EvidenceShown)]);
                    html.Append("</details>");
                }
                html.Append("</div></details></li>\n");
            }
            html.Append("</ul>\n");
        }
        html.Append("</section>\n\n");
    }

    private static void Readiness(StringBuilder html, ReadinessSection? readiness)
    {
        html.Append("<section id=\"readiness\" aria-labelledby=\"h-readiness\">\n<h2 id=\"h-readiness\">Commercial readiness</h2>\n");
        if (readiness is null)
        {
            html.Append("<p class=\"empty\">Not evaluated in this run: <code>panoptic check --format html</code> writes this page with the scorecard.</p>\n</section>\n\n");
            return;
        }
        var verdict = Verdicts.Title(readiness.Verdict);
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"verdict {Encode(readiness.Verdict)}\" id=\"verdict\">{verdict}</p>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>Score <strong id=\"score\">{readiness.Score:0.#}</strong> / 100 · coverage <strong id=\"coverage\">{readiness.Coverage:0.#} %</strong> · {Encode(readiness.Profile)} profile · <strong>{readiness.Blocking.Count}</strong> blocking items</p>\n");
        html.Append("<ul class=\"bars\">\n");
        foreach (var category in readiness.Categories)
        {
            var score = category.Score ?? 0;
            var text = category.Score is { } s ? $"{s:0.#}" : "—";
            html.Append(CultureInfo.InvariantCulture, $"<li><span class=\"bar-label\">{Encode(category.Title)}</span><span class=\"bar\" role=\"img\" aria-label=\"{Encode(category.Title)}: {text}\"><span style=\"width:{score.ToString("0.#", CultureInfo.InvariantCulture)}%\"></span></span><span class=\"bar-value\">{text}</span></li>\n");
        }
        html.Append("</ul>\n<h3>Checks, blocking gaps first</h3>\n<ul class=\"checks\">\n");
        static int Rank(CheckResult c) => c.Status switch { "fail" => c.Blocking ? 0 : 2, "partial" => 3, "needs_manual_confirmation" => c.Blocking ? 1 : 4, "pass" => 5, _ => 6 };
        foreach (var check in readiness.Checks.OrderBy(Rank).ThenBy(c => c.Id, StringComparer.Ordinal))
        {
            var status = check.Status switch { "needs_manual_confirmation" => "confirm", "not_applicable" => "n/a", var s => s };
            html.Append(CultureInfo.InvariantCulture, $"<li><details data-check=\"{Encode(check.Id)}\"><summary><span class=\"badge {Encode(check.Status)}\">{Encode(status)}</span>{(check.Blocking ? " <span class=\"badge blocking\">blocking</span>" : "")} {Encode(check.Title)} <code>{Encode(check.Id)}</code></summary>\n<div class=\"body\">");
            if (check.Reason is { } reason) html.Append(CultureInfo.InvariantCulture, $"<p>{Encode(reason)}</p>");
            if (check.Waived is { } waived) html.Append(CultureInfo.InvariantCulture, $"<p>Waived: {Encode(waived)}</p>");
            if (check.ManualCheck is { } manual) html.Append(CultureInfo.InvariantCulture, $"<p>To confirm by hand: {Encode(manual)}</p>");
            if (check.Evidence.Count > 0) Evidence(html, check.Evidence);
            else if (check.LookedFor is { Count: > 0 } looked)
                html.Append(CultureInfo.InvariantCulture, $"<p>Looked for:</p><ul class=\"looked\">{string.Concat(looked.Select(l => $"<li><code>{Encode(l)}</code></li>"))}</ul>");
            html.Append("</div></details></li>\n");
        }
        html.Append("</ul>\n");
        if (readiness.Live is { Count: > 0 } live)
        {
            html.Append("<h3 id=\"live\">Live checks of the deployed product</h3>\n<div class=\"table\"><table><thead><tr><th scope=\"col\">status</th><th scope=\"col\">check</th><th scope=\"col\">target</th><th scope=\"col\">result</th><th scope=\"col\">answers</th></tr></thead><tbody>\n");
            foreach (var r in live.OrderBy(r => LiveReadiness.Rank(r.Status)).ThenBy(r => r.Target, StringComparer.Ordinal).ThenBy(r => r.Check, StringComparer.Ordinal))
                html.Append(CultureInfo.InvariantCulture, $"<tr data-live=\"{Encode(r.Check)}\"><td><span class=\"badge {Encode(r.Status)}\">{Encode(r.Status)}</span></td><td><code>{Encode(r.Check)}</code></td><td>{Encode(r.Target)}</td><td>{Encode(r.Message)} <span class=\"kind\">{r.CheckedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC</span></td><td>{(r.Readiness is { } id ? $"<code>{Encode(id)}</code>" : "")}</td></tr>\n");
            html.Append("</tbody></table></div>\n");
        }
        html.Append("</section>\n\n");
    }

    /// <summary>Services on the left, what they use on the right, a line for every use; names in full on hover.</summary>
    private static void Topology(StringBuilder html, RegistryDocument document)
    {
        const int row = 22, left = 10, right = 560, width = 900;
        var targets = document.BackendConnections.Select(c => (c.Id, c.Name, c.UsedBy, Kind: "connection"))
            .Concat(document.ExternalApis.Select(a => (a.Id, a.Name, a.UsedBy, Kind: "api"))).ToList();
        var services = document.Services.Select(s => s.Id).ToList();
        var height = (Math.Max(Math.Max(services.Count, targets.Count), 1) * row) + 30;
        var serviceY = services.Select((s, i) => (s, y: 30 + (i * row))).ToDictionary(x => x.s, x => x.y, StringComparer.Ordinal);
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"topology\" aria-labelledby=\"h-topology\">\n<h2 id=\"h-topology\">Topology</h2>\n<p>Each service and the connections and external APIs it uses.</p>\n<div class=\"map\"><svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"img\" aria-labelledby=\"topology-title\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"topology-title\">Services and what they use: {services.Count} services, {targets.Count} connections and external APIs</title>\n");
        html.Append("<text x=\"10\" y=\"14\" class=\"head\">services</text><text x=\"560\" y=\"14\" class=\"head\">connections and external APIs</text>\n<g class=\"edges\">");
        for (var i = 0; i < targets.Count; i++)
        {
            var y = 30 + (i * row);
            foreach (var user in targets[i].UsedBy)
            {
                if (serviceY.TryGetValue(user, out var from))
                    html.Append(CultureInfo.InvariantCulture, $"<path class=\"{targets[i].Kind}\" d=\"M{left + 220},{from - 4} C{left + 360},{from - 4} {right - 140},{y - 4} {right - 6},{y - 4}\"/>");
            }
        }
        html.Append("</g>\n");
        foreach (var (service, y) in serviceY)
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{y}\" class=\"service\"><title>{Encode(service)}</title>{Encode(Shorten(service))}</text>");
        for (var i = 0; i < targets.Count; i++)
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{right}\" y=\"{30 + (i * row)}\" class=\"{targets[i].Kind}\"><title>{Encode(targets[i].Name)} ({targets[i].UsedBy.Count} services)</title>{Encode(Shorten(targets[i].Name))}</text>");
        html.Append("</svg></div>\n</section>\n\n");
    }

    private static void Audit(StringBuilder html, AuditSection audit)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"audit\" aria-labelledby=\"h-audit\">\n<h2 id=\"h-audit\">Architecture audit <span class=\"count\">{audit.Findings.Count}</span></h2>\n");
        if (audit.Findings.Count == 0)
        {
            html.Append("<p class=\"empty\">No findings.</p>\n</section>\n");
            return;
        }
        html.Append("<div class=\"table\"><table><thead><tr><th scope=\"col\">severity</th><th scope=\"col\">rule</th><th scope=\"col\">finding</th><th scope=\"col\">where</th></tr></thead><tbody>\n");
        foreach (var finding in audit.Findings.OrderBy(f => f.Severity switch { "error" => 0, "warning" => 1, _ => 2 }).ThenBy(f => f.Rule, StringComparer.Ordinal))
        {
            var where = finding.Locations.Count > 0 ? $"<code>{Encode(finding.Locations[0].File)}:{finding.Locations[0].Line}</code>" : "";
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><span class=\"badge {Encode(finding.Severity)}\">{Encode(finding.Severity)}</span></td><td><code>{Encode(finding.Rule)}</code></td><td>{Encode(finding.Message)}</td><td>{where}</td></tr>\n");
        }
        html.Append("</tbody></table></div>\n</section>\n\n");
    }

    private static void Evidence(StringBuilder html, IReadOnlyList<EvidenceEntry> evidence)
    {
        html.Append("<ul class=\"evidence\">");
        foreach (var e in evidence)
            html.Append(e.Kind == "live"
                ? $"<li><span class=\"kind\">live</span> {Encode(e.Detail)}</li>"
                : string.Create(CultureInfo.InvariantCulture, $"<li><code>{Encode(e.File)}:{e.Line}</code> <span class=\"kind\">{Encode(e.Kind)}</span> {Encode(e.Detail)}</li>"));
        html.Append("</ul>");
    }

    private static string Users(IReadOnlyList<string> usedBy) => usedBy.Count switch
    {
        0 => "no service",
        <= 4 => "used by " + Encode(string.Join(", ", usedBy)),
        _ => $"used by {Encode(string.Join(", ", usedBy.Take(3)))} and {usedBy.Count - 3} more",
    };

    private static string Label(string category) => category switch
    {
        "" => "Other",
        "llm" => "LLM",
        "media_cdn" => "Media and CDN",
        "ci_cd" => "CI/CD",
        _ => char.ToUpperInvariant(category[0]) + category[1..].Replace('_', ' '),
    };

    private static string Shorten(string text) => text.Length <= 32 ? text : text[..31] + "…";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        :root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0a5bd3; --bad: #b3261e; --ok: #1a7f37; --warn: #8a5300; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
        header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 16px; }
        h1 { margin: 24px 0 4px; font-size: 1.8rem; word-break: break-word; }
        h2 { margin-top: 40px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        .meta, .empty, footer { color: var(--muted); }
        nav a { margin-right: 12px; color: var(--accent); }
        a:focus-visible, summary:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-top: 20px; }
        .card { border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
        .number { display: block; font-size: 2rem; font-weight: 700; }
        .count { color: var(--muted); font-weight: 400; font-size: 0.9em; }
        ul.entries, ul.checks { list-style: none; padding: 0; margin: 0; }
        ul.entries > li, ul.checks > li { border-bottom: 1px solid var(--line); padding: 6px 0; }
        summary { cursor: pointer; word-break: break-word; }
        .body { padding: 4px 0 8px 20px; }
        .users, .kind { color: var(--muted); }
        code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, monospace; background: #f3f4f6; padding: 0 3px; border-radius: 3px; word-break: break-all; }
        .badge { display: inline-block; font-size: 0.8rem; border-radius: 10px; padding: 0 8px; border: 1px solid currentColor; }
        .badge.fail, .badge.error, .badge.blocking { color: var(--bad); }
        .badge.pass, .badge.core { color: var(--ok); }
        .badge.partial, .badge.warning, .badge.warn, .badge.needs_manual_confirmation { color: var(--warn); }
        .verdict { font-size: 1.4rem; font-weight: 700; }
        .verdict.not_ready_to_sell { color: var(--bad); }
        .verdict.ready_to_sell { color: var(--ok); }
        .verdict.ready_pending_confirmation { color: var(--warn); }
        ul.bars { list-style: none; padding: 0; }
        ul.bars li { display: grid; grid-template-columns: minmax(120px, 260px) 1fr 48px; gap: 8px; align-items: center; margin: 4px 0; }
        .bar { height: 12px; background: #eaeef2; border-radius: 6px; overflow: hidden; }
        .bar span { display: block; height: 100%; background: var(--accent); }
        .bar-value { text-align: right; font-variant-numeric: tabular-nums; }
        .map { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
        svg { display: block; max-width: 100%; height: auto; font-size: 13px; }
        svg text.head { font-weight: 700; fill: var(--muted); }
        svg text.service { fill: var(--ink); }
        svg text.connection { fill: #0b5e2a; }
        svg text.api { fill: #6a2bb3; }
        svg path { fill: none; stroke-width: 1; stroke-opacity: 0.45; }
        svg path.connection { stroke: #1a7f37; }
        svg path.api { stroke: #8250df; }
        .table { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 6px 8px; }
        @media (max-width: 600px) { ul.bars li { grid-template-columns: 1fr 48px; } .bar { grid-column: 1 / -1; grid-row: 2; } h1 { font-size: 1.4rem; } }
        """;
}
