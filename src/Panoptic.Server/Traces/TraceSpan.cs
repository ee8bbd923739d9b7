using System.Globalization;

namespace Panoptic.Server.Traces;

/// <summary>OpenTelemetry's span kinds, numbered as OTLP numbers them.</summary>
internal enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>OpenTelemetry's span status codes, numbered as OTLP numbers them.</summary>
internal enum SpanStatus
{
    Unset = 0,
    Ok = 1,
    Error = 2,
}

/// <summary>An attribute value. Arrays and key-value lists are kept as their text (nothing here reads into them).</summary>
internal readonly record struct AttributeValue(string? Text, long? Integer, double? Double, bool? Boolean)
{
    public static AttributeValue Of(string text) => new(text, null, null, null);

    public static AttributeValue Of(long value) => new(null, value, null, null);

    public static AttributeValue Of(double value) => new(null, null, value, null);

    public static AttributeValue Of(bool value) => new(null, null, null, value);

    /// <summary>The value as a whole number: an integer, a whole double, or a string of digits (some SDKs send those).</summary>
    public long? AsLong() => Integer ?? (Double is { } d && d == Math.Floor(d) && Math.Abs(d) < 9e15 ? (long?)(long)d : null)
        ?? (Text is { } t && long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null);

    public override string ToString() => Text ?? Integer?.ToString(CultureInfo.InvariantCulture) ?? Double?.ToString("R", CultureInfo.InvariantCulture)
        ?? (Boolean is { } b ? (b ? "true" : "false") : "");
}

/// <summary>A span's or a resource's attributes, in arrival order; the last of repeated keys wins.</summary>
internal sealed class SpanAttributes : List<KeyValuePair<string, AttributeValue>>
{
    public static readonly SpanAttributes Empty = [];

    public AttributeValue? Find(string key)
    {
        for (var i = Count - 1; i >= 0; i--)
            if (string.Equals(this[i].Key, key, StringComparison.Ordinal)) return this[i].Value;
        return null;
    }
}

/// <summary>One span as Panoptic reads it from OTLP, whichever encoding it came in.</summary>
internal sealed class TraceSpan
{
    public required UInt128 TraceId { get; init; }
    public required ulong SpanId { get; init; }
    /// <summary>0 for a root span.</summary>
    public ulong ParentSpanId { get; init; }
    public required string Name { get; init; }
    public SpanKind Kind { get; init; }
    public ulong StartNanos { get; init; }
    public ulong EndNanos { get; init; }
    public SpanStatus Status { get; init; }
    public string? StatusMessage { get; init; }
    public required SpanAttributes Attributes { get; init; }
    public required SpanAttributes Resource { get; init; }

    /// <summary>The resource's service.name; OpenTelemetry SDKs fill in "unknown_service" when the app sets none.</summary>
    public string Service => Resource.Find("service.name")?.ToString() is { Length: > 0 } name ? name : "unknown_service";

    public double DurationMs => EndNanos > StartNanos ? (EndNanos - StartNanos) / 1_000_000.0 : 0;

    /// <summary>The first of <paramref name="keys"/> the span has, else the first its resource has.</summary>
    public AttributeValue? Attribute(params ReadOnlySpan<string> keys)
    {
        foreach (var key in keys)
            if (Attributes.Find(key) is { } value) return value;
        foreach (var key in keys)
            if (Resource.Find(key) is { } value) return value;
        return null;
    }

    public string TraceIdHex => TraceId.ToString("x32", CultureInfo.InvariantCulture);

    public string SpanIdHex => SpanId.ToString("x16", CultureInfo.InvariantCulture);
}

/// <summary>What one export request held: the spans that could be read, and how many could not and why (the first few reasons).</summary>
internal sealed class TraceBatch
{
    public List<TraceSpan> Spans { get; } = [];
    public int Rejected { get; private set; }
    public List<string> Errors { get; } = [];

    public void Reject(int spans, string reason)
    {
        Rejected += spans;
        if (Errors.Count < 5 && !Errors.Contains(reason)) Errors.Add(reason);
    }
}
