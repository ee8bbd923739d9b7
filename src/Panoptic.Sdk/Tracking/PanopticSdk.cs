using System.Diagnostics;
using Panoptic.Sdk.Context;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Pricing;

namespace Panoptic.Sdk.Tracking;

/// <summary>What a tracked operation is: who it calls and what it consumed.</summary>
public sealed record Operation
{
    /// <summary>The provider billed for it (openai, anthropic, stripe, resend, s3).</summary>
    public required string Provider { get; init; }
    /// <summary>The model or resource used (gpt-4o-mini, a bucket).</summary>
    public string? Model { get; init; }
    /// <summary>What is done (chat, embeddings, send_email).</summary>
    public string? Name { get; init; }
    /// <summary>What it consumes; a scope can set it later from the response.</summary>
    public Usage? Usage { get; init; }
    /// <summary>What it cost in US dollars, when you know; otherwise the rate card prices <see cref="Usage"/>.</summary>
    public decimal? CostUsd { get; init; }
    /// <summary>Free attributes of this operation.</summary>
    public IReadOnlyDictionary<string, object?>? Attributes { get; init; }
}

/// <summary>
/// The SDK's entry point: <see cref="Init"/> once at start-up, then <see cref="Track{T}(Operation, Func{T})"/>,
/// <see cref="TrackAsync{T}(Operation, Func{Task{T}})"/> or a <see cref="Begin"/> scope wherever money is spent. Without
/// Init every call is a no-op that costs almost nothing. (The issue's <c>Panoptic.Track</c> cannot exist: in a user's
/// code the name <c>Panoptic</c> binds to this library's namespace, so the class is named as Sentry names its own.)
/// </summary>
public static class PanopticSdk
{
    // Set once by Init, read on every Track: the configured tracker, as Activity and Meter keep their listeners.
    private static volatile Tracker? s_tracker;

    /// <summary>Starts exporting tracked operations to <paramref name="transport"/>; returns the exporter so the host can flush and dispose it at shutdown.</summary>
    public static EventExporter Init(IEventTransport transport, string? service = null, ExporterOptions? options = null, RateCard? rates = null)
    {
        var exporter = new EventExporter(transport, options);
        s_tracker = new Tracker(exporter, service, rates ?? RateCard.Embedded);
        return exporter;
    }

    /// <summary>Stops tracking (the exporter is the caller's to dispose).</summary>
    public static void Shutdown() => s_tracker = null;

    /// <summary>Runs <paramref name="work"/> and records it as <paramref name="operation"/> (failed when it throws; the exception still propagates).</summary>
    public static T Track<T>(Operation operation, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (s_tracker is not { } tracker) return work();
        using var scope = tracker.Begin(operation);
        try
        {
            return work();
        }
        catch (Exception e)
        {
            scope.Fail(e);
            throw;
        }
    }

    /// <summary>Awaits <paramref name="work"/> and records it as <paramref name="operation"/> (failed when it throws; the exception still propagates).</summary>
    public static async Task<T> TrackAsync<T>(Operation operation, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (s_tracker is not { } tracker) return await work().ConfigureAwait(false);
        using var scope = tracker.Begin(operation);
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            scope.Fail(e);
            throw;
        }
    }

    /// <summary>A scope for a block of code: disposing it records the operation; <see cref="TrackingScope.Fail"/> marks it failed, <see cref="TrackingScope.SetUsage"/> adds what it consumed.</summary>
    public static TrackingScope Begin(Operation operation) => s_tracker?.Begin(operation) ?? TrackingScope.None;

    internal sealed class Tracker(EventExporter exporter, string? service, RateCard rates)
    {
        public TrackingScope Begin(Operation operation) => new(this, operation);

        public void Record(Operation operation, Usage? usage, double totalMs, Exception? error)
        {
            try
            {
                var at = DateTimeOffset.UtcNow;
                var cost = operation.CostUsd;
                string? version = null;
                if (cost is null && usage is { IsEmpty: false } && rates.Price(operation.Provider, operation.Model, usage, at) is { } priced)
                    (cost, version) = (priced, rates.Version);
                var activity = Activity.Current;
                exporter.Enqueue(new CostEvent
                {
                    Id = Guid.CreateVersion7().ToString("N"), Timestamp = at, Provider = operation.Provider, Service = service, Model = operation.Model,
                    Operation = operation.Name, Context = PanopticContext.Current, Attributes = operation.Attributes, Usage = usage, CostUsd = cost,
                    RateCardVersion = version, TotalMs = totalMs, Failed = error is not null, ErrorType = error?.GetType().FullName,
                    ErrorMessage = error?.Message is { Length: > 500 } m ? m[..500] : error?.Message,
                    TraceId = activity?.TraceId.ToHexString(), SpanId = activity?.SpanId.ToHexString(),
                });
            }
            catch (Exception e)
            {
                // The SDK never throws into the host application.
                SdkEventSource.Log.CallbackFailed(e.Message);
            }
        }
    }

    /// <summary>A tracked block; records the operation when disposed.</summary>
    public sealed class TrackingScope : IDisposable
    {
        internal static readonly TrackingScope None = new(null, null);

        private readonly Tracker? _tracker;
        private readonly Operation? _operation;
        private readonly long _started = Stopwatch.GetTimestamp();
        private Usage? _usage;
        private Exception? _error;
        private bool _done;

        internal TrackingScope(Tracker? tracker, Operation? operation)
        {
            _tracker = tracker;
            _operation = operation;
            _usage = operation?.Usage;
        }

        /// <summary>Sets what the operation consumed (for example from the provider's response).</summary>
        public void SetUsage(Usage usage) => _usage = usage;

        /// <summary>Marks the operation failed with <paramref name="error"/>.</summary>
        public void Fail(Exception error) => _error = error;

        /// <summary>Records the operation (once).</summary>
        public void Dispose()
        {
            if (_done || _tracker is null || _operation is null) return;
            _done = true;
            _tracker.Record(_operation, _usage, Stopwatch.GetElapsedTime(_started).TotalMilliseconds, _error);
        }
    }
}
