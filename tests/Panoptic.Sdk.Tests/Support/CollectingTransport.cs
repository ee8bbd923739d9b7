using System.Collections.Concurrent;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Tests.Support;

/// <summary>A transport that keeps what it is sent, so a test can read the events the SDK produced.</summary>
internal sealed class CollectingTransport : IEventTransport
{
    private readonly ConcurrentQueue<CostEvent> _events = new();

    public IReadOnlyList<CostEvent> Events => [.. _events];

    public Task<SendResult> SendAsync(IReadOnlyList<CostEvent> batch, CancellationToken cancellationToken)
    {
        foreach (var e in batch) _events.Enqueue(e);
        return Task.FromResult(SendResult.Ok);
    }

    /// <summary>Initialises the SDK over a fresh collecting transport that flushes every few milliseconds; disposing it shuts the SDK down.</summary>
    public static Tracked Init(string service = "test-service", SamplingOptions? sampling = null)
    {
        var transport = new CollectingTransport();
        return new Tracked(transport, PanopticSdk.Init(transport, service, new ExporterOptions { FlushInterval = TimeSpan.FromMilliseconds(5) }, sampling: sampling));
    }

    /// <summary>The SDK initialised over a collecting transport, for one test.</summary>
    public sealed record Tracked(CollectingTransport Events, EventExporter Exporter) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            PanopticSdk.Shutdown();
            await Exporter.DisposeAsync();
        }
    }

    /// <summary>Waits until <paramref name="count"/> events arrived (or fails after ten seconds).</summary>
    public async Task<IReadOnlyList<CostEvent>> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_events.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"expected {count} events, got {_events.Count}");
            await Task.Delay(5);
        }
        return Events;
    }
}
