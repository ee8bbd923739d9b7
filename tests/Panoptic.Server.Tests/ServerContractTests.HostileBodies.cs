using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Panoptic.Server.Tests;

/// <summary>Numbers that overflow and bytes that are not UTF-8: each is refused alone, with its reason, never a 500.</summary>
public abstract partial class ServerContractTests
{
    private static ByteArrayContent Bytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    [Fact]
    public async Task Events_OverflowingNumbersAndInvalidUtf8_AreRejectedAloneAndTheRestStored()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var at = Now.AddMinutes(-1).ToString("O");
        var head = Encoding.UTF8.GetBytes($$$"""
            [
              {"id": "ok-1", "timestamp": "{{{at}}}", "provider": "openai", "model": "gpt-4o-mini", "usage": {"input_tokens": 1000000}},
              {"id": "tokens", "timestamp": "{{{at}}}", "provider": "openai", "model": "gpt-4o-mini", "usage": {"input_tokens": 9000000000000000000}},
              {"id": "units", "timestamp": "{{{at}}}", "provider": "twilio", "usage": {"units": 1e308}},
              {"id": "timing", "timestamp": "{{{at}}}", "provider": "openai", "cost": {"amount": 1}, "timing": {"total_ms": 1e308}},
              {"id": "surrogate", "timestamp": "{{{at}}}", "provider": "openai", "cost": {"amount": 1}, "feature": "\ud800"},
              {"id": "utf8", "timestamp": "{{{at}}}", "provider": "openai", "cost": {"amount": 1}, "feature": "
            """);
        var tail = Encoding.UTF8.GetBytes($$$"""
            "},
              {"id": "ok-2", "timestamp": "{{{at}}}", "provider": "openai", "cost": {"amount": 0.5}}
            ]
            """);

