using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Panoptic.Sdk.Pricing;
using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// A key's monthly budget: before a request is sent, the most it can cost is reserved (spent + reserved + it ≤
/// budget, one conditional update); after the answer the reservation becomes what it cost.
/// </summary>
internal sealed partial class GatewayProxy
{
    /// <summary>What a model writes at most when neither the request nor the rate card says.</summary>
    private const long DefaultMaxOutput = 4096;

    /// <remarks>
    /// Input is reserved at one token per three bytes of the body; output at the request's max_tokens, else at the
    /// model's output limit or what is left of the budget, whichever is less — and when the budget is the smaller the
    /// gateway sets that as the request's max_tokens, so the reservation still bounds the answer. Returns the nanos
    /// reserved, or null after answering the 429 that says why.
    /// </remarks>
    private async Task<long?> ReserveBudgetAsync(HttpContext http, GatewayKey key, GatewayLog log, long started, List<Target> targets, JsonObject request, long bodyBytes,
        bool generates, long period, DateTimeOffset now)
    {
        var budget = key.BudgetNanos!.Value;
        var (spent, reserved) = await store.GatewaySpendAsync(key.Id, period, http.RequestAborted);
        var left = Math.Max(0, budget - spent - reserved);
        var input = InputEstimate(bodyBytes);
        var asked = generates ? MaxOutputTokens(request) : 0;
        var limits = targets.Select(t => t.Pricing.Card.MaxOutputTokens(t.Pricing.Provider, t.Model) ?? DefaultMaxOutput).ToList();
        var output = asked ?? targets.Select((t, i) => Math.Min(limits[i], Affordable(t, input, left, now))).Min();
        var reason = !generates ? "" : asked is not null ? "its max_tokens" : output < limits.Max() ? "what the budget left affords, set as its max_tokens" : "the model's output limit";
        var reservation = targets.Max(t => Cost(t, input, output, now));
        if (output >= 1 || !generates)
        {
            if (asked is null)
            {
                for (var i = 0; i < targets.Count; i++) if (output < limits[i]) targets[i] = WithMaxTokens(targets[i], output);
            }
            if (await store.ReserveGatewaySpendAsync(key.Id, period, reservation, budget, http.RequestAborted)) return reservation;
        }
        var message = output < 1
            ? $"This gateway key's monthly budget cannot pay for this request: {Usd(left)} of {Usd(budget)} is left, less than its input (up to {input} tokens) and one output token cost."
            : $"This gateway key's monthly budget could be exceeded: the request could cost up to {Usd(reservation)} ({input} input tokens at most"
                + (generates ? $", {output} output tokens: {reason}" : "") + $"), and {Usd(left)} of {Usd(budget)} is left."
                + (asked is not null ? " Ask for fewer max_tokens, or raise the budget." : "");
        await FailAsync(http, log, started, 429, message, "insufficient_quota", null, "insufficient_quota");
        return null;
    }

    /// <summary>The most a target can cost for this many tokens, in nanos (an unpriced model: nothing, its cost is unknown).</summary>
    private static long Cost(Target target, long input, long output, DateTimeOffset at) =>
        target.Pricing.Card.Price(target.Pricing.Provider, target.Model, new Usage { InputTokens = input, OutputTokens = output }, at) is { } usd ? Storage.Ledger.Nanos.FromUsd(usd).Value : 0;

    /// <summary>How many output tokens <paramref name="leftNanos"/> pays for after the input (no bound for an unpriced model).</summary>
    private static long Affordable(Target target, long input, long leftNanos, DateTimeOffset at)
    {
        var (card, provider) = target.Pricing;
        var inputUsd = card.Price(provider, target.Model, new Usage { InputTokens = input }, at);
        var perMillion = card.Price(provider, target.Model, new Usage { OutputTokens = 1_000_000 }, at);
        if (inputUsd is null || perMillion is not > 0) return long.MaxValue;
        return (long)decimal.Floor(Math.Max(0, Storage.Ledger.Nanos.ToUsd(leftNanos) - inputUsd.Value) * 1_000_000m / perMillion.Value);
    }

    /// <summary>The target's body with an output limit, in the field its upstream reads (OpenAI's newer max_completion_tokens, everyone else's max_tokens).</summary>
    private static Target WithMaxTokens(Target target, long tokens)
    {
        var body = (JsonObject)JsonNode.Parse(target.Body)!;
        body[target.Provider.Provider == "openai" && target.Adapter is null ? "max_completion_tokens" : "max_tokens"] = tokens;
        return target with { Body = Encoding.UTF8.GetBytes(body.ToJsonString()) };
    }

    private static string Usd(long nanos) => "$" + Storage.Ledger.Nanos.ToUsd(nanos).ToString("0.#########", CultureInfo.InvariantCulture);
}
