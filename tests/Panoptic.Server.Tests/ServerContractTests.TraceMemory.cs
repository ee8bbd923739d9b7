using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Panoptic.Server.Tests;

/// <summary>The memory trace exports hold together is bounded, not only each one's.</summary>
public abstract partial class ServerContractTests
{
    /// <summary>An OTLP/JSON export of no spans, padded with whitespace to <paramref name="size"/> bytes, gzip-compressed; <paramref name="split"/> is where the first <paramref name="flushAt"/> bytes end in it.</summary>
    private static byte[] PaddedGzipExport(int size, int flushAt, out int split)
    {
        var json = Encoding.UTF8.GetBytes("{\"resourceSpans\": []" + new string(' ', size - 21) + "}");
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json.AsSpan(0, flushAt));
            gzip.Flush();
            split = (int)compressed.Length;
            gzip.Write(json.AsSpan(flushAt));
        }
        return compressed.ToArray();
    }

    private static ByteArrayContent GzipJson(byte[] compressed)
    {
        var content = new ByteArrayContent(compressed);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    [Fact]
    public async Task Traces_GzipExportsPastTheSharedMemoryBudget_Answer503WithRetryAfter_AndTheNextFits()
    {
        // Each export may be 512 KiB decompressed; all of them together 1 MiB.
        var server = await StartAsync(settings: new Dictionary<string, string?> { ["Panoptic:MaxTraceBytes"] = "524288", ["Panoptic:MaxTraceBytesInFlight"] = "1048578" });
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var export = PaddedGzipExport(400_000, 300_000, out var split);
        (await key.PostAsync("/v1/traces", GzipJson(export))).StatusCode.ShouldBe(HttpStatusCode.OK, "one export alone fits");

        // One export stalls with 300 KB decompressed (its buffer grown to 512 KiB): the part of the body before the flush.
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(server.Address.Host, server.Address.Port);
        var stream = socket.GetStream();
        var head = $"POST /v1/traces HTTP/1.1\r\nHost: {server.Address.Authority}\r\nAuthorization: Bearer {alice.Key}\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {export.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(export.AsMemory(0, split));
        await stream.FlushAsync();
        var load = server.Services.GetRequiredService<Panoptic.Server.Traces.TraceLoad>();
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (load.BytesInFlight < 512 * 1024) await Task.Delay(10, wait.Token);
        }

        var refused = await key.PostAsync("/v1/traces", GzipJson(export));

        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        (await JsonOf(refused)).GetProperty("message").GetString().ShouldNotBeNull().ShouldContain("memory");
        await stream.WriteAsync(export.AsMemory(split));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        (await reader.ReadLineAsync()).ShouldBe("HTTP/1.1 200 OK");
        load.BytesInFlight.ShouldBe(0);
        (await key.PostAsync("/v1/traces", GzipJson(export))).StatusCode.ShouldBe(HttpStatusCode.OK, "the budget is returned after each export");
    }

    [Fact]
    public async Task TraceBytesInFlight_BelowTwiceTheExportCap_FailsTheStart()
    {
        var failure = await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            StartAsync(settings: new Dictionary<string, string?> { ["Panoptic:MaxTraceBytes"] = "1048576", ["Panoptic:MaxTraceBytesInFlight"] = "1048576" }));
        failure.Message.ShouldContain("Panoptic:MaxTraceBytesInFlight");
    }
}
