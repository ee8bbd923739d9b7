using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Panoptic.Server;

namespace Panoptic.Benchmarks;

/// <summary>
/// Whole-program benchmark of a cost import: the real server (SQLite in a temp folder, or --db postgres://…) syncs
/// an OpenAI cost source from a fake organization Costs and Usage API on loopback that bills 50 models every day of
/// last month (two line items and one usage result per model and day, 31 buckets a page). Each run connects a new
/// source, whose first sync backfills last month and this one, and removes it again; prints each run and the median.
/// </summary>
internal static class CostImportLoad
{
    public static async Task RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? fallback;
        var models = int.Parse(Arg("models", "50"), CultureInfo.InvariantCulture);
        var runs = int.Parse(Arg("runs", "5"), CultureInfo.InvariantCulture);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var billedDays = Enumerable.Range(0, lastMonth.AddMonths(1).DayNumber - lastMonth.DayNumber).Select(lastMonth.AddDays).ToHashSet();

        await using var fake = await FakeOpenAiAsync(billedDays, models);
        var data = Path.Combine(Path.GetTempPath(), "panoptic-cost-import-" + Guid.NewGuid().ToString("N"));
        var builder = PanopticServer.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Panoptic:DataDirectory"] = data, ["Panoptic:Database"] = Arg("db", ""), ["Panoptic:PasswordIterations"] = "1000", ["Panoptic:CostSyncTick"] = "1.00:00:00",
        });
        await using var server = PanopticServer.Build(builder);
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Urls.First()) };
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        (await http.PostAsJsonAsync("/api/v1/auth/signup", new { email, password = "correct horse battery" })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "correct horse battery" })).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
        var workspace = await (await http.PostAsJsonAsync("/api/v1/workspaces", new { name = "Bench" })).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Add("Panoptic-Workspace", workspace.GetProperty("id").GetString());
        var times = new List<double>();
        string? id = null;
        for (var run = 1; run <= runs; run++)
        {
            if (run > 1) (await http.DeleteAsync("/api/v1/cost-sources/" + id)).EnsureSuccessStatusCode();
            var source = await (await http.PostAsJsonAsync("/api/v1/cost-sources", new { name = "OpenAI", kind = "openai", api_key = "sk-admin-benchmark-0123456789", base_url = fake.Url + "v1" }))
                .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            id = source.GetProperty("id").GetString();
            var clock = Stopwatch.StartNew();
            var result = await (await http.PostAsync($"/api/v1/cost-sources/{id}/sync", null)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            clock.Stop();
            if (!result.GetProperty("ok").GetBoolean()) throw new InvalidOperationException(result.GetProperty("error").GetString());
            Console.WriteLine($"run {run}: first sync (backfill) {clock.Elapsed.TotalMilliseconds:0} ms, {result.GetProperty("days").GetInt32()} days, "
                + $"{result.GetProperty("rows").GetInt32()} rows, ${result.GetProperty("cost_usd").GetDecimal():0.00}");
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"import of {models} models x {billedDays.Count} billed days: median {times[times.Count / 2]:0} ms, max {times[^1]:0} ms over {runs} runs");
        var report = await http.GetFromJsonAsync<JsonElement>($"/api/v1/reconciliation?from={lastMonth:yyyy-MM-dd}&to={lastMonth.AddMonths(1):yyyy-MM-dd}");
        Console.WriteLine($"store {server.Services.GetRequiredService<Panoptic.Storage.PanopticStore>().Kind}; {models} models x {billedDays.Count} days billed; "
            + $"reconciled: {report.GetProperty("providers")[0].GetProperty("summary").GetString()}");
        await server.StopAsync();
        Directory.Delete(data, recursive: true);
    }

    private sealed class Fake(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }

    private static async Task<Fake> FakeOpenAiAsync(HashSet<DateOnly> billed, int models)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        static DateOnly Day(string? unix) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(long.Parse(unix!, CultureInfo.InvariantCulture)).UtcDateTime);
        static long Unix(DateOnly d) => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        IResult Page(HttpContext http, Func<DateOnly, int, IEnumerable<object>> results)
        {
            var q = http.Request.Query;
            var (from, to) = (Day(q["start_time"]), Day(q["end_time"]));
            var limit = int.Parse(q["limit"].FirstOrDefault() ?? "7", CultureInfo.InvariantCulture);
            var start = int.Parse(q["page"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
            var days = Enumerable.Range(0, to.DayNumber - from.DayNumber).Select(from.AddDays).ToList();
            var next = start + limit < days.Count ? (start + limit).ToString(CultureInfo.InvariantCulture) : null;
            return Results.Json(new
            {
                @object = "page",
                data = days.Skip(start).Take(limit).Select(d => new
                {
                    @object = "bucket", start_time = Unix(d), end_time = Unix(d.AddDays(1)),
                    results = billed.Contains(d) ? Enumerable.Range(0, models).SelectMany(m => results(d, m)) : [],
                }),
                has_more = next is not null, next_page = next,
            });
        }
        app.MapGet("/v1/organization/costs", (HttpContext http) => Page(http, (d, m) =>
        [
            new { @object = "organization.costs.result", amount = new { value = 1.5m + m / 100m, currency = "usd" }, line_item = $"gpt-bench-{m}, input", project_id = (string?)null },
            new { @object = "organization.costs.result", amount = new { value = 0.25m, currency = "usd" }, line_item = $"gpt-bench-{m}, output", project_id = (string?)null },
        ]));
        app.MapGet("/v1/organization/usage/completions", (HttpContext http) => Page(http, (d, m) =>
            [new { @object = "organization.usage.completions.result", input_tokens = 100_000 + m, output_tokens = 20_000, num_model_requests = 100, model = $"gpt-bench-{m}-2025-01-01" }]));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Fake(app, address + "/");
    }
}
