using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Panoptic.Sdk.Context;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.AspNetCore;

/// <summary>What the request middleware does besides setting the context.</summary>
public sealed record PanopticRequestOptions
{
    /// <summary>Records each request as an event (provider <c>http.server</c>, operation <c>GET /orders/{id}</c>, status and timing); default true.</summary>
    public bool RecordRequests { get; init; } = true;

    /// <summary>Reads tenant, user, plan, feature and request id from an incoming W3C <c>baggage</c> header (an upstream service's context); default true.</summary>
    public bool ReadBaggage { get; init; } = true;
}

/// <summary>Adds the Panoptic request middleware.</summary>
public static class PanopticApplicationBuilderExtensions
{
    /// <summary>
    /// Begins a <see cref="PanopticContext"/> for each request: the incoming baggage, the request id, then what
    /// <paramref name="map"/> returns (claims, headers, route values — so add it after authentication and routing).
    /// A mapper that throws never fails the request: the failure goes to the SDK's event source and the request goes on
    /// with the rest of its context.
    /// </summary>
    public static IApplicationBuilder UsePanoptic(this IApplicationBuilder app, Func<HttpContext, ContextValues?>? map = null, PanopticRequestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<PanopticMiddleware>(map ?? (static _ => null), options ?? new PanopticRequestOptions());
    }
}

internal sealed class PanopticMiddleware(RequestDelegate next, Func<HttpContext, ContextValues?> map, PanopticRequestOptions options)
{
    private static readonly Operation Unrouted = new() { Provider = "http.server", CostUsd = 0 };

    public async Task InvokeAsync(HttpContext http)
    {
        var values = options.ReadBaggage && http.Request.Headers.TryGetValue("baggage", out var baggage)
            ? PanopticContext.FromBaggageHeader(baggage.ToString())
            : ContextValues.Empty;
        values = values.With(new ContextValues { RequestId = values.RequestId ?? http.TraceIdentifier });
        try
        {
            if (map(http) is { } mapped) values = values.With(mapped);
        }
        catch (Exception e)
        {
            SdkEventSource.Log.CallbackFailed($"the context mapper threw {e.GetType().Name}: {e.Message}");
        }
        using var scope = PanopticContext.Begin(values);
        if (!options.RecordRequests || PanopticSdk.Current is not { } tracker)
        {
            await next(http).ConfigureAwait(false);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        Exception? error = null;
        try
        {
            await next(http).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            var ended = Stopwatch.GetTimestamp();
            var status = error is null ? http.Response.StatusCode : StatusCodes.Status500InternalServerError;
            var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            var operation = route is null ? Unrouted with { Name = http.Request.Method } : Unrouted with { Name = $"{http.Request.Method} /{route.TrimStart('/')}" };
            operation = operation with { Attributes = new Dictionary<string, object?>(1, StringComparer.Ordinal) { ["status_code"] = status } };
            tracker.Record(operation, null, started, ended, error ?? (status >= 500 ? new HttpRequestException($"the request answered {status}") : null));
        }
    }
}