        var response = await key.PostAsync("/api/v1/events", Bytes([.. head, 0xC3, 0x28, 0xFF, .. tail]));

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await JsonOf(response);
        problem.GetProperty("accepted").GetInt32().ShouldBe(2);
        var rejected = problem.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("index").GetInt32(), r => string.Join(" | ", r.GetProperty("errors").EnumerateArray().Select(e => e.GetString())));
        rejected.Keys.ShouldBe([1, 2, 3, 4, 5]);
        rejected[1].ShouldContain("usage.input_tokens: at most");
        rejected[2].ShouldContain("usage.units: at most");
        rejected[3].ShouldContain("timing.total_ms");
        rejected[4].ShouldContain("could not be read");
        rejected[5].ShouldContain("not valid UTF-8");
        using var session = server.Client(alice.Token);
        var costs = await JsonOf(await session.GetAsync("/api/v1/costs"));
        costs.GetProperty("total").GetProperty("events").GetInt64().ShouldBe(2);
        costs.GetProperty("total").GetProperty("cost_usd").GetDecimal().ShouldBe(0.65m);
    }

    [Fact]
    public async Task Events_UsagePricedBeyondBelief_IsRejectedNotOverflowed()
    {
        // Within every field's bound, but a workspace card at the highest price makes one event cost more than a million dollars.
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token);
        (await session.PutAsync("/api/v1/rate-card", Raw("""{"llm": [{"provider": "openai", "models": ["gpt-4o-mini"], "prices": [{"from": "2024-01-01", "input": 1000000, "output": 1000000}]}]}""")))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        using var key = server.Client(alice.Key);

        var response = await key.PostAsync("/api/v1/events", Raw($$$"""[{"id": "big", "timestamp": "{{{Now.AddMinutes(-1):O}}}", "provider": "openai", "model": "gpt-4o-mini", "usage": {"input_tokens": 1000000000000, "output_tokens": 1000000000000}}]"""));

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var errors = (await JsonOf(response)).GetProperty("rejected")[0].GetProperty("errors")[0].GetString();
        errors.ShouldNotBeNull().ShouldContain("not believable");
    }

    [Fact]
    public async Task RegistryUpload_InvalidUtf8_IsAClear400()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);

        var response = await key.PostAsync("/api/v1/registries", Bytes([.. "{\"schema\": \"panoptic/registry@1\", \"project\": {\"name\": \""u8.ToArray(), 0xFF, 0xFE, .. "\"}}"u8.ToArray()]));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonOf(response)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("not valid UTF-8");
    }

    [Fact]
    public async Task Events_AnIdOfInvalidUtf8_IsRejectedAlone_NotA500()
    {
        // Found by Parsers_MutatedBodies_AreNeverAServerError: naming the rejected event by its id decoded the bad bytes.
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var at = Now.AddMinutes(-1).ToString("O");

        var response = await key.PostAsync("/api/v1/events", Bytes([.. "[{\"id\": \""u8.ToArray(), 0xE9, .. Encoding.UTF8.GetBytes(
            $"1\", \"timestamp\": \"{at}\", \"provider\": \"openai\", \"cost\": {{\"amount\": 1}}}}, {{\"id\": \"ok\", \"timestamp\": \"{at}\", \"provider\": \"openai\", \"cost\": {{\"amount\": 1}}}}]")]));

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await JsonOf(response);
        problem.GetProperty("accepted").GetInt32().ShouldBe(1);
        var rejected = problem.GetProperty("rejected")[0];
        rejected.GetProperty("index").GetInt32().ShouldBe(0);
        rejected.GetProperty("errors").GetArrayLength().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task RateCard_APropertyNamedTwice_IsAClear400_NotA500()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token);

        var response = await session.PutAsync("/api/v1/rate-card", Raw("""{"version": "a", "llm": [], "llm": [], "services": []}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonOf(response)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("names a property twice");
    }

    [Fact]
    public async Task RegistryUpload_APropertyNamedTwice_IsAClear400_NotA500()
    {
        // Found by Parsers_MutatedBodies_AreNeverAServerError: a JsonNode reads objects lazily and threw on the
        // duplicate only when the project's name was read, after the parse had been judged fine.
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);

        var response = await key.PostAsync("/api/v1/registries", Raw("""{"schema": "panoptic/registry@1", "project": {"name": "a", "files": 1, "files": 2}}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonOf(response)).GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("names a property twice");
    }

    [Fact]
    public async Task RateCard_PriceTooLargeForADecimal_IsA400NamingTheField()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token);

        var response = await session.PutAsync("/api/v1/rate-card", Raw("""{"llm": [{"provider": "openai", "models": ["gpt-4o"], "prices": [{"from": "2024-01-01", "input": 1e300}]}]}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var detail = (await JsonOf(response)).GetProperty("detail").GetString().ShouldNotBeNull();
        detail.ShouldContain("openai");
        detail.ShouldContain("input");
        detail.ShouldContain("1e300");
    }

    [Fact]
    public async Task RateCard_InvalidUtf8OrALoneSurrogate_IsA400()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token);
        var head = """{"llm": [{"provider": "open"""u8.ToArray();
        var tail = "\", \"models\": [\"m\"], \"prices\": [{\"from\": \"2024-01-01\", \"input\": 1}]}]}"u8.ToArray();

        foreach (var bad in new[] { new byte[] { 0xC3, 0x28 }, "\\ud800"u8.ToArray() })
        {
            var response = await session.PutAsync("/api/v1/rate-card", Bytes([.. head, .. bad, .. tail]));
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, Encoding.UTF8.GetString(bad));
        }
        (await JsonOf(await session.GetAsync("/api/v1/rate-card"))).GetProperty("overrides").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task TracesJson_InvalidUtf8OrALoneSurrogate_IsA400NotA500()
    {
        var server = await StartAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        var head = """{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "name": "get"""u8.ToArray();
        var tail = "\", \"startTimeUnixNano\": \"1\", \"endTimeUnixNano\": \"2\"}]}]}]}"u8.ToArray();

        foreach (var bad in new[] { new byte[] { 0xFF }, "\\ud800"u8.ToArray() })
        {
            var response = await key.PostAsync("/v1/traces", Bytes([.. head, .. bad, .. tail]));
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, Encoding.UTF8.GetString(bad));
            (await JsonOf(response)).GetProperty("message").GetString().ShouldNotBeNull().ShouldContain("UTF-", Case.Sensitive);
        }
        server.Logs.ShouldNotContain("Exception");
    }

    [Fact]
    public async Task Gateway_ChatWithInvalidUtf8OrALoneSurrogate_IsAnOpenAIShaped400()
    {
        var (server, _, _, key) = await GatewayAsync();
        using var http = server.Client(key);
        var head = "{\"model\": \"gpt-4o-mini\", \"messages\": [{\"role\": \"user\", \"content\": \"hi "u8.ToArray();
        var tail = "\"}]}"u8.ToArray();

        foreach (var bad in new[] { new byte[] { 0xED, 0xA0, 0x80 }, "\\ud800"u8.ToArray() })
        {
            var response = await http.PostAsync("/v1/chat/completions", Bytes([.. head, .. bad, .. tail]));
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, Encoding.UTF8.GetString(bad));
            (await JsonOf(response)).GetProperty("error").GetProperty("type").GetString().ShouldBe("invalid_request_error");
        }
        server.Logs.ShouldNotContain("Exception");
    }
}
