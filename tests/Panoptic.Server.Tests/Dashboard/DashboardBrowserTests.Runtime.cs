using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Panoptic.Server.Graph;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests.Dashboard;

/// <summary>The pages fed by traces and the registry together: the service graph and the connections.</summary>
public sealed partial class DashboardBrowserTests
{
    /// <summary>One span in OTLP/JSON, started three minutes ago on the server's clock.</summary>
    private string Span(string trace, string id, string parent, int kind, double ms, int status = 0, params (string Key, string Value)[] attributes)
    {
        var start = (ulong)_server.Time.GetUtcNow().AddMinutes(-3).ToUnixTimeMilliseconds() * 1_000_000;
        var tags = string.Join(", ", attributes.Select(a => $$$"""{"key": "{{{a.Key}}}", "value": {"stringValue": "{{{a.Value}}}"}}"""));
        return $$$"""{"traceId": "{{{trace}}}", "spanId": "{{{id}}}", "parentSpanId": "{{{parent}}}", "name": "op", "kind": {{{kind}}}, "startTimeUnixNano": "{{{start}}}", "endTimeUnixNano": "{{{start + (ulong)(ms * 1_000_000)}}}", "status": {"code": {{{status}}} }, "attributes": [{{{tags}}}] }""";
    }

    /// <summary>Sends one service's spans to /v1/traces and folds every trace into the graph at once.</summary>
    private static async Task ExportAsync(HttpClient key, string service, params string[] spans)
    {
        var body = $$$"""{"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "{{{service}}}"}}]}, "scopeSpans": [{"spans": [{{{string.Join(", ", spans)}}}]}]}]}""";
        (await key.PostAsync("/v1/traces", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private Task FlushGraphAsync() => _server.Services.GetRequiredService<GraphFlushService>().FlushAsync(everything: true, CancellationToken.None);

    [Fact]
    public async Task TheServiceGraph_DrawsTheCalls_AndANodeOpensItsFigures()
    {
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        using var key = _server.Client(alice.Key);
        var (a, b) = (new string('a', 32), new string('b', 32));
        await ExportAsync(key, "api", Span(a, "00000000000000a2", "00000000000000a1", 2, 3), Span(b, "00000000000000b2", "00000000000000b1", 2, 5, status: 2));
        await ExportAsync(key, "web", Span(a, "00000000000000a1", "", 3, 6), Span(b, "00000000000000b1", "", 3, 10));
        await FlushGraphAsync();

        await using var browser = await Chromium.LaunchAsync();
        var (tab, problems) = await SignedInAsync(browser, alice.Token);
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/graph");

        (await tab.Locator("svg.graph .node").CountAsync()).ShouldBe(2);
        (await tab.Locator("svg.graph .edge").CountAsync()).ShouldBe(1);
        (await tab.Locator("svg.graph .edge.bad").CountAsync()).ShouldBe(1, "one of the two calls failed");
        var edge = tab.Locator("#edges tbody tr");
        (await edge.Locator("td").AllTextContentsAsync()).Take(3).ShouldBe(["web", "api", "2"]);
        await tab.Locator("svg.graph a[aria-label='api: service']").ClickAsync();
        (await tab.TextContentAsync("#node-details h2")).ShouldBe("api");
        (await tab.TextContentAsync("#node-details p"))!.ShouldContain("2 requests in (1 failed)");
        (await tab.Locator("#node-details p").Nth(1).TextContentAsync()).ShouldBe("Called by web.");
        (await tab.Locator("header nav a[aria-current=page]").AllTextContentsAsync()).ShouldBe(["Graph"]);

        // Left open on a screen, the page reloads itself once a minute when asked to, keeping what it shows.
        (await tab.Locator("meta[http-equiv=refresh]").CountAsync()).ShouldBe(0);
        await tab.ClickAsync("#auto-refresh");
        tab.Url.ShouldContain("refresh=60");
        tab.Url.ShouldContain("node=api");
        (await tab.GetAttributeAsync("meta[http-equiv=refresh]", "content")).ShouldBe("60");
        (await tab.TextContentAsync("#node-details h2")).ShouldBe("api");
        await tab.ClickAsync("#auto-refresh");
        tab.Url.ShouldNotContain("refresh=");
        (await tab.Locator("meta[http-equiv=refresh]").CountAsync()).ShouldBe(0);
        await tab.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "dashboard-graph.png"), FullPage = true });
        await KeyboardReachesEveryControlAsync(tab);
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Connections_ShowWhoUsesThemWithTheScansEvidence_AndFlagUndeclaredAndIdleOnes()
    {
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        using var repo = new TempRepository("dashboard-connections")
            .With("api/requirements.txt", "fastapi==0.110\npsycopg2==2.9.9\nstripe==8.0.0\n")
            .With("api/main.py", "import os, psycopg2, stripe\nfrom fastapi import FastAPI\ndb = psycopg2.connect(os.environ['DATABASE_URL'])\nstripe.api_key = os.environ['STRIPE_SECRET_KEY']\napp = FastAPI()\n");
        using var key = _server.Client(alice.Key);
        var registry = await PushScanAsync(key, repo);
        using var document = JsonDocument.Parse(registry);
        var postgres = document.RootElement.GetProperty("backend_connections").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "postgresql");
        var firstEvidence = postgres.GetProperty("evidence")[0];

        // The api calls PostgreSQL three times and a MongoDB the scan never saw; nothing calls Stripe.
        var trace = new string('c', 32);
        (string, string) Db(string system) => ("db.system", system);
        await ExportAsync(key, "api",
            Span(trace, "00000000000000c1", "", 2, 20),
            Span(trace, "00000000000000c2", "00000000000000c1", 3, 2, attributes: Db("postgresql")),
            Span(trace, "00000000000000c3", "00000000000000c1", 3, 2, attributes: Db("postgresql")),
            Span(trace, "00000000000000c4", "00000000000000c1", 3, 4, status: 2, attributes: Db("postgresql")),
            Span(trace, "00000000000000c5", "00000000000000c1", 3, 1, attributes: Db("mongodb")));
        await FlushGraphAsync();
        await using var browser = await Chromium.LaunchAsync();
        var (tab, problems) = await SignedInAsync(browser, alice.Token);
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/connections");

        // PostgreSQL gets a probe from the page (a target that is not host:port first, refused with the reason); a real listener answers its one check.
        using var session = _server.Client(alice.Token, alice.WorkspaceId);
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            (await tab.GetAttributeAsync("details.manage", "open")).ShouldNotBeNull("nothing is probed yet: the form is open");
            (await tab.Locator("#unprobed option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)")).ShouldContain("postgresql");
            await tab.FillAsync("#probe-name", "postgresql");
            await tab.SelectOptionAsync("#probe-kind", "tcp");
            await tab.FillAsync("#probe-target", "not a host and port");
            await tab.ClickAsync("form[aria-label='New probe'] button[type=submit]");
            (await tab.TextContentAsync("[role=alert]"))!.ShouldContain("target: a tcp target is host:port");
            problems.ShouldBe(["console error: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
            problems.Clear();
            await tab.FillAsync("#probe-name", "postgresql");
            await tab.SelectOptionAsync("#probe-kind", "tcp");
            await tab.FillAsync("#probe-target", listener.LocalEndpoint.ToString()!);
            await tab.ClickAsync("form[aria-label='New probe'] button[type=submit]");
            (await tab.TextContentAsync("[role=status]")).ShouldBe("Probing postgresql: the first check runs now.");
            (await _server.Services.GetRequiredService<Panoptic.Server.Probes.ProbeRunner>().RunDueAsync(CancellationToken.None)).ShouldBe(1);
        }
        finally
        {
            listener.Stop();
        }
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/connections");

        var row = tab.Locator("tr[data-connection='postgresql']");
        (await row.Locator(".used-by").TextContentAsync()).ShouldBe(string.Join(", ", postgres.GetProperty("used_by").EnumerateArray().Select(u => u.GetString()).Union(["api"])));
        (await row.Locator(".calls").TextContentAsync()).ShouldBe("3");
        (await row.Locator(".flag").CountAsync()).ShouldBe(0);
        (await row.Locator(".status").TextContentAsync()).ShouldBe("up");
        (await row.Locator(".availability").TextContentAsync()).ShouldBe("100 % · 100 % · 100 %");
        (await row.Locator(".slo .objective").TextContentAsync()).ShouldBe("99.9 %, p95 ≤ 250 ms");
        (await row.Locator(".budget").TextContentAsync()).ShouldBe("100 % left");
        (await row.Locator(".latency").TextContentAsync())!.ShouldNotContain("traces", Case.Sensitive, "a probed connection's latency is the probe's");
        await row.Locator("details.evidence summary").ClickAsync();
        (await row.Locator("details.evidence").TextContentAsync())!.ShouldContain($"{firstEvidence.GetProperty("file").GetString()}:{firstEvidence.GetProperty("line").GetInt32()}");
        (await row.Locator("details.evidence summary").TextContentAsync()).ShouldBe($"{postgres.GetProperty("evidence_total").GetInt32()} places");

        var stripe = tab.Locator("tr[data-connection='stripe']");
        (await stripe.Locator(".flag.idle").TextContentAsync()).ShouldBe("idle");
        (await stripe.Locator(".calls").TextContentAsync()).ShouldBe("0");
        var mongo = tab.Locator("tr[data-connection='mongodb']");
        (await mongo.Locator(".flag.undeclared").TextContentAsync()).ShouldBe("not in the registry");
        (await mongo.Locator(".used-by").TextContentAsync()).ShouldBe("api");
        (await mongo.Locator(".calls").TextContentAsync()).ShouldBe("1");
        (await mongo.Locator(".slo .objective").TextContentAsync()).ShouldBe("99.9 %, p95 ≤ 250 ms", "a database's objectives, though the registry does not know it");
        (await mongo.Locator(".latency").TextContentAsync())!.ShouldEndWith("(traces)", Case.Sensitive, "nothing probes it: its latency is what its caller measured");
        await tab.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "dashboard-connections-traffic.png"), FullPage = true });
        await KeyboardReachesEveryControlAsync(tab);

        // The graph's PostgreSQL node opens its registry entry, evidence included.
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/graph?window=24h");
        await tab.Locator("svg.graph a[aria-label='postgresql: database']").ClickAsync();
        var details = (await tab.TextContentAsync("#node-details"))!;
        details.ShouldContain("3 requests in (1 failed)");
        details.ShouldContain("Called by api.");
        details.ShouldContain($"{firstEvidence.GetProperty("file").GetString()}:{firstEvidence.GetProperty("line").GetInt32()}");
        (await tab.Locator("svg.graph .node.undeclared").CountAsync()).ShouldBe(1, "mongodb");
        (await tab.Locator("#edges tbody tr", new() { HasText = "postgresql" }).Locator("td").Nth(3).TextContentAsync()).ShouldBe("<0.01", "3 calls in 24 hours are not none");
        await tab.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotFolder, "dashboard-graph-node.png"), FullPage = true });

        // Stopping the probe from the page: the API has none left.
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/connections");
        await tab.ClickAsync("form[aria-label='Stop probing postgresql'] button");
        (await tab.TextContentAsync("[role=status]")).ShouldBe("Stopped probing postgresql.");
        (await tab.Locator("tr[data-connection='postgresql'] .status").TextContentAsync()).ShouldBe("unprobed");
        (await session.GetFromJsonAsync<JsonElement>("/api/v1/probes")).GetArrayLength().ShouldBe(0);

        // The API says the same.
        var connections = (await session.GetFromJsonAsync<JsonElement>("/api/v1/connections")).EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        connections["postgresql"].GetProperty("calls24h").GetInt64().ShouldBe(3);
        connections["stripe"].GetProperty("idle").GetBoolean().ShouldBeTrue();
        connections["mongodb"].GetProperty("undeclared").GetBoolean().ShouldBeTrue();
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task HostileFileAndServiceNames_FromAScanAndFromTraces_RenderAsText()
    {
        const string file = "<script>alert('file')</script>.py";
        const string service = "<img src=x onerror=alert('service')>";
        var alice = await _server.OnboardAsync("alice@example.com", "Shop");
        using var repo = new TempRepository("dashboard-hostile")
            .With("api/requirements.txt", "fastapi==0.110\npsycopg2==2.9.9\n")
            .With($"api/{file}", "import psycopg2\nKEY = 'AKIAIOSFODNN7EXAMPLE'\n");
        using var key = _server.Client(alice.Key);
        await PushScanAsync(key, repo);
        var trace = new string('d', 32);
        await ExportAsync(key, service, Span(trace, "00000000000000d1", "", 2, 5), Span(trace, "00000000000000d2", "00000000000000d1", 3, 1, attributes: ("db.system", "postgresql")));
        await FlushGraphAsync();

        await using var browser = await Chromium.LaunchAsync();
        var (tab, problems) = await SignedInAsync(browser, alice.Token);
        tab.Dialog += (_, dialog) => problems.Add($"dialog: {dialog.Message}");
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/readiness");
        await tab.Locator("details[data-check='security.no_hardcoded_secrets'] summary").ClickAsync();
        (await tab.Locator("details[data-check='security.no_hardcoded_secrets'] ul.evidence").TextContentAsync())!.ShouldContain($"api/{file}:2");
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/connections");
        (await tab.Locator("tr[data-connection='postgresql'] .used-by").TextContentAsync())!.ShouldContain(service);
        await tab.Locator("tr[data-connection='postgresql'] details.evidence summary").ClickAsync();
        (await tab.Locator("tr[data-connection='postgresql'] details.evidence").TextContentAsync())!.ShouldContain(file);
        await tab.GotoAsync($"/w/{alice.WorkspaceId}/graph");
        (await tab.Locator("#edges tbody").TextContentAsync())!.ShouldContain(service);
        await tab.Locator($"svg.graph a[aria-label=\"{service}: service\"]").ClickAsync();
        (await tab.TextContentAsync("#node-details h2")).ShouldBe(service);
        foreach (var page in new[] { "/readiness", "/connections", "/graph" })
        {
            await tab.GotoAsync($"/w/{alice.WorkspaceId}{page}");
            var html = await tab.ContentAsync();
            html.ShouldNotContain("<script>alert", Case.Sensitive, page);
            html.ShouldNotContain("<img src=x", Case.Sensitive, page);
            (await tab.Locator("img").CountAsync()).ShouldBe(0, page);
        }
        problems.ShouldBeEmpty("no dialog opened: nothing ran");
    }
}
