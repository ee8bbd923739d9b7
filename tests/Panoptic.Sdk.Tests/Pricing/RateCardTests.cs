using Panoptic.Sdk.Pricing;

namespace Panoptic.Sdk.Tests.Pricing;

public class RateCardTests
{
    private static readonly RateCard Card = RateCard.Embedded;
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Price_Llm_ChargesCachedInputAtItsOwnRate()
    {
        // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per million tokens.
        Card.Price("openai", "gpt-4o-mini", new Usage { InputTokens = 3_000_000, CachedInputTokens = 1_000_000, OutputTokens = 500_000 }, Now)
            .ShouldBe(2 * 0.15m + 0.075m + 0.5m * 0.60m);
    }

    [Fact]
    public void Price_UsesThePriceInForceAtTheEventsTime()
    {
        var million = new Usage { InputTokens = 1_000_000 };
        Card.Price("openai", "o3", million, new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero)).ShouldBe(10m);
        Card.Price("openai", "o3", million, new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero)).ShouldBe(2m);
        Card.Price("openai", "o3", million, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)).ShouldBeNull();
    }

    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", 0.15)]
    [InlineData("gpt-4o-2024-08-06", 2.50)]
    [InlineData("GPT-4O", 2.50)]
    [InlineData("claude-sonnet-4-5-20250929", 3.00)]
    public void Price_MatchesTheMostSpecificModelPattern(string model, double inputPerMillion) =>
        Card.Price("openai", model, new Usage { InputTokens = 1_000_000 }, Now).ShouldBe(model.StartsWith("claude", StringComparison.Ordinal) ? null : (decimal)inputPerMillion);

    [Theory]
    [InlineData("openai", "gpt-4o-mini-2024-07-18", 16384L)]
    [InlineData("anthropic", "claude-3-5-haiku-latest", 8192L)]
    [InlineData("openai", "text-embedding-3-small", null)]
    [InlineData("openai", "no-such-model", null)]
    public void MaxOutputTokens_IsTheModelsOwnLimit_WhenTheCardKnowsIt(string provider, string model, long? expected) =>
        Card.MaxOutputTokens(provider, model).ShouldBe(expected);

    [Fact]
    public void Price_AnthropicThroughItsProviderName() =>
        Card.Price("anthropic", "claude-sonnet-4-5-20250929", new Usage { InputTokens = 1_000_000 }, Now).ShouldBe(3.00m);

    [Fact]
    public void Price_UnknownModelOrProvider_IsNullNeverZero()
    {
        Card.Price("openai", "gpt-99", new Usage { InputTokens = 1000 }, Now).ShouldBeNull();
        Card.Price("acme-llm", "any", new Usage { InputTokens = 1000 }, Now).ShouldBeNull();
        Card.Knows("openai", "gpt-99").ShouldBeFalse();
        Card.Knows("openai", "gpt-4o-mini").ShouldBeTrue();
    }

    [Fact]
    public void Price_Services_PerUnitRequestAndGigabyte()
    {
        Card.Price("resend", null, new Usage { Units = 1000 }, Now).ShouldBe(0.4m);
        Card.Price("s3", null, new Usage { Requests = 1_000_000, Bytes = 2_000_000_000 }, Now).ShouldBe(5m + 2 * 0.023m);
    }

    [Theory]
    [InlineData("{}", "version")]
    [InlineData("""{"version":"x","llm":[{"provider":"p","models":["m"],"prices":[]}],"services":[]}""", "no prices")]
    [InlineData("""{"version":"x","llm":[{"provider":"p","models":["m"],"prices":[{"from":"2024-01-01","input":-1}]}],"services":[]}""", "negative")]
    public void Parse_BadCards_SayWhatIsWrong(string json, string message) =>
        Should.Throw<FormatException>(() => RateCard.Parse(json)).Message.ShouldContain(message);
}

public class RateCardOverrideTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WithOverrides_PricesWhatTheyKnow_AndLeavesTheRestToTheCard()
    {
        var overrides = RateCard.Parse("""{"version": "ws-1", "llm": [{"provider": "openai", "models": ["gpt-4o-mini"], "prices": [{"from": "2024-01-01", "input": 0.05, "output": 0.1}]}], "services": [{"provider": "resend", "prices": [{"from": "2024-01-01", "per_unit": 0.0001}]}]}""");
        var card = RateCard.Embedded.WithOverrides(overrides);
        card.Version.ShouldBe(RateCard.Embedded.Version + "+ws-1");
        card.Price("openai", "gpt-4o-mini", new Usage { InputTokens = 1_000_000 }, Now).ShouldBe(0.05m);
        card.Price("openai", "gpt-4o", new Usage { InputTokens = 1_000_000 }, Now).ShouldBe(2.50m);
        card.Price("resend", null, new Usage { Units = 1000 }, Now).ShouldBe(0.1m);
        card.Knows("openai", "gpt-4o-mini").ShouldBeTrue();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"version": "x", "llm": [{"models": ["m"], "prices": [{"from": "2024-01-01"}]}]}""")]
    [InlineData("""{"version": "x", "llm": [{"provider": "p", "models": "m", "prices": []}]}""")]
    public void Parse_MalformedCards_AreFormatExceptions(string json) =>
        Should.Throw<FormatException>(() => RateCard.Parse(json));
}
