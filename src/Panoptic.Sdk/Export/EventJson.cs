using System.Text.Json;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Export;

/// <summary>Events in the JSON shape of the server's <c>POST /api/v1/events</c> (docs/server.md), shared by the server and JSON-lines transports.</summary>
internal static class EventJson
{
    /// <summary>The server's request body: <c>{"events":[...]}</c>.</summary>
    public static byte[] Batch(IReadOnlyList<CostEvent> batch)
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

    /// <summary>One event as the server reads it.</summary>
    public static void Write(Utf8JsonWriter json, CostEvent e)
    {
        json.WriteStartObject();
        json.WriteString("id", e.Id.ToString("N"));
        json.WriteString("timestamp", e.Timestamp);
        json.WriteString("provider", e.Provider);
        Optional(json, "service", e.Service);
        Optional(json, "model", e.Model);
        Optional(json, "operation", e.Operation);
        Optional(json, "tenant_id", e.Context.TenantId);
        Optional(json, "user_id", e.Context.UserId);
        Optional(json, "feature", e.Context.Feature);
        var attributes = e.AllAttributes();
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
        if (e.TraceId != default) json.WriteString("trace_id", e.TraceId.ToHexString());
        if (e.SpanId != default) json.WriteString("span_id", e.SpanId.ToHexString());
        json.WriteEndObject();
    }


    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null) json.WriteString(name, value);
    }
}
