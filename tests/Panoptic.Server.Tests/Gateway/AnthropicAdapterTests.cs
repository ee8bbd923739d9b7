using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Panoptic.Server.Gateway;

namespace Panoptic.Server.Tests.Gateway;

public sealed class AnthropicAdapterTests
{
    [Fact]
    public void AChatRequest_BecomesAMessagesRequest_WithSystemPartsToolsAndResults()
    {
        var chat = JsonNode.Parse("""
            {"model":"claude-sonnet-4-5","max_completion_tokens":500,"temperature":0.2,"stop":"END","user":"ann","stream":true,
             "stream_options":{"include_usage":true},"frequency_penalty":0.5,
             "tools":[{"type":"function","function":{"name":"weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "messages":[
               {"role":"system","content":"Be brief."},
               {"role":"developer","content":[{"type":"text","text":"Use metric units."}]},
               {"role":"user","content":[{"type":"text","text":"Weather in Oslo?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"4 C, rain"}
             ]}
            """)!.AsObject();
        var messages = AnthropicAdapter.ToMessages(chat);
        messages["system"]!.GetValue<string>().ShouldBe("Be brief.\n\nUse metric units.");
        (messages["max_tokens"]!.GetValue<long>(), messages["temperature"]!.GetValue<double>(), messages["stream"]!.GetValue<bool>()).ShouldBe((500L, 0.2, true));
        messages["stop_sequences"]!.ToJsonString().ShouldBe("""["END"]""");
        messages["metadata"]!["user_id"]!.GetValue<string>().ShouldBe("ann");
        messages["tools"]![0]!["input_schema"]!["properties"]!["city"]!["type"]!.GetValue<string>().ShouldBe("string");
        messages.ContainsKey("stream_options").ShouldBeFalse("OpenAI-only fields are not sent to Anthropic");
        messages.ContainsKey("frequency_penalty").ShouldBeFalse();
        var turns = messages["messages"]!.AsArray();
        turns.Count.ShouldBe(3);
        turns[0]!["content"]![1]!["source"]!.ToJsonString().ShouldBe("""{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}""");
        turns[1]!["content"]![0]!.ToJsonString().ShouldBe("""{"type":"tool_use","id":"call_1","name":"weather","input":{"city":"Oslo"}}""");
        turns[2]!["content"]![0]!.ToJsonString().ShouldBe("""{"type":"tool_result","tool_use_id":"call_1","content":"4 C, rain"}""");
    }

    [Theory]
    [InlineData("""{"model":"claude-3-5-haiku","messages":"hi"}""")]
    [InlineData("""{"model":"claude-3-5-haiku","messages":[{"role":"wizard","content":"hi"}]}""")]
    [InlineData("""{"model":"claude-3-5-haiku","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}""")]
    public void WhatAnthropicCannotTake_IsAFormatError(string json) =>
        Should.Throw<FormatException>(() => AnthropicAdapter.ToMessages(JsonNode.Parse(json)!.AsObject()));

    [Fact]
    public void AStream_IsTranslatedEventByEvent_WhateverTheReadBoundaries()
    {
        const string anthropic = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-3-5-haiku-20241022","usage":{"input_tokens":20,"cache_read_input_tokens":100,"cache_creation_input_tokens":5,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"weather","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":12}}

            event: message_stop
            data: {"type":"message_stop"}


            """;
        var bytes = Encoding.UTF8.GetBytes(anthropic);
        string? expected = null;
        foreach (var split in new[] { 1, 7, 100, bytes.Length })
        {
            var translator = new AnthropicAdapter.StreamTranslator(1700000000, includeUsage: true);
            var output = new StringBuilder();
            for (var at = 0; at < bytes.Length; at += split) output.Append(Encoding.UTF8.GetString(translator.Translate(bytes.AsSpan(at, Math.Min(split, bytes.Length - at)))));
            expected ??= output.ToString();
            output.ToString().ShouldBe(expected, $"reads of {split} bytes");
        }
        var chunks = expected!.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(c => c["data: ".Length..]).ToList();
        chunks[^1].ShouldBe("[DONE]");
        var parsed = chunks[..^1].Select(c => JsonDocument.Parse(c).RootElement).ToList();
        parsed.ShouldAllBe(c => c.GetProperty("id").GetString() == "chatcmpl-msg_1" && c.GetProperty("object").GetString() == "chat.completion.chunk");
        parsed[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString().ShouldBe("assistant");
        parsed[1].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString().ShouldBe("Hi");
        parsed[2].GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString().ShouldBe("weather");
        parsed[3].GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString().ShouldBe("{\"city\":");
        parsed[4].GetProperty("choices")[0].GetProperty("finish_reason").GetString().ShouldBe("tool_calls");
        var usage = parsed[5].GetProperty("usage");
        (usage.GetProperty("prompt_tokens").GetInt64(), usage.GetProperty("completion_tokens").GetInt64(), usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt64())
            .ShouldBe((125L, 12L, 100L));
    }
}
