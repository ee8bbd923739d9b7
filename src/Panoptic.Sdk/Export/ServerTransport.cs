using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Export;

/// <summary>
/// Sends batches to a Panoptic server's <c>POST /api/v1/events</c> with the workspace's ingestion key. 429, 5xx and
/// network errors are retryable (Retry-After honoured); 422 means the server stored the valid events and rejected
/// the rest, which a retry cannot fix; other 4xx (a wrong key) are permanent.
/// </summary>
public sealed class ServerTransport(HttpClient http, Uri endpoint, string apiKey) : IEventTransport
{
    /// <summary>Posts one batch to the server.</summary>
    public async Task<SendResult> SendAsync(IReadOnlyList<CostEvent> batch, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "api/v1/events"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        request.Content = new ByteArrayContent(Body(batch));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode || status == 422) return SendResult.Ok;
            var after = response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            return status == 429 || status >= 500 ? SendResult.Retryable($"the server answered {status}", after)
                : SendResult.Permanent($"the server answered {status}{(response.StatusCode == HttpStatusCode.Unauthorized ? " (check Panoptic:ApiKey)" : "")}");
        }
        catch (HttpRequestException e)
        {
            return SendResult.Retryable($"the server is unreachable: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendResult.Retryable("the server did not answer in time");
        }
    }

    internal static byte[] Body(IReadOnlyList<CostEvent> batch)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            foreach (var e in batch) Write(json, e);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void Write(Utf8JsonWriter json, CostEvent e)
    {
        json.WriteStartObject();
        json.WriteString("id", e.Id);
        json.WriteString("timestamp", e.Timestamp);
        json.WriteString("provider", e.Provider);
        Optional(json, "service", e.Service);
        Optional(json, "model", e.Model);
        Optional(json, "operation", e.Operation);
        Optional(json, "tenant_id", e.Context.TenantId);
        Optional(json, "user_id", e.Context.UserId);
        Optional(json, "feature", e.Context.Feature);
        var attributes = Attributes(e);
        if (attributes.Count > 0)
        {
            json.WritePropertyName("attributes");
            JsonSerializer.Serialize(json, attributes);
        }
        if (e.Usage is { IsEmpty: false } usage)
        {
            json.WriteStartObject("usage");
            if (usage.InputTokens != 0) json.WriteNumber("input_tokens", usage.InputTokens);
            if (usage.OutputTokens != 0) json.WriteNumber("output_tokens", usage.OutputTokens);
            if (usage.CachedInputTokens != 0) json.WriteNumber("cached_input_tokens", usage.CachedInputTokens);
            if (usage.ReasoningTokens != 0) json.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
            if (usage.Requests != 0) json.WriteNumber("requests", usage.Requests);
            if (usage.Bytes != 0) json.WriteNumber("bytes", usage.Bytes);
            if (usage.Units != 0) json.WriteNumber("units", usage.Units);
            json.WriteEndObject();
        }
        if (e.CostUsd is { } cost)
        {
            json.WriteStartObject("cost");
            json.WriteNumber("amount", cost);
            json.WriteString("currency", "USD");
            json.WriteEndObject();
        }
        json.WriteStartObject("timing");
        json.WriteNumber("total_ms", Math.Round(e.TotalMs, 3));
        if (e.ExecutionMs is { } execution) json.WriteNumber("execution_ms", Math.Round(execution, 3));
        if (e.OverheadMs is { } overhead) json.WriteNumber("overhead_ms", Math.Round(overhead, 3));
        json.WriteEndObject();
        json.WriteString("status", e.Failed ? "error" : "ok");
        if (e.Failed)
        {
            json.WriteStartObject("error");
            Optional(json, "type", e.ErrorType);
            Optional(json, "message", e.ErrorMessage);
            json.WriteEndObject();
        }
        Optional(json, "trace_id", e.TraceId);
        Optional(json, "span_id", e.SpanId);
        json.WriteEndObject();
    }

    /// <summary>The event's attributes with the context's plan, request id and attributes (the event's own win).</summary>
    private static Dictionary<string, object?> Attributes(CostEvent e)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in e.Context.Attributes ?? new Dictionary<string, object?>()) attributes[key] = value;
        if (e.Context.Plan is { } plan) attributes["plan"] = plan;
        if (e.Context.RequestId is { } request) attributes["request_id"] = request;
        foreach (var (key, value) in e.Attributes ?? new Dictionary<string, object?>()) attributes[key] = value;
        return attributes;
    }

    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null) json.WriteString(name, value);
    }
}
