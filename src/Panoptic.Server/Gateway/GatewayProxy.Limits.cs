using System.Globalization;
using System.Text.Json.Nodes;
using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// A key's per-minute limits as OpenAI tells them: the slot taken with its estimated tokens, the
/// <c>x-ratelimit-*</c> headers on every answer, and a 429 that says which limit was reached.
/// </summary>
internal sealed partial class GatewayProxy
{
    public const string RequestIdHeader = "x-request-id", CostHeader = "x-panoptic-cost-usd";

    /// <summary>Input tokens at one per three bytes of the body: more than any tokenizer produces for text.</summary>
    private static long InputEstimate(long bodyBytes) => (bodyBytes + 2) / 3;

    /// <summary>The output limit the request itself sets (max_completion_tokens, else max_tokens), if any.</summary>
    private static long? MaxOutputTokens(JsonObject request)
    {
        static long? Number(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<long>(out var n) && n > 0 ? n : null;
        return Number(request, "max_completion_tokens") ?? Number(request, "max_tokens");
    }

    /// <summary>Takes a slot in the key's minute, reserving <paramref name="tokens"/>; answers the 429 itself and returns false when a limit is reached.</summary>
    private async Task<bool> TakeSlotAsync(HttpContext http, GatewayKey key, GatewayLog log, long started, long minute, long tokens, DateTimeOffset now)
    {
        var window = await store.TakeGatewayRequestAsync(key.Id, minute, key.Rpm ?? long.MaxValue, key.Tpm ?? long.MaxValue, tokens, http.RequestAborted);
        var reset = TimeSpan.FromMilliseconds(60_000 - now.ToUnixTimeMilliseconds() % 60_000);
        var resetText = Math.Ceiling(reset.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        var headers = http.Response.Headers;
        if (key.Rpm is { } rpm)
        {
            headers["x-ratelimit-limit-requests"] = rpm.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-requests"] = Math.Max(0, rpm - window.Requests).ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-requests"] = resetText;
        }
        if (key.Tpm is { } tpm)
        {
            headers["x-ratelimit-limit-tokens"] = tpm.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-tokens"] = Math.Max(0, tpm - window.Tokens).ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-tokens"] = resetText;
        }
        if (window.Taken) return true;
        var (type, message) = key.Rpm is { } requests && window.Requests >= requests
            ? ("requests", $"Rate limit reached for this gateway key on requests per min (RPM): Limit {requests}, Used {window.Requests}, Requested 1.")
            : ("tokens", $"Rate limit reached for this gateway key on tokens per min (TPM): Limit {key.Tpm}, Used {window.Tokens}, Requested {tokens}.");
        await FailAsync(http, log, started, 429, message + $" Please try again in {resetText}.", type, null, "rate_limit_exceeded", reset);
        return false;
    }

    /// <summary>What usage costs at the workspace's prices: the served model's price, else the requested one's; null when neither is priced.</summary>
    private static decimal? PriceOf(Pricing pricing, GatewayLog log, Sdk.Pricing.Usage usage) =>
        pricing.Card.Price(pricing.Provider, log.ModelServed, usage, log.At) ?? pricing.Card.Price(pricing.Provider, log.ModelRequested, usage, log.At);

}
