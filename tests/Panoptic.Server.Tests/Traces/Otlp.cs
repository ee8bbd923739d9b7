using Panoptic.Server.Traces;

namespace Panoptic.Server.Tests.Traces;

/// <summary>
/// OTLP protobuf pieces for tests, written field by field with the server's <see cref="ProtoWriter"/>, so tests can
/// send what no well-behaved SDK sends: fields out of order, unknown fields, ids of the wrong length, invalid UTF-8,
/// truncated messages.
/// </summary>
internal static class Otlp
{
    /// <summary>A KeyValue with a string value.</summary>
    public static ProtoWriter Attribute(string key, string value) => new ProtoWriter().Text(1, key).Message(2, new ProtoWriter().Text(1, value));

    public static ProtoWriter Attribute(string key, long value) => new ProtoWriter().Text(1, key).Message(2, new ProtoWriter().Varint(3, (ulong)value));

    /// <summary>An ExportTraceServiceRequest with one resource (service.name) and one scope holding <paramref name="spans"/>.</summary>
    public static byte[] Request(string service, params ProtoWriter[] spans)
    {
        var scope = new ProtoWriter().Message(1, new ProtoWriter().Text(1, "test"));
        foreach (var span in spans) scope.Message(2, span);
        var resourceSpans = new ProtoWriter().Message(2, scope).Message(1, new ProtoWriter().Message(1, Attribute("service.name", service)));
        return new ProtoWriter().Message(1, resourceSpans).ToArray();
    }

    public static byte[] Id(int length, byte fill) => Enumerable.Repeat(fill, length).ToArray();
}
