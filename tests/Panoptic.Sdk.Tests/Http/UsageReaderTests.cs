using System.Text;
using Panoptic.Sdk.Http;
using Panoptic.Sdk.Pricing;

namespace Panoptic.Sdk.Tests.Http;

public sealed class UsageReaderTests
{
    private const string OpenAiStream = """
        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}

        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}

        data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":20,"total_tokens":70,"prompt_tokens_details":{"cached_tokens":32},"completion_tokens_details":{"reasoning_tokens":8}}}

        data: [DONE]


        """;

    [Fact]
    public void AStreamSplitAnywhere_ReadsTheSameUsage()
    {
        var bytes = Encoding.UTF8.GetBytes(OpenAiStream.Replace("\n", "\r\n", StringComparison.Ordinal));
        var expected = new Usage { InputTokens = 50, CachedInputTokens = 32, OutputTokens = 20, ReasoningTokens = 8 };
        for (var split = 1; split < bytes.Length; split += 7)
        {
            var reader = new UsageReader(stream: true);
            reader.Append(bytes.AsSpan(0, split));
            reader.Append(bytes.AsSpan(split));
            reader.Complete();
            (reader.Usage, reader.Model, reader.SawEnd, reader.TextChunks).ShouldBe((expected, "gpt-4o-2024-08-06", true, 1), $"split at {split}");
        }
        var byteAtATime = new UsageReader(stream: true);
        foreach (var b in bytes) byteAtATime.Append([b]);
        byteAtATime.Usage.ShouldBe(expected);
    }

    [Fact]
    public void GeminiChunks_TakeTheLastCumulativeCount_AndAddThoughtsToOutput()
    {
        var reader = new UsageReader(stream: true);
        reader.Append(Encoding.UTF8.GetBytes("""
            data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":40,"candidatesTokenCount":2,"totalTokenCount":42},"modelVersion":"gemini-2.0-flash"}

            data: {"candidates":[{"content":{"parts":[{"text":"lo"}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":40,"candidatesTokenCount":5,"thoughtsTokenCount":12,"cachedContentTokenCount":16,"totalTokenCount":57},"modelVersion":"gemini-2.0-flash"}

            """));
        reader.Complete();
        reader.Usage.ShouldBe(new Usage { InputTokens = 40, CachedInputTokens = 16, OutputTokens = 17, ReasoningTokens = 12 });
        reader.Model.ShouldBe("gemini-2.0-flash");
    }

    [Fact]
    public void AResponsesApiBody_ReadsItsUsageNames()
    {
        var reader = new UsageReader(stream: false);
        reader.Append(Encoding.UTF8.GetBytes("""
            {"id":"resp_1","object":"response","model":"o4-mini-2025-04-16","output":[{"type":"message","content":[{"type":"output_text","text":"ok"}]}],
             "usage":{"input_tokens":100,"input_tokens_details":{"cached_tokens":40},"output_tokens":60,"output_tokens_details":{"reasoning_tokens":50},"total_tokens":160}}
            """));
        reader.Complete();
        (reader.Usage, reader.Model).ShouldBe((new Usage { InputTokens = 100, CachedInputTokens = 40, OutputTokens = 60, ReasoningTokens = 50 }, "o4-mini-2025-04-16"));
    }

    [Theory]
    [InlineData("data: {\"usage\":{\"prompt_tokens\":7,\n\ndata: {\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3}}\n\n")]
    [InlineData("data: not json at all\n\ndata: {\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3}}\n\n")]
    [InlineData("data: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n\ndata: {\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3}}\n\n")]
    public void ABrokenChunk_IsSkipped_AndTheRestIsRead(string stream)
    {
        var reader = new UsageReader(stream: true);
        reader.Append(Encoding.UTF8.GetBytes(stream));
        reader.Complete();
        reader.Usage.ShouldBe(new Usage { InputTokens = 9, OutputTokens = 3 });
    }

    [Fact]
    public void AHugeLineOrBody_IsDropped_WithoutHoldingIt()
    {
        var stream = new UsageReader(stream: true);
        var junk = new byte[256 * 1024];
        junk.AsSpan().Fill((byte)'x');
        stream.Append("data: "u8);
        for (var i = 0; i < 8; i++) stream.Append(junk); // 2 MB without a newline
        stream.Append("\n\ndata: {\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\n"u8);
        stream.Complete();
        stream.Usage.ShouldBe(new Usage { InputTokens = 1, OutputTokens = 2 });

        var body = new UsageReader(stream: false);
        for (var i = 0; i < UsageReader.MaxBodyBytes / junk.Length + 1; i++) body.Append(junk);
        body.Complete();
        body.Usage.ShouldBeNull();
    }
}
