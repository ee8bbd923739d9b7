using Panoptic.Sdk.Pricing;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Traces;

/// <summary>
/// Turns spans that carry OpenTelemetry GenAI usage (gen_ai.usage.input_tokens / output_tokens) into cost events,
/// priced by the rate card, so any language's OpenTelemetry instrumentation reports LLM cost with no Panoptic SDK.
/// The event id is derived from the trace and span ids: an exporter retrying a request never double-counts.
/// </summary>
internal static class GenAiCosts
{
    /// <summary>Attribute names read for the dimensions, first match wins, span before resource (docs/traces.md lists them).</summary>
    public static readonly string[] TenantKeys = ["panoptic.tenant_id", "tenant.id", "tenant_id"];
    public static readonly string[] UserKeys = ["panoptic.user_id", "enduser.id", "user.id", "user_id"];
    public static readonly string[] FeatureKeys = ["panoptic.feature", "feature"];

    private static readonly string[] InputKeys = ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"];
    private static readonly string[] OutputKeys = ["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"];

    /// <summary>Whether the span reports token usage, which is what makes it a cost event.</summary>
    public static bool CarriesUsage(TraceSpan span) => span.Attribute(InputKeys) is not null || span.Attribute(OutputKeys) is not null;

    public static LedgerEvent? Of(TraceSpan span, RateCard rates)
    {
        var input = span.Attribute(InputKeys)?.AsLong();
        var output = span.Attribute(OutputKeys)?.AsLong();
        if (input is null && output is null) return null;
        var provider = Provider(span.Attribute("gen_ai.provider.name", "gen_ai.system")?.ToString());
        var model = span.Attribute("gen_ai.response.model", "gen_ai.request.model")?.ToString() ?? "";
        var usage = new Usage
        {
            InputTokens = Math.Max(0, input ?? 0), OutputTokens = Math.Max(0, output ?? 0), Requests = 1,
            CachedInputTokens = Math.Max(0, span.Attribute("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens")?.AsLong() ?? 0),
        };
        var at = DateTimeOffset.FromUnixTimeMilliseconds((long)((span.EndNanos > 0 ? span.EndNanos : span.StartNanos) / 1_000_000));
        var price = rates.Price(provider, model, usage, at);
        return new LedgerEvent
        {
            Id = $"otel-{span.TraceIdHex}-{span.SpanIdHex}", Timestamp = at, Provider = provider, Model = model, Service = span.Service,
            Operation = span.Attribute("gen_ai.operation.name")?.ToString() ?? span.Name,
            TenantId = Text(span, TenantKeys), UserId = Text(span, UserKeys), Feature = Text(span, FeatureKeys),
            InputTokens = usage.InputTokens, OutputTokens = usage.OutputTokens, CachedInputTokens = usage.CachedInputTokens, Requests = 1,
            CostNanos = price is { } usd ? Nanos.FromUsd(usd).Value : null,
            CostSource = price is null ? CostSource.Unpriced : CostSource.RateCard, RateCard = price is null ? null : rates.Version,
            TotalMs = span.DurationMs, Status = span.Status == SpanStatus.Error ? "error" : "ok",
            Error = span.Status == SpanStatus.Error ? Truncate(span.StatusMessage ?? span.Attribute("error.type")?.ToString() ?? "error", 1000) : null,
            TraceId = span.TraceIdHex, SpanId = span.SpanIdHex,
        };
    }

    /// <summary>
    /// The ledger's provider for a gen_ai.provider.name (or older gen_ai.system) value, from providers.json: the
    /// semantic conventions name cloud-hosted providers by their cloud ("gcp.gemini" is gemini, "az.ai.openai" azure_openai).
    /// </summary>
    public static string Provider(string? name) => string.IsNullOrWhiteSpace(name) ? "unknown" : Sdk.Providers.ProviderIdentity.Resolve(name);

    private static string Text(TraceSpan span, string[] keys) => span.Attribute(keys)?.ToString() is { } value ? Truncate(value, 256) : "";

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
