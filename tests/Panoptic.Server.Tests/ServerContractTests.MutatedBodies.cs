using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Panoptic.Server.Tests.Traces;
using Panoptic.Server.Traces;

namespace Panoptic.Server.Tests;

/// <summary>
/// Every body parser of the server, fed mutations of a seed corpus over real HTTP: event batches, OTLP/JSON and
/// OTLP protobuf (plain and gzip), registry uploads and rate cards. Whatever the bytes, the answer is a 2xx or a 4xx
/// naming the problem, never a 5xx, and the server still answers after. A fixed seed keeps a run repeatable;
/// PANOPTIC_FUZZ_SECONDS runs for that long instead of the short default.
/// </summary>
public abstract partial class ServerContractTests
{
    [Fact]
    public async Task Parsers_MutatedBodies_AreNeverAServerError()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        using var session = server.Client(alice.Token);
        var span = new ProtoWriter().Bytes(1, Otlp.Id(16, 0xA1)).Bytes(2, Otlp.Id(8, 0x01)).Text(5, "chat gpt-4o-mini").Fixed64(7, 1_700_000_000_000_000_000).Fixed64(8, 1_700_000_001_000_000_000)
            .Message(9, Otlp.Attribute("gen_ai.provider.name", "openai")).Message(9, Otlp.Attribute("gen_ai.request.model", "gpt-4o-mini"))
            .Message(9, Otlp.Attribute("gen_ai.usage.input_tokens", 120)).Message(9, Otlp.Attribute("gen_ai.usage.output_tokens", 30));
        var protobuf = Otlp.Request("api", span);
        var corpus = new (string Name, HttpClient Client, HttpMethod Method, string Path, string ContentType, byte[] Seed, bool Gzip)[]
        {
            ("events", key, HttpMethod.Post, "/api/v1/events", "application/json", Encoding.UTF8.GetBytes(
                """[{"id":"e1","timestamp":"2026-11-20T10:00:00Z","provider":"openai","model":"gpt-4o-mini","tenant_id":"t","feature":"f","usage":{"input_tokens":100,"output_tokens":10,"cached_input_tokens":5},"cost":{"amount":0.01},"duration_ms":12.5,"attributes":{"a":[1,{"b":null}]}}]"""), false),
            ("otlp json", key, HttpMethod.Post, "/v1/traces", "application/json", Encoding.UTF8.GetBytes(
                """{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"chat","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000","attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"12"}}]}]}]}]}"""), false),
            ("otlp protobuf", key, HttpMethod.Post, "/v1/traces", "application/x-protobuf", protobuf, false),
            ("otlp protobuf gzip", key, HttpMethod.Post, "/v1/traces", "application/x-protobuf", protobuf, true),
            ("registry", key, HttpMethod.Post, "/api/v1/registries", "application/json", Encoding.UTF8.GetBytes(Registry("openai", "stripe")), false),
            ("rate card", session, HttpMethod.Put, "/api/v1/rate-card", "application/json", Encoding.UTF8.GetBytes(
                """{"version":"ws-1","llm":[{"provider":"openai","models":["my-model*"],"prices":[{"from":"2026-01-01","input":1.5,"cached_input":0.5,"output":2}]}],"services":[]}"""), false),
        };
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("PANOPTIC_FUZZ_SECONDS"), out var s) ? s : 0;
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var random = new Random(22);
        var failures = new List<string>();
        var tried = 0;
        var round = 0;
        do
        {
            foreach (var (name, client, method, path, contentType, seed, gzip) in corpus)
            {
                var body = MutateBytes(seed, random);
                // Either the body is mutated before compression (a valid gzip of bad bytes) or the compressed bytes are.
                if (gzip) body = random.Next(2) == 0 ? Compress(body) : MutateBytes(Compress(seed), random);
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
                if (gzip) content.Headers.ContentEncoding.Add("gzip");
                using var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = content });
                tried++;
                if ((int)response.StatusCode >= 500 && !(response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null))
                    failures.Add($"{name}: {(int)response.StatusCode} for {Convert.ToBase64String(body)}");
            }
        }
        while (++round < 40 || DateTime.UtcNow < deadline);

        failures.ShouldBeEmpty($"{tried} mutated bodies");
        (await session.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>One to six edits: bytes cut, inserted or overwritten (often with a byte that matters to a parser), a truncation, a piece repeated.</summary>
    private static byte[] MutateBytes(byte[] seed, Random random)
    {
        byte[] interesting = [(byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'\\', (byte)'-', (byte)'9', (byte)'e', 0x00, 0x7F, 0x80, 0xC3, 0xED, 0xFF, 0x0A];
        var bytes = new List<byte>(seed);
        var edits = 1 + random.Next(6);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(12))); break;
                case 1: bytes.Insert(at, random.Next(2) == 0 ? interesting[random.Next(interesting.Length)] : (byte)random.Next(256)); break;
                case 2: bytes[at] = random.Next(2) == 0 ? interesting[random.Next(interesting.Length)] : (byte)random.Next(256); break;
                case 3: bytes.RemoveRange(at, bytes.Count - at); break;
                default:
                    var length = Math.Min(bytes.Count - at, 1 + random.Next(40));
                    var piece = bytes.GetRange(at, length);
                    for (var r = random.Next(1, 30); r > 0; r--) bytes.InsertRange(at, piece);
                    break;
            }
        }
        return [.. bytes];
    }

    private static byte[] Compress(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(body);
        return output.ToArray();
    }
}
