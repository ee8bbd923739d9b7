using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Panoptic.Sdk.Pricing;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Ingestion;

/// <summary>
/// Turns one JSON cost event (docs/server.md, "Cost events") into a priced ledger event, or says everything wrong
/// with it. Unknown fields are not errors — newer SDKs may send more — but are reported back so typos show.
/// </summary>
internal sealed class EventParser(RateCard rates, DateTimeOffset now, TimeSpan maxSkew)
{
    private const int MaxText = 256;
    // Bounds far above any real event that keep one event's counts, cost and price arithmetic well inside a long and a decimal.
    private const long MaxCount = 1_000_000_000_000;
    private const long MaxBytes = 1_000_000_000_000_000;
    private const double MaxUnits = 1e12;
    private const double MaxMilliseconds = 31d * 24 * 60 * 60 * 1000;
    private const decimal MaxEventUsd = 1_000_000;
    private const int MaxAttributesBytes = 16 * 1024;
    private static readonly HashSet<string> UsageFields = ["input_tokens", "output_tokens", "cached_input_tokens", "reasoning_tokens", "requests", "bytes", "units"];
    private static readonly string[] ErrorParts = ["type", "message"];
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public sealed record Result(LedgerEvent? Event, List<string> Errors, List<string> Ignored);

    public Result Parse(JsonElement json)
    {
        var errors = new List<string>();
        var ignored = new List<string>();
        if (json.ValueKind != JsonValueKind.Object) return new Result(null, ["an event is a JSON object"], ignored);
        if (Utf8Bytes.FirstInvalid(JsonMarshal.GetRawUtf8Value(json)) is >= 0 and var at)
            return new Result(null, [$"the event holds bytes that are not valid UTF-8 (byte {at} of the event)"], ignored);
        // One pass over the properties: keyed lookups scan the object each time, and ingestion reads thousands of events a batch.
        var f = new Fields();
        foreach (var property in json.EnumerateObject())
        {
            var value = property.Value.ValueKind == JsonValueKind.Null ? (JsonElement?)null : property.Value;
            switch (property.Name)
            {
                case "id": f.Id = value; break;
                case "timestamp": f.Timestamp = value; break;
                case "provider": f.Provider = value; break;
                case "service": f.Service = value; break;
                case "model": f.Model = value; break;
                case "resource": f.Resource = value; break;
                case "operation": f.Operation = value; break;
                case "tenant_id": f.Tenant = value; break;
                case "user_id": f.User = value; break;
                case "feature": f.Feature = value; break;
                case "attributes": f.Attributes = value; break;
                case "usage": f.Usage = value; break;
                case "cost": f.Cost = value; break;
                case "timing": f.Timing = value; break;
                case "status": f.Status = value; break;
                case "error": f.Error = value; break;
                case "trace_id": f.TraceId = value; break;
                case "span_id": f.SpanId = value; break;
                default: ignored.Add(property.Name); break;
            }
        }

        var id = Text(f.Id, "id", errors, required: true, max: 128);
        var provider = Text(f.Provider, "provider", errors, required: true, max: 64);
        var timestamp = Timestamp(f.Timestamp, errors);
        var model = Text(f.Model, "model", errors) ?? Text(f.Resource, "resource", errors);
        var service = Text(f.Service, "service", errors);
        var operation = Text(f.Operation, "operation", errors);
        var tenant = Text(f.Tenant, "tenant_id", errors);
        var user = Text(f.User, "user_id", errors);
        var feature = Text(f.Feature, "feature", errors);
        var usage = Usage(f.Usage, errors);
        var (costUsd, hasCost) = Cost(f.Cost, errors);
        var (total, execution, overhead) = Timing(f.Timing, errors);
        var status = Text(f.Status, "status", errors, max: 16) ?? (f.Error is not null ? "error" : "ok");
        if (status is not ("ok" or "error")) errors.Add("status: 'ok' or 'error'");
        var error = Error(f.Error, errors);
        var traceId = Hex(f.TraceId, "trace_id", 32, errors);
        var spanId = Hex(f.SpanId, "span_id", 16, errors);
        string? attributes = null;
        if (f.Attributes is { } attrs)
        {
            if (attrs.ValueKind != JsonValueKind.Object) errors.Add("attributes: a JSON object");
            else if ((attributes = attrs.GetRawText()).Length > MaxAttributesBytes) errors.Add($"attributes: at most {MaxAttributesBytes} bytes");
        }
        if (errors.Count > 0) return new Result(null, errors, ignored);

        long? costNanos;
        CostSource source;
        string? rateCard = null;
        if (hasCost) (costNanos, source) = (Storage.Ledger.Nanos.FromUsd(costUsd).Value, CostSource.Caller);
        else if (usage.IsEmpty) (costNanos, source) = (null, CostSource.None);
        else if (Priced(provider!, model, usage, timestamp, errors) is { } priced) (costNanos, source, rateCard) = (Storage.Ledger.Nanos.FromUsd(priced).Value, CostSource.RateCard, rates.Version);
        else (costNanos, source) = (null, CostSource.Unpriced);
        if (errors.Count > 0) return new Result(null, errors, ignored);

        return new Result(new LedgerEvent
        {
            Id = id!, Timestamp = timestamp, Provider = provider!.Trim().ToLowerInvariant(), Model = model ?? "", Service = service ?? "",
            Operation = operation ?? "", TenantId = tenant ?? "", UserId = user ?? "", Feature = feature ?? "", Attributes = attributes,
            InputTokens = usage.InputTokens, OutputTokens = usage.OutputTokens, CachedInputTokens = usage.CachedInputTokens, ReasoningTokens = usage.ReasoningTokens,
            Requests = usage.Requests, Bytes = usage.Bytes, Units = usage.Units,
            CostNanos = costNanos, CostSource = source, RateCard = rateCard, TotalMs = total, ExecutionMs = execution, OverheadMs = overhead,
            Status = status, Error = error, TraceId = traceId, SpanId = spanId,
        }, errors, ignored);
    }

