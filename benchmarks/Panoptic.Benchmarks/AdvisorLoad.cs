using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Panoptic.Sdk.Pricing;
using Panoptic.Server;
using Panoptic.Storage;
using Panoptic.Storage.Gateway;
using Panoptic.Storage.Ledger;

namespace Panoptic.Benchmarks;

/// <summary>
/// Whole-program benchmark of the savings advisor: the real server (SQLite in a temp folder, or --db postgres://…)
/// over a month of ledger events and logged gateway requests written the way the server writes them — events through
/// the ledger's append and the rollup job (so every rollup, the advisor's size-banded one included, holds what it
/// would hold), gateway log rows through the log writer's store call (usage, feature usage and fingerprints kept in
/// the same transactions) — then times GET /api/v1/recommendations computed (?refresh=true) and cached.
/// </summary>
internal static class AdvisorLoad
{
    private static readonly (string Provider, string Model)[] Models =
    [
        ("openai", "gpt-4o"), ("openai", "gpt-4o-mini"), ("openai", "gpt-4.1"), ("openai", "gpt-4.1-mini"), ("anthropic", "claude-sonnet-4"),
        ("anthropic", "claude-3-5-haiku"), ("gemini", "gemini-2.5-pro"), ("gemini", "gemini-2.5-flash"), ("mistral", "mistral-large-latest"), ("groq", "llama-3.3-70b-versatile"),
    ];

