using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;

/// <summary>
/// Workspace isolation over every route the server maps, read from its endpoint table, so a route added tomorrow is
/// tried the day it is added: with another workspace's session and key, every id of the first workspace in every
/// route parameter, and with no credentials at all. Nothing of the first workspace may come back, and nothing of it
/// may change.
/// </summary>
public abstract partial class ServerContractTests
{
    private const string Marker = "alice-only";

    /// <summary>Routes anyone may call: sign-up, sign-in, health, the dashboard's static files.</summary>
    private static readonly string[] PublicRoutes = ["/api/v1/auth/signup", "/api/v1/auth/login", "/healthz", "/readyz", "/dashboard.css"];

    [Fact]
    public async Task Isolation_EveryRoute_WithAnotherWorkspacesCredentialsAndIds_ReadsAndChangesNothing()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com", $"{Marker} workspace");
        using var aliceKey = server.Client(alice.Key);
        using var aliceSession = server.Client(alice.Token);
        await SeedAliceAsync(aliceSession, aliceKey);

        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Template: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Where(r => r.Template.StartsWith("/api/", StringComparison.Ordinal) || r.Template.StartsWith("/v1/", StringComparison.Ordinal) || r.Template.StartsWith("/w/", StringComparison.Ordinal))
            // Signing Bob out would only make every later attempt a 401.
            .Where(r => r.Template != "/api/v1/auth/logout")
            .Distinct().OrderBy(r => r.Template, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal).ToList();
        routes.Count.ShouldBeGreaterThan(50);

        // Everything of Alice's that a list route shows, before anyone else tries anything.
        var before = await SnapshotAsync(aliceSession, routes);
        var ids = before.Values.SelectMany(Ids).Append(alice.WorkspaceId).Append(alice.KeyId).Distinct(StringComparer.Ordinal).ToList();
        ids.Count.ShouldBeGreaterThan(8);

        var bob = await server.OnboardAsync("bob@example.com", "Bob's");
        using var bobSession = NoRedirects(server, bob.Token);
        using var bobKey = NoRedirects(server, bob.Key);
        using var bobInAlices = NoRedirects(server, bob.Token, alice.WorkspaceId);
        using var nobody = NoRedirects(server, null);
        var attempts = 0;
        var leaks = new List<string>();
        foreach (var (method, template) in routes)
        {
            foreach (var path in Paths(template, ids))
            {
                foreach (var (who, client) in new[] { ("bob's session", bobSession), ("bob's key", bobKey), ("bob in alice's workspace", bobInAlices), ("no credentials", nobody) })
                {
                    attempts++;
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    // What the request itself carried (an id in the path, Alice's workspace in the header) may be echoed in an error.
                    var carried = who == "bob in alice's workspace" ? path + alice.WorkspaceId : path;
                    if ((body.Contains(Marker, StringComparison.Ordinal) && !carried.Contains(Marker, StringComparison.Ordinal))
                        || ids.Any(id => id.Length >= 8 && body.Contains(id, StringComparison.Ordinal) && !carried.Contains(id, StringComparison.Ordinal)))
                        leaks.Add($"{who}: {method} {path} → {(int)response.StatusCode} shows alice's data");
                    // The API answers 401. The dashboard's pages send a browser to sign in, and refuse a form posted without
                    // its antiforgery token (400) before anything else is read.
                    var refused = response.StatusCode == HttpStatusCode.Unauthorized
                        || (template.StartsWith("/w/", StringComparison.Ordinal) && response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.BadRequest);
                    if (who == "no credentials" && !PublicRoutes.Contains(template) && !refused)
                        leaks.Add($"{who}: {method} {path} → {(int)response.StatusCode}, not 401");
                    if (who == "bob in alice's workspace" && response.IsSuccessStatusCode && !PublicRoutes.Contains(template) && !template.StartsWith("/api/v1/auth/", StringComparison.Ordinal)
                        && !template.StartsWith("/api/v1/workspaces", StringComparison.Ordinal) && template != "/api/v1/me")
                        leaks.Add($"{who}: {method} {path} → {(int)response.StatusCode}, not refused");
                }
            }
        }

