using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Panoptic.Server.Accounts;
using Panoptic.Server.Costs;
using Panoptic.Storage;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Ingestion;

/// <summary>POST /api/v1/events: a batch of cost events, validated one by one, stored idempotently, priced when they carry usage only.</summary>
internal static class EventEndpoints
{
    public sealed record Rejection(int Index, string? Id, IReadOnlyList<string> Errors);

    public static void MapEvents(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1").WithTags("Ingestion").RequireAuthorization(PanopticAuthentication.IngestPolicy).WithMetadata(new WorkspaceScope.Required())
            .MapPost("/events", IngestAsync);

    public static async Task<Results<Ok<IngestResult>, ProblemHttpResult>> IngestAsync(HttpContext http, WorkspaceScope scope, PanopticStore store,
        IOptions<ServerOptions> options, WorkspaceRates workspaceRates, TimeProvider time, IngestionMetrics metrics, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = settings.MaxBodyBytes;
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, new JsonDocumentOptions { MaxDepth = 32 }, cancellationToken);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest($"the body is not valid JSON ({e.Message}); nothing was stored");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"the body is over {settings.MaxBodyBytes} bytes; send smaller batches. Nothing was stored");
        }
        using (document)
        {
            var root = document.RootElement;
            var events = root.ValueKind == JsonValueKind.Array ? root
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("events", out var list) && list.ValueKind == JsonValueKind.Array ? list
                : (JsonElement?)null;
            if (events is not { } batch) return Problems.BadRequest("the body is {\"events\": [...]} or a JSON array of events; nothing was stored");
            var count = batch.GetArrayLength();
            if (count > settings.MaxBatchEvents)
                return Problems.Of(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"{count} events in one batch; at most {settings.MaxBatchEvents}. Nothing was stored");

            var now = time.GetUtcNow();
            var parser = new EventParser(await workspaceRates.ForAsync(scope.WorkspaceId, cancellationToken), now, settings.MaxClockSkew);
            var valid = new List<LedgerEvent>(count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var rejected = new List<Rejection>();
            var ignored = new SortedSet<string>(StringComparer.Ordinal);
            var repeated = 0;
            var index = 0;
            foreach (var item in batch.EnumerateArray())
            {
                var result = Parse(parser, item);
                ignored.UnionWith(result.Ignored);
                if (result.Event is { } e)
                {
                    if (seen.Add(e.Id)) valid.Add(e);
                    else repeated++;
                }
                else rejected.Add(new Rejection(index, IdOf(item), result.Errors));
                index++;
            }
            var inserted = await store.AppendEventsAsync(scope.WorkspaceId, valid, now, cancellationToken);
            var outcome = new IngestResult(inserted, valid.Count - inserted + repeated, rejected.Count, [.. ignored]);
            metrics.Record(scope.WorkspaceId, outcome.Accepted, outcome.Duplicates, outcome.Rejected);
            if (rejected.Count == 0) return TypedResults.Ok(outcome);
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "Some events were rejected",
                $"{rejected.Count} of {count} events were rejected and not stored; the other {valid.Count} were stored (retrying the whole batch is safe: ids are idempotent)",
                new Dictionary<string, object?>
                {
                    ["accepted"] = outcome.Accepted, ["duplicates"] = outcome.Duplicates, ["rejected"] = rejected, ["ignored_fields"] = outcome.IgnoredFields,
                });
        }
    }

    /// <summary>An event the reader cannot decode (a lone UTF-16 surrogate escape, say) is rejected alone: a 500 would make clients retry the batch forever.</summary>
    private static EventParser.Result Parse(EventParser parser, JsonElement item)
    {
        try
        {
            return parser.Parse(item);
        }
        catch (InvalidOperationException e)
        {
            return new EventParser.Result(null, ["could not be read: " + e.Message], []);
        }
    }

    /// <summary>A rejected event's id to name it by, when it has one that reads as text (an id of invalid UTF-8 does not).</summary>
    private static string? IdOf(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String) return null;
        try
        {
            return id.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>What happened to a batch: new events stored, events already stored (retries), events rejected, fields not understood.</summary>
public sealed record IngestResult(int Accepted, int Duplicates, int Rejected, IReadOnlyList<string> IgnoredFields);
