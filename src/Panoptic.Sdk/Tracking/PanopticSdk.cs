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
/// The SDK's entry point: <see cref="Init(PanopticOptions)"/> once at start-up (or <c>services.AddPanoptic(configuration)</c>),
/// then <c>Track</c>, <c>TrackAsync</c> or a <see cref="Begin"/> scope wherever money is spent. Without Init every call
/// is a no-op that costs almost nothing. (The name <c>Panoptic.Track</c> cannot exist: in a user's code the name
/// <c>Panoptic</c> binds to this library's namespace, so the class is named as Sentry names its own.)
/// </summary>
public static class PanopticSdk
{
    // Set once by Init, read on every Track: the configured tracker, as Activity and Meter keep their listeners.
    private static volatile Tracker? s_tracker;

    /// <summary>The tracker in force, or null when the SDK is not initialised.</summary>
    internal static Tracker? Current => s_tracker;

    /// <summary>True after <c>Init</c> and before <see cref="Shutdown()"/>.</summary>
    public static bool IsEnabled => s_tracker is not null;

    /// <summary>
    /// Starts tracking with <paramref name="options"/> (validated first: a <see cref="PanopticConfigurationException"/>
    /// lists every problem). Returns the exporter so the host can flush and dispose it at shutdown, or null when the
    /// options leave the SDK disabled.
    /// </summary>
    public static EventExporter? Init(PanopticOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!options.IsConfigured)
        {
            SdkEventSource.Log.NotConfigured();
            return null;
        }
        var exporter = new EventExporter(options.CreateTransport(), options.Export);
        s_tracker = new Tracker(exporter, options.Service, options.RateCard ?? RateCard.Embedded, options.Sampling);
        return exporter;
    }

    /// <summary>Starts exporting tracked operations to <paramref name="transport"/>; returns the exporter so the host can flush and dispose it at shutdown.</summary>
    public static EventExporter Init(IEventTransport transport, string? service = null, ExporterOptions? options = null, RateCard? rates = null, SamplingOptions? sampling = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var exporter = new EventExporter(transport, options);
        s_tracker = new Tracker(exporter, service, rates ?? RateCard.Embedded, sampling ?? new SamplingOptions());
        return exporter;
    }

    /// <summary>Stops tracking (the exporter is the caller's to dispose).</summary>
    public static void Shutdown() => s_tracker = null;

    /// <summary>Stops tracking if <paramref name="exporter"/> is still the one in force (a later Init is left alone).</summary>
    internal static void Shutdown(EventExporter exporter)
    {
        var current = s_tracker;
        if (current is not null && ReferenceEquals(current.Exporter, exporter)) Interlocked.CompareExchange(ref s_tracker, null, current);
    }

    /// <summary>Runs <paramref name="work"/> and records it as <paramref name="operation"/> (failed when it throws; the exception still propagates).</summary>
    public static void Track(Operation operation, Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (s_tracker is not { } tracker)
        {
            work();
            return;
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            work();
        }
        catch (Exception e)
        {
            tracker.Record(operation, operation.Usage, started, Stopwatch.GetTimestamp(), e);
            throw;
        }
        tracker.Record(operation, operation.Usage, started, Stopwatch.GetTimestamp(), null);
    }

    /// <summary>Runs <paramref name="work"/> and records it as <paramref name="operation"/>, with the usage <paramref name="usageOf"/> reads from the result when given (failed when it throws; the exception still propagates).</summary>
    public static T Track<T>(Operation operation, Func<T> work, Func<T, Usage?>? usageOf = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (s_tracker is not { } tracker) return work();
        var started = Stopwatch.GetTimestamp();
        T result;
        try
        {
            result = work();
        }
        catch (Exception e)
        {
            tracker.Record(operation, operation.Usage, started, Stopwatch.GetTimestamp(), e);
            throw;
        }
        var ended = Stopwatch.GetTimestamp();
        tracker.Record(operation, UsageOf(operation, result, usageOf), started, ended, null);
        return result;
    }

    /// <summary>Awaits <paramref name="work"/> and records it as <paramref name="operation"/> (failed when it throws; the exception still propagates).</summary>
    public static async Task TrackAsync(Operation operation, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (s_tracker is not { } tracker)
        {
            await work().ConfigureAwait(false);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            tracker.Record(operation, operation.Usage, started, Stopwatch.GetTimestamp(), e);
            throw;
        }
        tracker.Record(operation, operation.Usage, started, Stopwatch.GetTimestamp(), null);
    }

    /// <summary>Awaits <paramref name="work"/> and records it as <paramref name="operation"/>, with the usage <paramref name="usageOf"/> reads from the result when given (failed when it throws; the exception still propagates).</summary>
    public static async Task<T> TrackAsync<T>(Operation operation, Func<Task<T>> work, Func<T, Usage?>? usageOf = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (s_tracker is not { } tracker) return await work().ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        T result;
        try
        {
            result = await work().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            tracker.Record(operation, operation.Usage, started, Stopwatch.GetTimestamp(), e);
            throw;
        }
        var ended = Stopwatch.GetTimestamp();
        tracker.Record(operation, UsageOf(operation, result, usageOf), started, ended, null);
        return result;
    }

    /// <summary>A scope for a block of code: disposing it records the operation; <see cref="TrackingScope.Fail"/> marks it failed, <see cref="TrackingScope.SetUsage"/> adds what it consumed.</summary>
    public static TrackingScope Begin(Operation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return s_tracker is { } tracker ? new TrackingScope(tracker, operation) : TrackingScope.None;
    }

    private static Usage? UsageOf<T>(Operation operation, T result, Func<T, Usage?>? usageOf)
    {
        if (usageOf is null) return operation.Usage;
        try
        {
            return usageOf(result) ?? operation.Usage;
        }
        catch (Exception e)
        {
            SdkEventSource.Log.CallbackFailed("reading usage: " + e.Message);
            return operation.Usage;
        }
    }

    internal sealed class Tracker(EventExporter exporter, string? service, RateCard rates, SamplingOptions sampling)
    {
        private readonly bool _keepsAll = sampling.KeepsAll;

        public EventExporter Exporter => exporter;

        /// <summary>
        /// Prices, samples and queues one operation that ran from <paramref name="started"/> to <paramref name="ended"/>
        /// (Stopwatch timestamps). Never throws.
        /// </summary>
        public void Record(Operation operation, Usage? usage, long started, long ended, Exception? error, bool estimated = false)
        {
            try
            {
                var at = DateTimeOffset.UtcNow;
                var cost = operation.CostUsd;
                string? version = null;
                if (cost is null && usage is { IsEmpty: false } && rates.Price(operation.Provider, operation.Model, usage, at) is { } priced)
                    (cost, version) = (priced, rates.Version);
                var rate = 1d;
                if (!_keepsAll && error is null && !(cost >= sampling.AlwaysKeepCostUsd))
                {
                    rate = sampling.RateFor(operation.Provider, operation.Name);
                    if (rate < 1 && Random.Shared.NextDouble() >= rate)
                    {
                        exporter.CountSampledOut();
                        return;
                    }
                }
                var activity = Activity.Current;
                var execution = Stopwatch.GetElapsedTime(started, ended).TotalMilliseconds;
                var overhead = Stopwatch.GetElapsedTime(ended).TotalMilliseconds;
                exporter.Enqueue(new CostEvent
                {
                    Id = EventIds.New(at), Timestamp = at, Provider = operation.Provider, Service = service, Model = operation.Model,
                    Operation = operation.Name, Context = PanopticContext.Current, Attributes = operation.Attributes, Usage = usage, CostUsd = cost,
                    RateCardVersion = version, TotalMs = execution + overhead, ExecutionMs = execution, OverheadMs = overhead, Failed = error is not null,
                    ErrorType = error?.GetType().FullName, ErrorMessage = error?.Message is { Length: > 500 } m ? m[..500] : error?.Message,
                    TraceId = activity?.TraceId ?? default, SpanId = activity?.SpanId ?? default, SampleRate = rate, UsageEstimated = estimated,
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
        private int _done;

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
            var ended = Stopwatch.GetTimestamp();
            if (_tracker is null || _operation is null || Interlocked.Exchange(ref _done, 1) == 1) return;
            _tracker.Record(_operation, _usage, _started, ended, _error);
        }
    }
}
