using Panoptic.Server.CostSources;

namespace Panoptic.Server.Tests.CostSources;

/// <summary>Waits no time at all, and remembers every wait the importer asked for.</summary>
internal sealed class RecordingDelay() : CostSourceDelay(TimeProvider.System)
{
    public System.Collections.Concurrent.ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public override Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        Waits.Enqueue(delay);
        return Task.CompletedTask;
    }
}
