using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.OpenTelemetry;

/// <summary>
/// Exports tracked operations as OpenTelemetry spans through the OpenTelemetry SDK's OTLP exporter, so any OTLP
/// backend — Panoptic's own <c>/v1/traces</c> included — receives them. Each span starts and ends when the operation
/// did, is a child of the span that was current when it ran (so it sits inside the request's trace), and carries
/// <c>gen_ai.*</c> attributes (provider, model, operation, token usage) and <c>panoptic.*</c> ones (tenant, user, plan,
/// feature, request, cost, event id). The transport owns its own tracer provider, so it works whether or not the
/// application uses OpenTelemetry itself. OTLP has no idempotency key, so a batch the exporter could not deliver is
/// reported failed rather than retried into duplicate spans (the OTLP exporter retries transient errors itself).
/// </summary>
public sealed class OpenTelemetryTransport : IEventTransport, IDisposable
{
    /// <summary>The default name of the ActivitySource the spans are created from.</summary>
    public const string DefaultSourceName = "Panoptic.Sdk.Events";

    private readonly ActivitySource _source;
    private readonly TracerProvider _provider;

    /// <summary>
    /// A transport exporting over OTLP, set up by <paramref name="configure"/> (endpoint, protocol, headers; unset, the
    /// standard <c>OTEL_EXPORTER_OTLP_*</c> environment variables apply), for the service <paramref name="serviceName"/>.
    /// </summary>
    public OpenTelemetryTransport(string serviceName, Action<OtlpExporterOptions>? configure = null, string sourceName = DefaultSourceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        _source = new ActivitySource(sourceName);
        _provider = global::OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName))
            .AddSource(sourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(options => configure?.Invoke(options))
            .Build()!;
    }

    /// <summary>Turns the batch into spans and waits (up to 30 seconds) until the exporter has sent them.</summary>
    public Task<SendResult> SendAsync(IReadOnlyList<CostEvent> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var e in batch)
            if (!Emit(e)) return Task.FromResult(SendResult.Permanent("the tracer provider did not sample the spans (another listener on the same source name?)"));
        // ForceFlush blocks; the exporter's loop is a background task, so it may.
        return Task.Run(() => _provider.ForceFlush(30_000)
            ? SendResult.Ok
            : SendResult.Permanent("the OTLP exporter did not deliver the spans (see the OpenTelemetry SDK's own diagnostics)"), cancellationToken);
    }

    private bool Emit(CostEvent e)
    {
        var end = e.Timestamp;
        var start = end - TimeSpan.FromMilliseconds(Math.Max(0, e.TotalMs));
        var parent = e.TraceId != default ? new ActivityContext(e.TraceId, e.SpanId, ActivityTraceFlags.Recorded) : default;
        var name = e.Operation is null ? e.Provider : $"{e.Operation} {e.Model}".TrimEnd();
        using var activity = _source.StartActivity(name, ActivityKind.Client, parent, startTime: start);
        if (activity is null) return false;
        activity.SetTag("gen_ai.provider.name", e.Provider);
        if (e.Operation is not null) activity.SetTag("gen_ai.operation.name", e.Operation);
        if (e.Model is not null)
        {
            activity.SetTag("gen_ai.request.model", e.Model);
            activity.SetTag("gen_ai.response.model", e.Model);
        }
        if (e.Usage is { } usage && (usage.InputTokens > 0 || usage.OutputTokens > 0))
        {
            activity.SetTag("gen_ai.usage.input_tokens", usage.InputTokens);
            activity.SetTag("gen_ai.usage.output_tokens", usage.OutputTokens);
            if (usage.CachedInputTokens > 0) activity.SetTag("gen_ai.usage.cache_read.input_tokens", usage.CachedInputTokens);
            if (usage.ReasoningTokens > 0) activity.SetTag("gen_ai.usage.reasoning.output_tokens", usage.ReasoningTokens);
        }
        activity.SetTag("panoptic.event_id", e.Id.ToString("N"));
        if (e.Service is not null) activity.SetTag("panoptic.service", e.Service);
        if (e.Context.TenantId is { } tenant) activity.SetTag("panoptic.tenant_id", tenant);
        if (e.Context.UserId is { } user) activity.SetTag("panoptic.user_id", user);
        if (e.Context.Feature is { } feature) activity.SetTag("panoptic.feature", feature);
        if (e.CostUsd is { } cost) activity.SetTag("panoptic.cost_usd", (double)cost);
        if (e.RateCardVersion is { } version) activity.SetTag("panoptic.rate_card", version);
        foreach (var (key, value) in e.AllAttributes())
            activity.SetTag("panoptic." + key, value is IReadOnlyDictionary<string, object?> ? System.Text.Json.JsonSerializer.Serialize(value) : Convert.ToString(value, CultureInfo.InvariantCulture));
        if (e.Failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.ErrorMessage);
            if (e.ErrorType is not null) activity.SetTag("error.type", e.ErrorType);
        }
        activity.SetEndTime(end.UtcDateTime);
        return true;
    }

    /// <summary>Flushes and shuts the tracer provider down.</summary>
    public void Dispose()
    {
        _provider.Dispose();
        _source.Dispose();
    }
}
