using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Panoptic.Server.Gateway;

/// <summary>
/// Chat completions in front of Anthropic's Messages API: the request translated to a Messages request (system and
/// developer messages to <c>system</c>, text and image parts, tools and tool results, max_tokens, stop, temperature,
/// top_p, user), the answer translated back to a chat completion — a stream event by event as it arrives — with
/// Anthropic's usage mapped to OpenAI's (cache reads and writes counted in prompt_tokens, cache reads as cached_tokens).
/// </summary>
internal static class AnthropicAdapter
{
    public const int DefaultMaxTokens = 4096;

    /// <summary>The Messages request for a chat completion request; throws <see cref="FormatException"/> naming what cannot be translated.</summary>
    public static JsonObject ToMessages(JsonObject chat)
    {
        var result = new JsonObject { ["model"] = chat["model"]?.DeepClone() };
        var system = new StringBuilder();
        var messages = new JsonArray();
        foreach (var node in chat["messages"] as JsonArray ?? throw new FormatException("messages: an array of messages"))
        {
            if (node is not JsonObject message) throw new FormatException("messages: each message is an object");
            var role = message["role"]?.GetValue<string>();
            switch (role)
            {
                case "system" or "developer":
                    if (system.Length > 0) system.Append("\n\n");
                    system.Append(Text(message["content"]));
                    break;
                case "user":
                    messages.Add(new JsonObject { ["role"] = "user", ["content"] = Content(message["content"]) });
                    break;
                case "assistant":
                    var blocks = new JsonArray();
                    if (Text(message["content"]) is { Length: > 0 } said) blocks.Add(new JsonObject { ["type"] = "text", ["text"] = said });
                    foreach (var call in message["tool_calls"] as JsonArray ?? [])
                    {
                        var arguments = call?["function"]?["arguments"]?.GetValue<string>() ?? "{}";
                        blocks.Add(new JsonObject
                        {
                            ["type"] = "tool_use", ["id"] = call?["id"]?.DeepClone(), ["name"] = call?["function"]?["name"]?.DeepClone(),
                            ["input"] = JsonNode.Parse(arguments.Length == 0 ? "{}" : arguments),
                        });
                    }
                    messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = blocks });
                    break;
                case "tool":
                    messages.Add(new JsonObject
                    {
                        ["role"] = "user",
                        ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = message["tool_call_id"]?.DeepClone(), ["content"] = Text(message["content"]) }),
                    });
                    break;
                default:
                    throw new FormatException($"messages: role '{role}' is not one of system, developer, user, assistant, tool");
            }
        }
        if (system.Length > 0) result["system"] = system.ToString();
        result["messages"] = messages;
        result["max_tokens"] = Number(chat, "max_completion_tokens") ?? Number(chat, "max_tokens") ?? DefaultMaxTokens;
        foreach (var name in new[] { "temperature", "top_p", "stream" })
            if (chat[name] is { } value) result[name] = value.DeepClone();
        if (chat["stop"] is JsonValue stop) result["stop_sequences"] = new JsonArray(stop.DeepClone());
        else if (chat["stop"] is JsonArray stops) result["stop_sequences"] = stops.DeepClone();
        if (chat["user"] is JsonValue user) result["metadata"] = new JsonObject { ["user_id"] = user.DeepClone() };
        if (chat["tools"] is JsonArray tools)
        {
            result["tools"] = new JsonArray([.. tools.Select(t => (JsonNode)new JsonObject
            {
                ["name"] = t?["function"]?["name"]?.DeepClone(), ["description"] = t?["function"]?["description"]?.DeepClone(),
                ["input_schema"] = t?["function"]?["parameters"]?.DeepClone() ?? new JsonObject { ["type"] = "object" },
            })]);
        }
        return result;
    }

    /// <summary>A chat completion from an Anthropic message.</summary>
    public static byte[] ToChatCompletion(ReadOnlySpan<byte> messageJson, long created)
    {
        using var document = JsonDocument.Parse(messageJson.ToArray());
        var message = document.RootElement;
        var text = new StringBuilder();
        var calls = new JsonArray();
        foreach (var block in message.GetProperty("content").EnumerateArray())
        {
            var type = block.GetProperty("type").GetString();
            if (type == "text") text.Append(block.GetProperty("text").GetString());
            else if (type == "tool_use")
                calls.Add(new JsonObject
                {
                    ["id"] = block.GetProperty("id").GetString(), ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = block.GetProperty("name").GetString(), ["arguments"] = block.GetProperty("input").GetRawText() },
                });
        }
        var reply = new JsonObject { ["role"] = "assistant", ["content"] = text.ToString() };
        if (calls.Count > 0) reply["tool_calls"] = calls;
        var completion = new JsonObject
        {
            ["id"] = "chatcmpl-" + message.GetProperty("id").GetString(), ["object"] = "chat.completion", ["created"] = created,
            ["model"] = message.GetProperty("model").GetString(),
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["message"] = reply, ["logprobs"] = null,
                ["finish_reason"] = FinishReason(message.TryGetProperty("stop_reason", out var stop) ? stop.GetString() : null),
            }),
            ["usage"] = Usage(message.GetProperty("usage"), null),
        };
        return Encoding.UTF8.GetBytes(completion.ToJsonString());
    }

    /// <summary>OpenAI's usage from Anthropic's: prompt tokens include cache reads and writes; cached_tokens are the reads.</summary>
    public static JsonObject Usage(JsonElement usage, long? outputOverride)
    {
        long Read(string name) => usage.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
        var cacheRead = Read("cache_read_input_tokens");
        var prompt = Read("input_tokens") + cacheRead + Read("cache_creation_input_tokens");
        var completion = outputOverride ?? Read("output_tokens");
        return new JsonObject
        {
            ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cacheRead },
        };
    }

    public static string? FinishReason(string? stopReason) => stopReason switch
    {
        null => null,
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop",
    };

    private static long? Number(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<long>(out var n) && n > 0 ? n : null;

    private static string Text(JsonNode? content) => content switch
    {
        null => "",
        JsonValue value => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Where(p => p?["type"]?.GetValue<string>() == "text").Select(p => p?["text"]?.GetValue<string>())),
        _ => throw new FormatException("content: a string or an array of parts"),
    };

    private static JsonNode Content(JsonNode? content)
    {
        if (content is not JsonArray parts) return Text(content);
        var blocks = new JsonArray();
        foreach (var part in parts)
        {
            switch (part?["type"]?.GetValue<string>())
            {
                case "text":
                    blocks.Add(new JsonObject { ["type"] = "text", ["text"] = part["text"]?.DeepClone() });
                    break;
                case "image_url":
                    var url = part["image_url"]?["url"]?.GetValue<string>() ?? throw new FormatException("content: an image_url part without a url");
                    blocks.Add(new JsonObject { ["type"] = "image", ["source"] = ImageSource(url) });
                    break;
                default:
                    throw new FormatException($"content: parts of type '{part?["type"]}' cannot be sent to Anthropic");
            }
        }
        return blocks;
    }

    private static JsonObject ImageSource(string url)
    {
        // data:image/png;base64,....
        if (url.StartsWith("data:", StringComparison.Ordinal) && url.IndexOf(";base64,", StringComparison.Ordinal) is var comma and > 5)
            return new JsonObject { ["type"] = "base64", ["media_type"] = url[5..comma], ["data"] = url[(comma + 8)..] };
        return new JsonObject { ["type"] = "url", ["url"] = url };
    }

    /// <summary>
    /// Turns Anthropic's stream events into chat completion chunks, line by line as bytes arrive (only the current
    /// line is held). Writes <c>data: [DONE]</c> after message_stop, and a usage chunk first when the client asked
    /// for one (stream_options.include_usage).
    /// </summary>
    public sealed class StreamTranslator(long created, bool includeUsage)
    {
        private readonly ArrayBufferWriter<byte> _line = new();
        private string _id = "chatcmpl-anthropic", _model = "";
        private JsonElement? _startUsage;
        private long _output;
        private readonly Dictionary<int, int> _toolIndex = [];

        /// <summary>The translated bytes for <paramref name="bytes"/> (possibly none, while a line is incomplete).</summary>
        public byte[] Translate(ReadOnlySpan<byte> bytes)
        {
            var output = new StringBuilder();
            while (!bytes.IsEmpty)
            {
                var newline = bytes.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    _line.Write(bytes);
                    break;
                }
                _line.Write(bytes[..newline]);
                Line(_line.WrittenSpan, output);
                _line.Clear();
                bytes = bytes[(newline + 1)..];
            }
            return output.Length == 0 ? [] : Encoding.UTF8.GetBytes(output.ToString());
        }

        private void Line(ReadOnlySpan<byte> line, StringBuilder output)
        {
            if (line.EndsWith("\r"u8)) line = line[..^1];
            if (!line.StartsWith("data:"u8)) return;
            using var document = JsonDocument.Parse(line[5..].ToArray());
            var e = document.RootElement;
            switch (e.GetProperty("type").GetString())
            {
                case "message_start":
                    var message = e.GetProperty("message");
                    _id = "chatcmpl-" + message.GetProperty("id").GetString();
                    _model = message.GetProperty("model").GetString() ?? "";
                    _startUsage = message.GetProperty("usage").Clone();
                    Chunk(output, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null);
                    break;
                case "content_block_start" when e.GetProperty("content_block").GetProperty("type").GetString() == "tool_use":
                    var block = e.GetProperty("content_block");
                    var index = _toolIndex[e.GetProperty("index").GetInt32()] = _toolIndex.Count;
                    Chunk(output, new JsonObject
                    {
                        ["tool_calls"] = new JsonArray(new JsonObject
                        {
                            ["index"] = index, ["id"] = block.GetProperty("id").GetString(), ["type"] = "function",
                            ["function"] = new JsonObject { ["name"] = block.GetProperty("name").GetString(), ["arguments"] = "" },
                        }),
                    }, null);
                    break;
                case "content_block_delta":
                    var delta = e.GetProperty("delta");
                    if (delta.GetProperty("type").GetString() == "text_delta") Chunk(output, new JsonObject { ["content"] = delta.GetProperty("text").GetString() }, null);
                    else if (delta.GetProperty("type").GetString() == "input_json_delta" && _toolIndex.TryGetValue(e.GetProperty("index").GetInt32(), out var tool))
                        Chunk(output, new JsonObject
                        {
                            ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = tool, ["function"] = new JsonObject { ["arguments"] = delta.GetProperty("partial_json").GetString() } }),
                        }, null);
                    break;
                case "message_delta":
                    if (e.TryGetProperty("usage", out var usage) && usage.TryGetProperty("output_tokens", out var tokens)) _output = tokens.GetInt64();
                    Chunk(output, [], FinishReason(e.GetProperty("delta").TryGetProperty("stop_reason", out var stop) ? stop.GetString() : null));
                    break;
                case "message_stop":
                    if (includeUsage && _startUsage is { } start)
                    {
                        var usageChunk = new JsonObject
                        {
                            ["id"] = _id, ["object"] = "chat.completion.chunk", ["created"] = created, ["model"] = _model, ["choices"] = new JsonArray(),
                            ["usage"] = Usage(start, _output),
                        };
                        output.Append("data: ").Append(usageChunk.ToJsonString()).Append("\n\n");
                    }
                    output.Append("data: [DONE]\n\n");
                    break;
                case "error":
                    output.Append("data: ").Append(JsonSerializer.Serialize(new { error = new { message = e.GetProperty("error").GetProperty("message").GetString(), type = "upstream_error" } })).Append("\n\n");
                    break;
            }
        }

        private void Chunk(StringBuilder output, JsonObject delta, string? finishReason)
        {
            var chunk = new JsonObject
            {
                ["id"] = _id, ["object"] = "chat.completion.chunk", ["created"] = created, ["model"] = _model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
            };
            output.Append("data: ").Append(chunk.ToJsonString()).Append("\n\n");
        }
    }
}
