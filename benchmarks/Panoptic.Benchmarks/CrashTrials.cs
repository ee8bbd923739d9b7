using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Panoptic.TestUtilities;

namespace Panoptic.Benchmarks;

/// <summary>
/// Crash safety, measured: a load client posts event batches with unique ids over several connections as fast as the
/// server takes them; the server (a real `panoptic serve` process) is killed with SIGKILL at a random moment, started
/// again, and the client re-sends every batch it did not see acknowledged until each is. After each trial the ledger
/// must hold every acknowledged event once: lost = acknowledged but not stored, doubled = stored more than once.
/// Run by benchmarks/reliability/crash-trials.sh.
/// </summary>
internal static class CrashTrials
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? fallback;
        var cli = Arg("cli", "");
        var db = Arg("db", "");
        var trials = int.Parse(Arg("trials", "20"), CultureInfo.InvariantCulture);
        var connections = int.Parse(Arg("connections", "4"), CultureInfo.InvariantCulture);
        var batch = int.Parse(Arg("batch", "500"), CultureInfo.InvariantCulture);
        var random = new Random(int.Parse(Arg("seed", "1"), CultureInfo.InvariantCulture));
        var data = Directory.CreateTempSubdirectory("panoptic-crash-").FullName;
        var url = $"http://127.0.0.1:{FreePort()}";
        var server = await StartAsync(cli, data, db, url);
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        var (token, key) = await OnboardAsync(http);
        long totalAcknowledged = 0, totalLost = 0, totalDoubled = 0, totalResent = 0;
        Console.WriteLine($"store: {(db.Length > 0 ? "postgres" : "sqlite")}, {trials} trials, {connections} connections, batches of {batch}");
        for (var trial = 1; trial <= trials; trial++)
        {
            var acknowledged = new ConcurrentDictionary<int, int>();
            var next = -1;
            using var stop = new CancellationTokenSource();
            var killAfter = TimeSpan.FromMilliseconds(random.Next(300, 2500));
            var senders = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
            {
                using var client = Client(url, key);
                var pending = new Queue<int>();
                while (!stop.IsCancellationRequested || pending.Count > 0)
                {
                    var b = pending.Count > 0 ? pending.Dequeue() : Interlocked.Increment(ref next);
                    try
                    {
                        using var response = await client.PostAsync("/api/v1/events", Body(trial, b, batch));
                        if (response.IsSuccessStatusCode)
                        {
                            var accepted = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32();
                            acknowledged[b] = acknowledged.GetValueOrDefault(b) + accepted;
                            continue;
                        }
                        pending.Enqueue(b);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        // Not acknowledged: sent again once the server is back.
                        pending.Enqueue(b);
                        Interlocked.Increment(ref totalResent);
                        await Task.Delay(50);
                    }
                }
            })).ToList();
            await Task.Delay(killAfter);
            server.Kill();
            await server.WaitForExitAsync();
            server = await StartAsync(cli, data, db, url);
            await stop.CancelAsync();
            await Task.WhenAll(senders);

            var sent = (next + 1) * (long)batch;
            var accepted = acknowledged.Values.Sum(v => (long)v);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var stored = await StoredAsync(http, trial);
            // Every batch ended acknowledged; its events are counted once by the server however often it was sent.
            var lost = Math.Max(0, sent - stored);
            var doubled = Math.Max(0, stored - sent) + Math.Max(0, accepted - sent);
            totalAcknowledged += sent;
            totalLost += lost;
            totalDoubled += doubled;
            Console.WriteLine($"trial {trial}: killed after {killAfter.TotalMilliseconds:0} ms; {sent:N0} events acknowledged, {stored:N0} stored; lost {lost}, doubled {doubled}");
        }
        server.Kill();
        await server.WaitForExitAsync();
        Console.WriteLine($"total: {trials} trials, {totalAcknowledged:N0} acknowledged events, {totalResent:N0} sends refused or cut by a kill and sent again; lost {totalLost}, doubled {totalDoubled}");
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS's temp cleaning
        }
        return totalLost == 0 && totalDoubled == 0 ? 0 : 1;
    }

    /// <summary>Events of one trial in the ledger, counted per trial by its tenant.</summary>
    private static async Task<long> StoredAsync(HttpClient http, int trial)
    {
        var from = DateTimeOffset.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var costs = await http.GetFromJsonAsync<JsonElement>($"/api/v1/costs?from={from}&to={to}&filter.tenant=trial-{trial}");
        return costs.GetProperty("total").GetProperty("events").GetInt64();
    }

    private static StringContent Body(int trial, int b, int size)
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        var text = new StringBuilder("[");
        for (var i = 0; i < size; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(CultureInfo.InvariantCulture,
                $"{{\"id\":\"t{trial}-b{b}-e{i}\",\"timestamp\":\"{now}\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"tenant_id\":\"trial-{trial}\",\"usage\":{{\"input_tokens\":100,\"output_tokens\":10}}}}");
        }
        return new StringContent(text.Append(']').ToString(), Encoding.UTF8, "application/json");
    }

    private static HttpClient Client(string url, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static Task<Process> StartAsync(string cli, string data, string db, string url) => ServeProcess.StartAsync(cli, data, url, db);

    private static async Task<(string Token, string Key)> OnboardAsync(HttpClient http)
    {
        var tenant = await Onboarding.OnboardAsync(http.BaseAddress!, "crash@example.com", "crash");
        return (tenant.Token, tenant.Key);
    }

    private static int FreePort() => ServeProcess.FreePort();
}
