using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Export;

/// <summary>What a transport reports for one batch: sent, or failed with whether (and when) to retry.</summary>
public readonly record struct SendResult(bool Sent, bool Retry, TimeSpan? RetryAfter, string? Error)
{
    /// <summary>Sent.</summary>
    public static readonly SendResult Ok = new(true, false, null, null);

    /// <summary>Not sent; try again (after <paramref name="after"/> when the receiver said so).</summary>
    public static SendResult Retryable(string error, TimeSpan? after = null) => new(false, true, after, error);

    /// <summary>Not sent, and retrying cannot help (a wrong key).</summary>
    public static SendResult Permanent(string error) => new(false, false, null, error);
}

/// <summary>
/// Where batches of events go: the Panoptic server, OpenTelemetry, a JSON-lines file, or your own. The exporter calls
/// one batch at a time; a transport reports failure through its result and should not throw (if it does, the batch
/// counts as a retryable failure).
/// </summary>
public interface IEventTransport
{
    /// <summary>Sends one batch.</summary>
    Task<SendResult> SendAsync(IReadOnlyList<CostEvent> batch, CancellationToken cancellationToken);
}
