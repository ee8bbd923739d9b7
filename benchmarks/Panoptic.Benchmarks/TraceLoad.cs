using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Panoptic.Server.Traces;

namespace Panoptic.Benchmarks;

/// <summary>
/// A load client for POST /v1/traces (OTLP protobuf): for <c>seconds</c>, sends requests of <c>batch</c> spans over several
/// connections and prints the sustained rate, then reads the service graph back. Every trace has five spans across two
/// services, as instrumented web backends produce them: web's root server span, web's client call to orders, orders'
/// server span, orders' database call, and orders' call to an LLM carrying GenAI usage (so a fifth of the spans also
/// become cost events). Ids are unique across the run. Run by benchmarks/trace-benchmark.sh.
/// </summary>
internal static class TraceLoad
{
    public static async Task RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? fallback;
        var url = new Uri(Arg("url", "http://127.0.0.1:7317"));
        var seconds = double.Parse(Arg("seconds", "60"), CultureInfo.InvariantCulture);
        var batch = int.Parse(Arg("batch", "1000"), CultureInfo.InvariantCulture) / 5 * 5;
        var connections = int.Parse(Arg("connections", "4"), CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Arg("key", ""));

        var next = -1L;
        var sent = 0L;
        var clock = Stopwatch.StartNew();
        var lastReport = 0L;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                var b = Interlocked.Increment(ref next);
                using var content = new ByteArrayContent(Body(b, batch / 5));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                using var response = await http.PostAsync("/v1/traces", content);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"request {b}: {(int)response.StatusCode}");
                if ((await response.Content.ReadAsByteArrayAsync()).Length > 0) throw new InvalidOperationException($"request {b}: partial success");
                var done = Interlocked.Add(ref sent, batch);
                if (done - Interlocked.Read(ref lastReport) >= 1_000_000 && Interlocked.Exchange(ref lastReport, done) != done)
                    Console.Error.WriteLine($"  {done:N0} spans, {done / clock.Elapsed.TotalSeconds:N0}/s");
            }
        }));
        clock.Stop();
        Console.WriteLine($"sent {sent:N0} spans in {clock.Elapsed.TotalSeconds:N1} s: {sent / clock.Elapsed.TotalSeconds:N0} spans/s ({batch} spans a request, {connections} connections; {sent / 5:N0} traces, {sent / 5:N0} GenAI cost events)");

        var token = Arg("token", "");
        if (token.Length == 0) return;
        // The graph settles unpaired spans after the wait; the LLM calls have no partner. Give it the wait and a flush.
        await Task.Delay(TimeSpan.FromSeconds(17));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.Add("Panoptic-Workspace", Arg("workspace", ""));
        var graph = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/graph?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-(seconds / 60) - 5).ToString("O"))}"));
        foreach (var edge in graph.RootElement.GetProperty("edges").EnumerateArray())
            Console.WriteLine($"edge {edge.GetProperty("client").GetString()} -> {edge.GetProperty("server").GetString()}: {edge.GetProperty("requests").GetInt64():N0} requests");
    }

    private static readonly long StartNanos = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>One ExportTraceServiceRequest with <paramref name="traces"/> traces (five spans each), ids unique to request <paramref name="request"/>.</summary>
    private static byte[] Body(long request, int traces)
    {
        var web = new ProtoWriter();
        var orders = new ProtoWriter();
        var now = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
        for (var t = 0; t < traces; t++)
        {
            var trace = new byte[16];
            BinaryPrimitives.WriteInt64BigEndian(trace, request + 1);
            BinaryPrimitives.WriteInt64BigEndian(trace.AsSpan(8), t + 1);
            ulong Id(int span) => (ulong)((request * 1_000_000) + (t * 8) + span + 1);
            web.Message(2, Span(trace, Id(1), 0, "GET /checkout", 2, now, 40_000_000));
            web.Message(2, Span(trace, Id(2), Id(1), "POST /orders", 3, now + 1_000_000, 30_000_000, ("server.address", "orders")));
            orders.Message(2, Span(trace, Id(3), Id(2), "POST /orders", 2, now + 2_000_000, 27_000_000));
            orders.Message(2, Span(trace, Id(4), Id(3), "INSERT orders", 3, now + 3_000_000, 2_000_000, ("db.system.name", "postgresql")));
            orders.Message(2, Span(trace, Id(5), Id(3), "chat gpt-4o-mini", 3, now + 6_000_000, 20_000_000, ("server.address", "api.openai.com"),
                ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o-mini"), ("gen_ai.usage.input_tokens", 500L), ("gen_ai.usage.output_tokens", 100L),
                ("tenant.id", "tenant-" + (t % 50).ToString(CultureInfo.InvariantCulture))));
        }
        return new ProtoWriter().Message(1, Resource("web", web)).Message(1, Resource("orders", orders)).ToArray();
    }

    private static ProtoWriter Resource(string service, ProtoWriter spans) =>
        new ProtoWriter().Message(1, new ProtoWriter().Message(1, Attribute("service.name", service))).Message(2, new ProtoWriter().Message(1, new ProtoWriter().Text(1, "bench")).Raw(spans));

    private static ProtoWriter Span(byte[] trace, ulong id, ulong parent, string name, int kind, ulong start, ulong duration, params (string Key, object Value)[] attributes)
    {
        var span = new ProtoWriter().Bytes(1, trace).Bytes(2, Id(id));
        if (parent != 0) span.Bytes(4, Id(parent));
        span.Text(5, name).Varint(6, (ulong)kind).Fixed64(7, start).Fixed64(8, start + duration);
        foreach (var (key, value) in attributes) span.Message(9, Attribute(key, value));
        return span;
    }

    private static byte[] Id(ulong id)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, id);
        return bytes;
    }

    private static ProtoWriter Attribute(string key, object value) => new ProtoWriter().Text(1, key).Message(2, value switch
    {
        long n => new ProtoWriter().Varint(3, (ulong)n),
        _ => new ProtoWriter().Text(1, (string)value),
    });
}
