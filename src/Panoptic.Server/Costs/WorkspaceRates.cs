using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Sdk.Pricing;
using Panoptic.Server.Accounts;
using Panoptic.Storage;

namespace Panoptic.Server.Costs;

/// <summary>
/// The rate card a workspace's events are priced with: the embedded card, with the workspace's own prices on top
/// when it has some. Overrides are versioned by a hash of their content, so the parsed card can be cached by version
/// on every replica without ever being stale.
/// </summary>
internal sealed class WorkspaceRates(PanopticStore store, RateCard embedded)
{
    private readonly ConcurrentDictionary<string, RateCard> _parsed = new(StringComparer.Ordinal);

    public async Task<RateCard> ForAsync(string workspaceId, CancellationToken cancellationToken)
    {
        if (await store.RateOverridesAsync(workspaceId, cancellationToken) is not { } overrides) return embedded;
        return _parsed.GetOrAdd(overrides.Version, _ => embedded.WithOverrides(RateCard.Parse(WithVersion(overrides.Card, overrides.Version))));
    }

    public sealed record View(string Version, JsonElement? Overrides, string? OverridesVersion);

    public static void Map(IEndpointRouteBuilder app)
    {
        var rates = app.MapGroup("/api/v1/rate-card").WithTags("Costs").RequireAuthorization(PanopticAuthentication.UserPolicy).WithMetadata(new WorkspaceScope.Required());
        rates.MapGet("/", GetAsync);
        rates.MapPut("/", PutAsync);
        rates.MapDelete("/", async (WorkspaceScope scope, PanopticStore store, TimeProvider time, CancellationToken cancellationToken) =>
        {
            await store.SetRateOverridesAsync(scope.WorkspaceId, null, null, time.GetUtcNow(), cancellationToken);
            return TypedResults.NoContent();
        });
    }

    public static async Task<Ok<View>> GetAsync(WorkspaceScope scope, PanopticStore store, RateCard embedded, CancellationToken cancellationToken)
    {
        var overrides = await store.RateOverridesAsync(scope.WorkspaceId, cancellationToken);
        return TypedResults.Ok(new View(embedded.Version, overrides is { } o ? JsonDocument.Parse(o.Card).RootElement.Clone() : null, overrides?.Version));
    }

    /// <summary>The body has the embedded card's shape: {"llm": [...], "services": [...]}; events are priced with it from now on.</summary>
    public static async Task<Results<Ok<View>, ProblemHttpResult>> PutAsync(HttpContext http, WorkspaceScope scope, PanopticStore store, RateCard embedded, TimeProvider time,
        CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > 1_000_000) return Problems.Of(StatusCodes.Status413PayloadTooLarge, "Payload too large", "a rate card of more than 1 MB");
        // Decoding would turn bad bytes into U+FFFD silently, in provider and model names the events must then match.
        if (Utf8Bytes.FirstInvalid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is >= 0 and var at) return Problems.BadRequest($"the rate card is not valid UTF-8 (byte {at})");
        var body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var version = "ws-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..12];
        try
        {
            var card = RateCard.Parse(WithVersion(body, version));
            if (!card.HasEntries) return Problems.BadRequest("the rate card has no llm or services entries");
        }
        catch (FormatException e)
        {
            return Problems.BadRequest(e.Message);
        }
        await store.SetRateOverridesAsync(scope.WorkspaceId, body, version, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(new View(embedded.Version, JsonDocument.Parse(body).RootElement.Clone(), version));
    }

    /// <summary>The stored body with its content-hash version set, whatever version (if any) the user wrote.</summary>
    private static string WithVersion(string card, string version)
    {
        System.Text.Json.Nodes.JsonNode? parsed;
        try
        {
            parsed = System.Text.Json.Nodes.JsonNode.Parse(card);
        }
        catch (JsonException e)
        {
            throw new FormatException($"rate card: not JSON ({e.Message})", e);
        }
        var node = parsed as System.Text.Json.Nodes.JsonObject ?? throw new FormatException("rate card: a JSON object with llm and services arrays");
        try
        {
            node["version"] = version;
        }
        catch (ArgumentException)
        {
            // A JsonNode reads an object on first use, and refuses a property named twice there.
            throw new FormatException("rate card: an object names a property twice");
        }
        try
        {
            return node.ToJsonString();
        }
        catch (InvalidOperationException e)
        {
            // A lone UTF-16 surrogate escape ("\ud800") parses, and fails only when its string is read.
            throw new FormatException($"rate card: holds text that cannot be read ({e.Message})", e);
        }
    }
}
