using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Panoptic.Benchmarks;

/// <summary>
/// A load client for POST /api/v1/events: sends <c>events</c> generated cost events in batches over several connections
/// and prints the sustained rate, then times GET /api/v1/costs. Run by benchmarks/ingest-benchmark.sh, which starts
/// the server. The events look like a real SaaS month: 5 providers, 20 models, 8 services, 12 features, 200 tenants,
/// 2,000 users (each in one tenant, each feature in one service, each model at one provider), in time order over 30 days.
/// </summary>
internal static class IngestLoad
{
    private static readonly string[] Providers = ["openai", "anthropic", "gemini", "mistral", "resend"];

    public static async Task RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? fallback;
        var url = new Uri(Arg("url", "http://127.0.0.1:7317"));
        var key = Arg("key", "");
        var token = Arg("token", "");
        var total = long.Parse(Arg("events", "1000000"), CultureInfo.InvariantCulture);
        var batch = int.Parse(Arg("batch", "1000"), CultureInfo.InvariantCulture);
        var connections = int.Parse(Arg("connections", "4"), CultureInfo.InvariantCulture);
        var queries = int.Parse(Arg("queries", "50"), CultureInfo.InvariantCulture);
        // --live: timestamps within the last minute, as a running product sends them; default: 30 days in time order,
        // so the month queries afterwards have a month of data.
        var live = args.Contains("--live");
        var end = DateTimeOffset.UtcNow.AddMinutes(-1);

        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var batches = (total + batch - 1) / batch;
        // --pregenerate: build every body before the clock starts, so the client's JSON writing does not compete
        // with the server for the same two cores during the run (memory: ~350 bytes per event).
        var bodies = args.Contains("--pregenerate")
            ? Enumerable.Range(0, (int)batches).Select(b => Body(b * batch, (int)Math.Min(batch, total - b * batch), total, live ? DateTimeOffset.UtcNow : end, live)).ToArray()
            : null;
        var next = -1L;
        var sent = 0L;
        var clock = Stopwatch.StartNew();
        var lastReport = 0L;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            long b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                var count = (int)Math.Min(batch, total - b * batch);
                using var content = new ByteArrayContent(bodies?[b] ?? Body(b * batch, count, total, live ? DateTimeOffset.UtcNow : end, live));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("/api/v1/events", content);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"batch {b}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                var done = Interlocked.Add(ref sent, count);
                if (done - Interlocked.Read(ref lastReport) >= 1_000_000 && Interlocked.Exchange(ref lastReport, done) != done)
                    Console.Error.WriteLine($"  {done:N0} events, {done / clock.Elapsed.TotalSeconds:N0}/s");
            }
        }));
        var accepted = clock.Elapsed;
        Console.WriteLine($"ingested {sent:N0} events in {accepted.TotalSeconds:N1} s: {sent / accepted.TotalSeconds:N0} events/s (batches of {batch}, {connections} connections, {(live ? "live timestamps" : "30 days of timestamps")}{(bodies is null ? "" : ", bodies generated beforehand")})");
        // Accepting is half the work: the rate the server sustains is the one at which the rollup job keeps up too.
        long pending;
        while ((pending = await PendingAsync(http)) > 0) await Task.Delay(100);
        if (pending == 0)
            Console.WriteLine($"rolled up {(clock.Elapsed - accepted).TotalSeconds:N1} s after the last batch: {sent / clock.Elapsed.TotalSeconds:N0} events/s accepted and rolled up");
        clock.Stop();

        if (token.Length == 0 || queries == 0) return;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var from = end.AddDays(-31).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = end.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var query in new[] { $"from={from}&to={to}&group_by=provider&interval=day", $"from={from}&to={to}&group_by=feature", $"from={from}&to={to}&group_by=tenant&top=10",
            $"from={from}&to={to}&filter.tenant=tenant-7&group_by=model&interval=day" })
        {
            var times = new List<double>();
            string? body = null;
            for (var i = 0; i < queries + 3; i++)
            {
                var watch = Stopwatch.StartNew();
                body = await http.GetStringAsync("/api/v1/costs?" + query);
                if (i >= 3) times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            using var json = JsonDocument.Parse(body!);
            Console.WriteLine($"GET /api/v1/costs?{query}: p50 {times[times.Count / 2]:N1} ms, p95 {times[(int)(times.Count * 0.95)]:N1} ms, events {json.RootElement.GetProperty("total").GetProperty("events").GetInt64():N0}");
        }
    }

    /// <summary>One batch as UTF-8 JSON; event n is the same in every run, so ids are stable and dimensions deterministic.</summary>
    private static byte[] Body(long first, int count, long total, DateTimeOffset end, bool live)
    {
        using var buffer = new MemoryStream(count * 330);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (var n = first; n < first + count; n++)
            {
                var random = new Random((int)(n ^ (n >> 32)));
                var user = Skewed(random, 2000);
                var tenant = user % 200;
                var feature = Skewed(random, 12);
                var model = (feature * 7 + random.Next(2)) % 20;
                writer.WriteStartObject();
                writer.WriteString("id", "evt-" + n.ToString(CultureInfo.InvariantCulture));
                // In time order, as live traffic arrives: event n of the run falls at n/total of the 30 days.
                writer.WriteString("timestamp", live ? end.AddSeconds(-random.Next(60)) : end.AddSeconds(-30 * 86_400.0 * (1 - (double)n / total) - random.Next(60)));
                writer.WriteString("provider", Providers[model % Providers.Length]);
                writer.WriteString("model", "model-" + model.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("service", "service-" + (feature % 8).ToString(CultureInfo.InvariantCulture));
                writer.WriteString("feature", "feature-" + feature.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("tenant_id", "tenant-" + tenant.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("user_id", "user-" + user.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("operation", "chat.completions");
                writer.WriteStartObject("usage");
                writer.WriteNumber("input_tokens", random.Next(50, 4000));
                writer.WriteNumber("output_tokens", random.Next(10, 800));
                writer.WriteEndObject();
                writer.WriteStartObject("cost");
                writer.WriteNumber("amount", Math.Round(random.NextDouble() / 100, 6));
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return buffer.ToArray();
    }

    /// <summary>A Zipf-like pick: a few tenants, users and features carry most of the traffic, as in real products.</summary>
    private static int Skewed(Random random, int count) => (int)Math.Min(count - 1, Math.Floor(Math.Pow(random.NextDouble(), 2.5) * count));

    /// <summary>The server's rollup backlog from /metrics (served to loopback clients), or -1 when it does not say.</summary>
    private static async Task<long> PendingAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("panoptic_rollup_pending_events ", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line["panoptic_rollup_pending_events ".Length..], CultureInfo.InvariantCulture);
    }
}