    public static async Task RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? fallback;
        var events = long.Parse(Arg("events", "10000000"), CultureInfo.InvariantCulture);
        var requests = long.Parse(Arg("requests", "1000000"), CultureInfo.InvariantCulture);
        var runs = int.Parse(Arg("runs", "5"), CultureInfo.InvariantCulture);
        var data = Path.Combine(Path.GetTempPath(), "panoptic-advisor-" + Guid.NewGuid().ToString("N"));
        var builder = PanopticServer.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Panoptic:DataDirectory"] = data, ["Panoptic:Database"] = Arg("db", ""), ["Panoptic:PasswordIterations"] = "1000",
        });
        await using var server = PanopticServer.Build(builder);
        await server.StartAsync();
        var store = server.Services.GetRequiredService<PanopticStore>();
        using var http = new HttpClient { BaseAddress = new Uri(server.Urls.First()), Timeout = TimeSpan.FromMinutes(5) };
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        (await http.PostAsJsonAsync("/api/v1/auth/signup", new { email, password = "correct horse battery" })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "correct horse battery" })).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
        var workspace = (await (await http.PostAsJsonAsync("/api/v1/workspaces", new { name = "Bench" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        http.DefaultRequestHeaders.Add("Panoptic-Workspace", workspace);
        (await http.PostAsJsonAsync("/api/v1/budgets", new { name = "All", amount = 1000 })).EnsureSuccessStatusCode();

        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var start = today.AddDays(-30);
        var clock = Stopwatch.StartNew();
        await WriteEventsAsync(store, workspace, start, events - requests);
        Console.WriteLine($"{events - requests:N0} SDK events appended in {clock.Elapsed.TotalSeconds:0} s");
        clock.Restart();
        await WriteGatewayAsync(store, workspace, start, requests);
        Console.WriteLine($"{requests:N0} gateway requests (log rows and their ledger events) written in {clock.Elapsed.TotalSeconds:0} s");
        clock.Restart();
        while (await store.RollUpAsync(50_000) > 0) { }
        while (await store.PendingCountAsync() > 0) await Task.Delay(200);
        Console.WriteLine($"rolled up in {clock.Elapsed.TotalSeconds:0} s; ledger holds {await store.CountEventsAsync(workspace, start, today):N0} events in the window");

        foreach (var (label, query) in new[] { ("computed (?refresh=true)", "?refresh=true"), ("cached", "") })
        {
            var times = new List<double>();
            JsonElement report = default;
            for (var run = 0; run < runs; run++)
            {
                var timer = Stopwatch.StartNew();
                report = await (await http.GetAsync("/api/v1/recommendations" + query)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
                times.Add(timer.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine($"{label}: " + string.Join(", ", times.Select(t => t.ToString("0.0", CultureInfo.InvariantCulture) + " ms")));
            times.Sort();
            Console.WriteLine($"  median {times[times.Count / 2]:0.0} ms, max {times[^1]:0.0} ms; {report.GetProperty("recommendations").GetArrayLength()} recommendations, "
                + $"${report.GetProperty("savings_usd").GetDecimal():N2} of savings; kinds: "
                + string.Join(", ", report.GetProperty("recommendations").EnumerateArray().GroupBy(r => r.GetProperty("kind").GetString()).Select(g => $"{g.Key} {g.Count()}")));
        }
        // The same computation without HTTP and without writing the day's cache, to show where the time goes.
        var advisor = server.Services.GetRequiredService<Panoptic.Server.Advisor.SavingsAdvisor>();
        var compute = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var timer = Stopwatch.StartNew();
            await advisor.ComputeAsync(workspace, DateTimeOffset.UtcNow, 30, CancellationToken.None);
            compute.Add(timer.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine("compute only (in process, no cache write): " + string.Join(", ", compute.Select(t => t.ToString("0.0", CultureInfo.InvariantCulture) + " ms")));
        Console.WriteLine($"store {store.Kind}");
        await server.StopAsync();
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
    }

    /// <summary>SDK events over 30 days: 10 models, 12 features, 200 tenants; prompt and answer sizes spread so every size band fills.</summary>
    private static async Task WriteEventsAsync(PanopticStore store, string workspace, DateTimeOffset start, long count)
    {
        const int batch = 5_000, writers = 4;
        var next = -1L;
        async Task WriterAsync(int seed)
        {
            var random = new Random(seed);
            while (true)
            {
                var first = Interlocked.Add(ref next, batch) - batch + 1;
                if (first >= count) return;
                var events = new List<LedgerEvent>(batch);
                for (var i = first; i < Math.Min(count, first + batch); i++)
                {
                    var (provider, model) = Models[Skewed(random, Models.Length)];
                    var feature = Skewed(random, 12);
                    // The first three features mostly classify and tag: short prompts, answers of a few tokens.
                    var small = feature < 3 && random.Next(10) < 7;
                    var input = small ? random.Next(100, 1500) : random.Next(4) == 0 ? random.Next(4000, 12000) : random.Next(50, 3000);
                    var output = small ? random.Next(5, 90) : random.Next(3) == 0 ? random.Next(500, 2000) : random.Next(5, 400);
                    var at = start.AddMilliseconds(i * (30 * 86_400_000.0 / count));
                    events.Add(new LedgerEvent
                    {
                        Id = "e" + i.ToString(CultureInfo.InvariantCulture), Timestamp = at, Provider = provider, Model = model, Service = "api",
                        Feature = "feature-" + feature.ToString(CultureInfo.InvariantCulture), TenantId = "t" + Skewed(random, 200).ToString(CultureInfo.InvariantCulture),
                        UserId = "u" + random.Next(2000).ToString(CultureInfo.InvariantCulture), InputTokens = input, OutputTokens = output, Requests = 1,
                        CostNanos = Nanos(provider, model, input, output, at), CostSource = CostSource.RateCard, RateCard = RateCard.Embedded.Version,
                    });
                }
                await store.AppendEventsAsync(workspace, events, DateTimeOffset.UtcNow);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriterAsync(w))));
    }

    /// <summary>
    /// Gateway requests over 30 days, fingerprinted as a workspace that logs bodies: 10 % repeat one of 2,000 requests,
    /// 40 % begin with one of 200 long prompt prefixes; nightly features never stream, chat features mostly do.
    /// </summary>
    private static async Task WriteGatewayAsync(PanopticStore store, string workspace, DateTimeOffset start, long count)
    {
        // One writer, as the server's log writer is one: its batches of up to 500 rows, one transaction each.
        const int batch = 500, writers = 1;
        var next = -1L;
        string[] features = ["chat", "support", "search", "nightly-digest", "nightly-tagging", "summaries"];
        async Task WriterAsync(int seed)
        {
            var random = new Random(1000 + seed);
            while (true)
            {
                var first = Interlocked.Add(ref next, batch) - batch + 1;
                if (first >= count) return;
                var logs = new List<GatewayLog>(batch);
                var costs = new List<LedgerEvent>(batch);
                for (var i = first; i < Math.Min(count, first + batch); i++)
                {
                    var (provider, model) = Models[Skewed(random, 8)];
                    var feature = features[random.Next(features.Length)];
                    var at = start.AddMilliseconds(i * (30 * 86_400_000.0 / count));
                    var (input, output) = (random.Next(200, 6000), random.Next(10, 800));
                    var cost = Nanos(provider, model, input, output, at);
                    var id = "g" + i.ToString(CultureInfo.InvariantCulture);
                    var prefixed = random.Next(10) < 4;
                    logs.Add(new GatewayLog
                    {
                        WorkspaceId = workspace, Id = id, At = at, KeyId = "gk" + random.Next(5).ToString(CultureInfo.InvariantCulture), Endpoint = "/v1/chat/completions",
                        ModelRequested = model, ModelServed = model, Upstream = provider, Status = 200, Stream = !feature.StartsWith("nightly", StringComparison.Ordinal) && random.Next(10) < 7,
                        LatencyMs = random.Next(200, 4000), InputTokens = input, OutputTokens = output, CostNanos = cost, Feature = feature,
                        TenantId = "t" + Skewed(random, 200).ToString(CultureInfo.InvariantCulture),
                        RequestHash = random.Next(10) == 0 ? "dup" + random.Next(2000).ToString(CultureInfo.InvariantCulture) : id,
                        PrefixHash = prefixed ? "prefix" + random.Next(200).ToString(CultureInfo.InvariantCulture) : null, PrefixChars = prefixed ? 6000 : 0,
                    });
                    costs.Add(new LedgerEvent
                    {
                        Id = "gw-" + id, Timestamp = at, Provider = provider, Service = "gateway", Model = model, Feature = feature, InputTokens = input, OutputTokens = output,
                        Requests = 1, CostNanos = cost, CostSource = CostSource.RateCard, RateCard = RateCard.Embedded.Version,
                    });
                }
                await store.AppendGatewayLogsAsync(logs);
                await store.AppendEventsAsync(workspace, costs, DateTimeOffset.UtcNow);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriterAsync(w))));
    }

    private static long? Nanos(string provider, string model, long input, long output, DateTimeOffset at) =>
        RateCard.Embedded.Price(provider, model, new Usage { InputTokens = input, OutputTokens = output }, at) is { } usd
            ? (long)decimal.Round(usd * 1_000_000_000m, MidpointRounding.AwayFromZero) : null;

    /// <summary>0 to n−1, the lower values more often (Zipf-like).</summary>
    private static int Skewed(Random random, int n) => (int)Math.Min(n - 1, Math.Floor(n * Math.Pow(random.NextDouble(), 2)));
}
