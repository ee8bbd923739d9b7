using System.Diagnostics.Tracing;

namespace Panoptic.Sdk.Export;

/// <summary>
/// Where the SDK reports its own trouble — never by throwing into the application. Listen with dotnet-trace or
/// dotnet-counters (provider "Panoptic-Sdk"), or an <see cref="EventListener"/>.
/// </summary>
[EventSource(Name = "Panoptic-Sdk")]
internal sealed class SdkEventSource : EventSource
{
    public static readonly SdkEventSource Log = new();

    [Event(1, Level = EventLevel.Warning, Message = "Sending {0} events failed ({1}); retrying in {2} ms")]
    public void SendRetrying(int events, string error, long delayMs) => WriteEvent(1, events, error, delayMs);

    [Event(2, Level = EventLevel.Error, Message = "Sending {0} events failed for good ({1}); they are dropped")]
    public void SendFailed(int events, string error) => WriteEvent(2, events, error);

    [Event(3, Level = EventLevel.Warning, Message = "The export queue is full; an event was dropped")]
    public void Dropped() => WriteEvent(3);

    [Event(4, Level = EventLevel.Error, Message = "A Panoptic SDK callback failed: {0}")]
    public void CallbackFailed(string error) => WriteEvent(4, error);

    [Event(5, Level = EventLevel.Informational, Message = "Panoptic is off: no endpoint or key is configured (Panoptic:Endpoint, Panoptic:ApiKey)")]
    public void NotConfigured() => WriteEvent(5);
}