    /// <summary>The event's known properties, each null when absent or JSON null.</summary>
    private struct Fields
    {
        public JsonElement? Id, Timestamp, Provider, Service, Model, Resource, Operation, Tenant, User, Feature, Attributes, Usage, Cost, Timing, Status, Error, TraceId, SpanId;
    }

    /// <summary>The rate card's price, or null with an error when it is past belief (or past a decimal: a workspace card may hold any price).</summary>
    private decimal? Priced(string provider, string? model, Usage usage, DateTimeOffset timestamp, List<string> errors)
    {
        decimal? priced;
        try
        {
            priced = rates.Price(provider, model, usage, timestamp);
        }
        catch (OverflowException)
        {
            priced = decimal.MaxValue;
        }
        if (priced is not > MaxEventUsd) return priced;
        errors.Add($"usage: priced at more than ${MaxEventUsd:#,0} for one event, which is not believable");
        return null;
    }

    private static string? Text(JsonElement? element, string name, List<string> errors, bool required = false, int max = MaxText)
    {
        if (element is not { } value)
        {
            if (required) errors.Add($"{name}: required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String) { errors.Add($"{name}: a string"); return null; }
        var text = value.GetString()!;
        if (required && text.Trim().Length == 0) { errors.Add($"{name}: must not be empty"); return null; }
        if (text.Length > max) { errors.Add($"{name}: at most {max} characters"); return null; }
        if (text.Any(char.IsControl)) { errors.Add($"{name}: control characters are not allowed"); return null; }
        return text;
    }

    private DateTimeOffset Timestamp(JsonElement? element, List<string> errors)
    {
        if (element is not { } value) { errors.Add("timestamp: required (RFC 3339, e.g. 2026-11-22T09:30:00Z)"); return default; }
        if (value.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            errors.Add("timestamp: an RFC 3339 date and time, e.g. 2026-11-22T09:30:00Z");
            return default;
        }
        if (time > now + maxSkew) errors.Add($"timestamp: {time:O} is in the future (more than {maxSkew.TotalMinutes:0} minutes ahead of the server)");
        if (time < Earliest) errors.Add("timestamp: before 2000-01-01");
        return time.ToUniversalTime();
    }

    private static Usage Usage(JsonElement? element, List<string> errors)
    {
        if (element is not { } usage) return new Usage();
        if (usage.ValueKind != JsonValueKind.Object) { errors.Add("usage: a JSON object"); return new Usage(); }
        foreach (var property in usage.EnumerateObject())
        {
            if (!UsageFields.Contains(property.Name)) errors.Add($"usage.{property.Name}: unknown (known: {string.Join(", ", UsageFields)})");
        }
        long Count(string name)
        {
            if (!usage.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return 0;
            if (v.ValueKind != JsonValueKind.Number) { errors.Add($"usage.{name}: a whole number"); return 0; }
            if (!v.TryGetInt64(out var n))
            {
                errors.Add(v.TryGetDouble(out var d) && d == Math.Floor(d) && d > 0 ? $"usage.{name}: at most {(name == "bytes" ? MaxBytes : MaxCount)}" : $"usage.{name}: a whole number");
                return 0;
            }
            if (n < 0) { errors.Add($"usage.{name}: must not be negative"); return 0; }
            var max = name == "bytes" ? MaxBytes : MaxCount;
            if (n > max) { errors.Add($"usage.{name}: at most {max}"); return 0; }
            return n;
        }
        var units = 0d;
        if (usage.TryGetProperty("units", out var u) && u.ValueKind != JsonValueKind.Null)
        {
            if (u.ValueKind != JsonValueKind.Number || !double.IsFinite(units = u.GetDouble())) errors.Add("usage.units: a number");
            else if (units < 0) errors.Add("usage.units: must not be negative");
            else if (units > MaxUnits) errors.Add($"usage.units: at most {MaxUnits:0}");
        }
        var result = new Usage
        {
            InputTokens = Count("input_tokens"), OutputTokens = Count("output_tokens"), CachedInputTokens = Count("cached_input_tokens"),
            ReasoningTokens = Count("reasoning_tokens"), Requests = Count("requests"), Bytes = Count("bytes"), Units = Math.Max(0, units),
        };
        if (result.CachedInputTokens > result.InputTokens) errors.Add("usage.cached_input_tokens: part of input_tokens, so not more than it");
        return result;
    }

    private static (decimal Usd, bool Present) Cost(JsonElement? element, List<string> errors)
    {
        if (element is not { } cost) return (0, false);
        if (cost.ValueKind != JsonValueKind.Object) { errors.Add("cost: an object like {\"amount\": 0.0123, \"currency\": \"USD\"}"); return (0, false); }
        if (cost.TryGetProperty("currency", out var currency) && currency.ValueKind != JsonValueKind.Null && currency.GetString() is not ("USD" or "usd"))
            errors.Add("cost.currency: only USD is supported");
        if (!cost.TryGetProperty("amount", out var amount) || amount.ValueKind != JsonValueKind.Number || !amount.TryGetDecimal(out var usd))
        {
            errors.Add("cost.amount: a number of US dollars");
            return (0, false);
        }
        if (usd < 0) errors.Add("cost.amount: must not be negative");
        if (usd > 1_000_000) errors.Add("cost.amount: more than $1,000,000 for one event is not believable");
        return (usd, true);
    }

    private static (double?, double?, double?) Timing(JsonElement? element, List<string> errors)
    {
        if (element is not { } timing) return (null, null, null);
        if (timing.ValueKind != JsonValueKind.Object) { errors.Add("timing: a JSON object"); return (null, null, null); }
        double? Ms(string name)
        {
            if (!timing.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()) || v.GetDouble() < 0) { errors.Add($"timing.{name}: a non-negative number of milliseconds"); return null; }
            if (v.GetDouble() > MaxMilliseconds) { errors.Add($"timing.{name}: at most {MaxMilliseconds:0} milliseconds (31 days)"); return null; }
            return v.GetDouble();
        }
        return (Ms("total_ms"), Ms("execution_ms"), Ms("overhead_ms"));
    }

    private static string? Error(JsonElement? element, List<string> errors)
    {
        if (element is not { } error) return null;
        var text = error.ValueKind switch
        {
            JsonValueKind.String => error.GetString(),
            JsonValueKind.Object => string.Join(": ", ErrorParts.Select(n => error.TryGetProperty(n, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null).OfType<string>()),
            _ => null,
        };
        if (text is null) errors.Add("error: a string or an object with type and message");
        return text is { Length: > 1000 } ? text[..1000] : text;
    }

    private static string? Hex(JsonElement? element, string name, int length, List<string> errors)
    {
        if (element is not { } value) return null;
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        if (text.Length != length || !text.All(char.IsAsciiHexDigit)) { errors.Add($"{name}: {length} hexadecimal characters"); return null; }
        return text.ToLowerInvariant();
    }
}
