using System.Buffers;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Panoptic.Server.Accounts;
using Panoptic.Server.Costs;
using Panoptic.Storage;
using Panoptic.Storage.Ledger;

namespace Panoptic.Server.Traces;

/// <summary>
/// POST /v1/traces: OTLP/HTTP as the OpenTelemetry protocol specification defines it — protobuf or JSON bodies,
/// optionally gzip-compressed, answered in the request's encoding: 200 with partial success when some spans were
/// rejected, 400 for a malformed payload, 413 past the size caps, 415 for another content type, 503 with Retry-After
/// when too many exports are in flight. Authenticated by a workspace ingestion key as a bearer token.
/// </summary>
internal static class TraceEndpoints
{
    private const string Protobuf = "application/x-protobuf";
    private const string Json = "application/json";

    public static void MapTraces(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/traces", ExportAsync).WithTags("Traces").RequireAuthorization(PanopticAuthentication.IngestPolicy).WithMetadata(new WorkspaceScope.Required())
            .ExcludeFromDescription();

    public static async Task ExportAsync(HttpContext http, WorkspaceScope scope, PanopticStore store, WorkspaceRates rates, TraceLoad load,
        Graph.ServiceGraph graph, IOptions<ServerOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var json = mediaType == Json;
        if (!json && mediaType != Protobuf)
        {
            await StatusAsync(http, StatusCodes.Status415UnsupportedMediaType, json: true, $"Content-Type must be {Protobuf} or {Json}");
            return;
        }
        if (!load.TryEnter())
        {
            http.Response.Headers.RetryAfter = "1";
            await StatusAsync(http, StatusCodes.Status503ServiceUnavailable, json, "too many trace exports in flight; retry after the delay");
            return;
        }
        try
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = settings.MaxBodyBytes;
            var encoding = http.Request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
            if (encoding is not ("" or "identity" or "gzip"))
            {
                await StatusAsync(http, StatusCodes.Status415UnsupportedMediaType, json, $"Content-Encoding '{encoding}' is not supported; send gzip or none");
                return;
            }
            TraceBody body;
            try
            {
                body = await TraceBody.ReadAsync(encoding == "gzip" ? new GZipStream(http.Request.Body, CompressionMode.Decompress) : http.Request.Body, settings.MaxTraceBytes, load, cancellationToken);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await StatusAsync(http, StatusCodes.Status413PayloadTooLarge, json, $"the body is over {settings.MaxBodyBytes} bytes; export smaller batches");
                return;
            }
            catch (InvalidDataException)
            {
                await StatusAsync(http, StatusCodes.Status400BadRequest, json, "the body is not valid gzip");
                return;
            }
            using (body)
            {
                if (body.Result == TraceBody.Outcome.TooLarge)
                {
                    await StatusAsync(http, StatusCodes.Status413PayloadTooLarge, json, $"the decompressed body is over {settings.MaxTraceBytes} bytes; export smaller batches");
                    return;
                }
                if (body.Result == TraceBody.Outcome.OverBudget)
                {
                    http.Response.Headers.RetryAfter = "1";
                    await StatusAsync(http, StatusCodes.Status503ServiceUnavailable, json, "the trace exports in flight hold all the memory they may; retry after the delay");
                    return;
                }
                TraceBatch batch;
                try
                {
                    batch = json ? OtlpJson.Decode(body.Bytes) : OtlpProtobuf.Decode(body.Bytes);
                }
                catch (ProtoException e)
                {
                    await StatusAsync(http, StatusCodes.Status400BadRequest, json, $"the body is not an OTLP ExportTraceServiceRequest: {e.Message}");
                    return;
                }
                var now = time.GetUtcNow();
                Sdk.Pricing.RateCard? card = null; // read only for an export that carries GenAI usage
                var costs = new List<LedgerEvent>();
                foreach (var span in batch.Spans)
                {
                    if (!GenAiCosts.CarriesUsage(span)) continue;
                    card ??= await rates.ForAsync(scope.WorkspaceId, cancellationToken);
                    if (GenAiCosts.Of(span, card) is not { } cost) continue;
                    if (cost.Timestamp > now + settings.MaxClockSkew) batch.Reject(1, $"span {span.SpanIdHex}: ends more than {settings.MaxClockSkew} in the future");
                    else costs.Add(cost);
                }
                try
                {
                    if (costs.Count > 0) await store.AppendEventsAsync(scope.WorkspaceId, costs, now, cancellationToken);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
                {
                    // Retryable for OTLP exporters (a 500 is not): nothing of this export was counted, so a retry is exact.
                    http.Response.Headers.RetryAfter = "5";
                    await StatusAsync(http, StatusCodes.Status503ServiceUnavailable, json, "the store is unavailable; retry after the delay");
                    return;
                }
                // The graph counts the spans only once their cost events are stored, so a retried export counts once.
                graph.Add(scope.WorkspaceId, batch.Spans);
                load.Record(batch.Spans.Count, batch.Rejected, costs.Count);
                await RespondAsync(http, json, batch);
            }
        }
        finally
        {
            load.Exit();
        }
    }

    /// <summary>An ExportTraceServiceResponse; its partial_success (field 1) only when spans were rejected.</summary>
    private static async Task RespondAsync(HttpContext http, bool json, TraceBatch batch)
    {
        var message = string.Join("; ", batch.Errors);
        http.Response.StatusCode = StatusCodes.Status200OK;
        if (json)
        {
            http.Response.ContentType = Json;
            await http.Response.WriteAsJsonAsync(batch.Rejected == 0 ? new Dictionary<string, object>()
                : new Dictionary<string, object> { ["partialSuccess"] = new Dictionary<string, object> { ["rejectedSpans"] = batch.Rejected.ToString(System.Globalization.CultureInfo.InvariantCulture), ["errorMessage"] = message } });
            return;
        }
        http.Response.ContentType = Protobuf;
        if (batch.Rejected == 0) return;
        var partial = new ProtoWriter().Varint(1, (ulong)batch.Rejected).Text(2, message).ToArray();
        await http.Response.Body.WriteAsync(new ProtoWriter().Bytes(1, partial).ToArray());
    }

    /// <summary>A google.rpc.Status (code 1, message 2) in the request's encoding, as OTLP/HTTP failures carry.</summary>
    private static async Task StatusAsync(HttpContext http, int status, bool json, string message)
    {
        http.Response.StatusCode = status;
        var code = status switch { 400 => 3, 413 => 8, 415 => 3, 503 => 14, _ => 2 };
        if (json)
        {
            http.Response.ContentType = Json;
            await http.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["code"] = code, ["message"] = message });
            return;
        }
        http.Response.ContentType = Protobuf;
        await http.Response.Body.WriteAsync(new ProtoWriter().Varint(1, (ulong)code).Text(2, message).ToArray());
    }
}
