namespace Panoptic.Sdk.Pricing;

/// <summary>
/// What an operation consumed. <see cref="InputTokens"/> include <see cref="CachedInputTokens"/>, and
/// <see cref="OutputTokens"/> include <see cref="ReasoningTokens"/>, as OpenAI and Anthropic-through-Panoptic report them.
/// </summary>
public sealed record Usage
{
    /// <summary>Prompt tokens, cached ones included.</summary>
    public long InputTokens { get; init; }

    /// <summary>Completion tokens, reasoning ones included.</summary>
    public long OutputTokens { get; init; }

    /// <summary>The part of <see cref="InputTokens"/> served from the provider's prompt cache.</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>The part of <see cref="OutputTokens"/> spent reasoning; informational, priced as output.</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>Billable requests or API calls.</summary>
    public long Requests { get; init; }

    /// <summary>Bytes stored or transferred.</summary>
    public long Bytes { get; init; }

    /// <summary>Provider-specific units: emails, SMS segments, images, minutes.</summary>
    public double Units { get; init; }

    /// <summary>True when nothing was consumed.</summary>
    public bool IsEmpty => InputTokens == 0 && OutputTokens == 0 && CachedInputTokens == 0 && ReasoningTokens == 0 && Requests == 0 && Bytes == 0 && Units == 0;
}
