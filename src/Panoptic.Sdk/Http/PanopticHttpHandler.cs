using System.Diagnostics;
using System.Net;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Pricing;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Http;

/// <summary>
/// Records calls to known providers (OpenAI, Anthropic, Azure OpenAI, Gemini, Mistral, Groq, OpenRouter, Stripe,
/// Resend, SendGrid, Twilio, S3-compatible storage, ...) as tracked operations. For LLM APIs it reads the model and
/// token usage from the response as the caller reads it — streamed responses included — without buffering or
/// delaying a byte, and records the event when the body ends (or is abandoned: then the usage is marked estimated).
/// Calls to other hosts — your own services — carry the current <see cref="Context.PanopticContext"/> as W3C
/// <c>baggage</c> (never sent to a provider: a tenant id is not OpenAI's business), so the next service's middleware
/// continues the context even where no Activity exists. Register it with
/// <c>services.AddHttpClient(...).AddPanopticTracking()</c>.
/// </summary>
public sealed class PanopticHttpHandler : DelegatingHandler
{
    private readonly ProviderHosts _hosts;

    /// <summary>A handler that also recognises <paramref name="hosts"/> (host or host:port → provider).</summary>
    public PanopticHttpHandler(IReadOnlyDictionary<string, string>? hosts = null) => _hosts = new ProviderHosts(hosts);

    /// <summary>A handler over <paramref name="inner"/>.</summary>
    public PanopticHttpHandler(HttpMessageHandler inner, IReadOnlyDictionary<string, string>? hosts = null) : base(inner) => _hosts = new ProviderHosts(hosts);

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_hosts.Match(request.RequestUri) is not { } match)
        {
            Propagate(request);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        if (PanopticSdk.Current is not { } tracker) return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            tracker.Record(OperationOf(match, request, null), null, started, Stopwatch.GetTimestamp(), e);
            throw;
        }
        return Observe(tracker, match, request, response, started);
    }

    /// <inheritdoc />
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_hosts.Match(request.RequestUri) is not { } match)
        {
            Propagate(request);
            return base.Send(request, cancellationToken);
        }
        if (PanopticSdk.Current is not { } tracker) return base.Send(request, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = base.Send(request, cancellationToken);
        }
        catch (Exception e)
        {
            tracker.Record(OperationOf(match, request, null), null, started, Stopwatch.GetTimestamp(), e);
            throw;
        }
        return Observe(tracker, match, request, response, started);
    }

    /// <summary>Adds the current context to the request's baggage, unless the caller set baggage itself.</summary>
    private static void Propagate(HttpRequestMessage request)
    {
        var header = Context.PanopticContext.ToBaggageHeader(Context.PanopticContext.Current);
        if (header.Length > 0 && !request.Headers.Contains("baggage")) request.Headers.TryAddWithoutValidation("baggage", header);
    }

    private static HttpResponseMessage Observe(PanopticSdk.Tracker tracker, ProviderMatch match, HttpRequestMessage request, HttpResponseMessage response, long started)
    {
        try
        {
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var stream = string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
            var json = mediaType is not null && mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase);
            if (match.IsLlm && response.IsSuccessStatusCode && (stream || json))
            {
                var observer = new ResponseObserver(tracker, match, request, response.StatusCode, started, stream);
                response.Content = new ObservedContent(response.Content, observer);
                return response;
            }
            tracker.Record(OperationOf(match, request, null), ServiceUsage(match, request, response), started, Stopwatch.GetTimestamp(), Failure(response.StatusCode));
        }
        catch (Exception e)
        {
            SdkEventSource.Log.CallbackFailed("observing a response: " + e.Message);
        }
        return response;
    }

    /// <summary>The operation recorded for a call: the provider, the model (from the response, or a Gemini path), and the call's route.</summary>
    internal static Operation OperationOf(ProviderMatch match, HttpRequestMessage request, string? model) => new()
    {
        Provider = match.Provider,
        Model = model ?? ModelInPath(request.RequestUri),
        Name = Route(request.Method, request.RequestUri),
    };

    /// <summary>A failed call's error (its status), or null for a success.</summary>
    internal static HttpRequestException? Failure(HttpStatusCode status) =>
        (int)status >= 400 ? new HttpRequestException($"the provider answered {(int)status} {status}", null, status) : null;

    /// <summary>What a non-LLM call consumed: one request; an email or SMS sent; bytes put to or got from storage.</summary>
    private static Usage ServiceUsage(ProviderMatch match, HttpRequestMessage request, HttpResponseMessage response)
    {
        if ((int)response.StatusCode >= 400) return new Usage { Requests = 1 };
        var sends = request.Method == HttpMethod.Post && match.Provider is "resend" or "sendgrid" or "postmark" or "mailgun" or "twilio";
        var bytes = match.Provider is "s3" or "r2" or "gcs" or "azure_blob"
            ? (request.Method == HttpMethod.Put ? request.Content?.Headers.ContentLength : request.Method == HttpMethod.Get ? response.Content.Headers.ContentLength : null) ?? 0
            : 0;
        return new Usage { Requests = 1, Units = sends ? 1 : 0, Bytes = bytes };
    }

    /// <summary><c>POST /v1/chat/completions</c>; segments that look like ids (with a digit, or long) become <c>{id}</c>, so routes group.</summary>
    internal static string Route(HttpMethod method, Uri? uri)
    {
        if (uri is null) return method.Method;
        var path = uri.AbsolutePath;
        var builder = new System.Text.StringBuilder(method.Method.Length + path.Length + 8).Append(method.Method).Append(' ');
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Append('/');
            var colon = segment.IndexOf(':', StringComparison.Ordinal);
            var name = colon >= 0 ? segment[..colon] : segment;
            builder.Append(IsId(name) ? "{id}" : name);
            if (colon >= 0) builder.Append(segment, colon, segment.Length - colon);
        }
        if (path == "/") builder.Append('/');
        return builder.ToString();
    }

    // v1, v1beta, v2 are versions, not ids.
    private static bool IsId(string segment) =>
        segment.Length > 24 || (segment.Any(char.IsDigit) && !(segment.Length >= 2 && segment[0] == 'v' && char.IsDigit(segment[1]) && segment.Length <= 8));

    /// <summary>The model in a Gemini or Vertex path (<c>.../models/gemini-2.0-flash:generateContent</c>).</summary>
    private static string? ModelInPath(Uri? uri)
    {
        if (uri is null) return null;
        var path = uri.AbsolutePath;
        var at = path.IndexOf("/models/", StringComparison.Ordinal);
        if (at < 0) return null;
        var model = path[(at + 8)..];
        var end = model.IndexOfAny([':', '/']);
        return end > 0 ? Uri.UnescapeDataString(model[..end]) : null;
    }
}
