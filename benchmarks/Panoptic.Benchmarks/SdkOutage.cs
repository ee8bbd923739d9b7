using System.Diagnostics;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Pricing;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Benchmarks;

/// <summary>
/// The SDK while its server is down: two threads track as fast as they can for SECONDS against an address nobody
/// listens on, and every ten seconds the process's memory and the exporter's counts are printed. Memory must level off
/// (the queue is bounded; what does not fit is dropped and counted).
/// Usage: dotnet run -c Release -- sdk-outage [SECONDS]
/// </summary>
internal static class SdkOutage
{
    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 180;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        // Port 9 (discard) on loopback: connections are refused at once, the exporter backs off and retries.
        var exporter = PanopticSdk.Init(new ServerTransport(http, new Uri("http://127.0.0.1:9/"), "pan_ik_outage"), "outage");
        var operation = new Operation { Provider = "openai", Model = "gpt-4o-mini", Name = "chat", Usage = new Usage { InputTokens = 1200, OutputTokens = 300 } };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long tracked = 0;
        var workers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < 1000; i++) PanopticSdk.Track(operation, static () => 1);
                Interlocked.Add(ref tracked, 1000);
            }
        })).ToArray();
        var process = Process.GetCurrentProcess();
        Console.WriteLine("seconds\ttracked\tdropped\tsent\tworking_set_mb\tgc_heap_mb");
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            process.Refresh();
            var (sent, dropped, _) = exporter.Counts;
            Console.WriteLine($"{clock.Elapsed.TotalSeconds:F0}\t{Interlocked.Read(ref tracked)}\t{dropped}\t{sent}\t{process.WorkingSet64 / 1048576.0:F1}\t{GC.GetTotalMemory(false) / 1048576.0:F1}");
        }
        await Task.WhenAll(workers);
        PanopticSdk.Shutdown();
    }
}