        var after = await SnapshotAsync(aliceSession, routes);
        foreach (var (route, json) in before)
            if (after.GetValueOrDefault(route) != json) leaks.Add($"alice's {route} changed while others tried her ids");
        leaks.ShouldBeEmpty($"{attempts} attempts over {routes.Count} routes");
        attempts.ShouldBeGreaterThan(500);
    }

    private static HttpClient NoRedirects(RunningServer server, string? token, string? workspace = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.Address };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (workspace is not null) client.DefaultRequestHeaders.Add("Panoptic-Workspace", workspace);
        return client;
    }

    private static async Task SeedAliceAsync(HttpClient session, HttpClient key)
    {
        (await key.PostAsJsonAsync("/api/v1/events", new[] { Event("a1", cost: new { amount = 1.5 }, tenant: $"{Marker}-tenant", feature: $"{Marker}-feature") })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await key.PostAsync("/api/v1/registries", Raw(Registry("openai", "stripe")))).StatusCode.ShouldBe(HttpStatusCode.Created);
        foreach (var (path, body) in new (string, object)[]
        {
            ("/api/v1/budgets", new { name = $"{Marker} budget", amount = 50 }),
            ("/api/v1/gateway/keys", new { name = $"{Marker} gateway key" }),
            ("/api/v1/gateway/provider-keys", new { name = $"{Marker} provider key", provider = "openai", api_key = "sk-alice-only-upstream-secret-123456", base_url = "http://127.0.0.1:9/v1" }),
            ("/api/v1/probes", new { name = $"{Marker} probe", kind = "tcp", target = "127.0.0.1:9", interval_seconds = 3600, timeout_ms = 1000 }),
            ("/api/v1/cost-sources", new { name = $"{Marker} invoices", kind = "csv" }),
        })
        {
            var response = await session.PostAsJsonAsync(path, body);
            response.StatusCode.ShouldBe(HttpStatusCode.Created, $"{path}: {await response.Content.ReadAsStringAsync()}");
        }
        (await session.PutAsJsonAsync("/api/v1/gateway/routes/alice-only-route", new { models = new[] { "gpt-4o-mini" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>What every parameterless GET under /api/v1 answers Alice, by route: her data as others must never see or change it.</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(HttpClient session, List<(string Method, string Template)> routes)
    {
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, template) in routes.Where(r => r.Method == "GET" && !r.Template.Contains('{') && r.Template.StartsWith("/api/v1/", StringComparison.Ordinal)
                     && !r.Template.StartsWith("/api/v1/auth/", StringComparison.Ordinal)))
        {
            using var response = await session.GetAsync(template);
            var text = await response.Content.ReadAsStringAsync();
            // Only what others could change: the figures of a list, not when it was computed or probed.
            if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json") snapshot[template] = Stable(text);
        }
        return snapshot;
    }

    /// <summary>Fields that change with the clock or the probes' own work, not with anyone's request.</summary>
    private static readonly HashSet<string> Volatile = new(StringComparer.Ordinal)
    {
        "computed_at", "cached", "last_seen", "last_run_at", "last_checked_at", "next_run_at", "checked_at", "latency_ms", "last_used_at", "projection", "now",
    };

    /// <summary>The document without its volatile fields, written the same way each time.</summary>
    private static string Stable(string json)
    {
        static System.Text.Json.Nodes.JsonNode? Strip(System.Text.Json.Nodes.JsonNode? node)
        {
            switch (node)
            {
                case System.Text.Json.Nodes.JsonObject o:
                    foreach (var name in o.Select(p => p.Key).Where(Volatile.Contains).ToList()) o.Remove(name);
                    foreach (var (_, value) in o) Strip(value);
                    break;
                case System.Text.Json.Nodes.JsonArray a:
                    foreach (var item in a) Strip(item);
                    break;
            }
            return node;
        }
        return Strip(System.Text.Json.Nodes.JsonNode.Parse(json))?.ToJsonString() ?? "null";
    }

    /// <summary>Every "id"-like string value in a JSON document (ids, keys' ids, aliases), recursively.</summary>
    private static IEnumerable<string> Ids(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. Ids(document.RootElement)];
    }

    private static IEnumerable<string> Ids(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String && (property.Name is "id" or "alias" || property.Name.EndsWith("_id", StringComparison.Ordinal)) && property.Value.GetString() is { Length: > 0 } id)
                        yield return id;
                    foreach (var inner in Ids(property.Value)) yield return inner;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    foreach (var inner in Ids(item)) yield return inner;
                break;
        }
    }

    /// <summary>The route with each parameter filled by each of Alice's ids in turn (a route without parameters once).</summary>
    private static IEnumerable<string> Paths(string template, List<string> ids)
    {
        if (!template.Contains('{')) return [template];
        return ids.Select(id => System.Text.RegularExpressions.Regex.Replace(template, @"\{[^}]+\}", Uri.EscapeDataString(id)));
    }
}
