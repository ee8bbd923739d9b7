using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Panoptic.Server.CostSources;

/// <summary>A connector's failure, worded for the person who reads the source's last error: never the key, never a raw body.</summary>
internal sealed class CostSourceException(string message) : Exception(message);

/// <summary>How the importer waits between attempts; tests replace it so a Retry-After of 30 s takes no time.</summary>
internal class CostSourceDelay(TimeProvider time)
{
    public virtual Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, time, cancellationToken);
}

/// <summary>
/// GETs one page of a provider's admin API as JSON. A 429 waits for its Retry-After (seconds or a date; 2^n seconds
/// without one) and a 5xx or a connection error waits 2^n seconds, up to <see cref="Attempts"/> tries and
/// <see cref="MaxWait"/> per wait; past either the sync fails with what happened, and what it stored so far stays.
/// </summary>
internal sealed class CostSourceHttp(IHttpClientFactory clients, CostSourceDelay delay, TimeProvider time)
{
    public const string ClientName = "panoptic-cost-sources";
    public const int Attempts = 5;
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(2);

    public async Task<JsonElement> GetAsync(string provider, Uri url, Action<HttpRequestHeaders> authorize, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan wait;
            string failure;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                authorize(request.Headers);
                using var response = await client.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode) return await ReadAsync(provider, response, cancellationToken);
                var status = (int)response.StatusCode;
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    throw new CostSourceException($"{provider} refused the key ({status}): it needs an admin or read-only key with access to usage and costs");
                if (response.StatusCode is not HttpStatusCode.TooManyRequests && status < 500)
                    throw new CostSourceException($"{provider} answered {status} to {url.AbsolutePath}{await CodeAsync(response, cancellationToken)}");
                wait = response.StatusCode == HttpStatusCode.TooManyRequests ? RetryAfter(response) ?? Backoff(attempt) : Backoff(attempt);
                failure = response.StatusCode == HttpStatusCode.TooManyRequests ? $"{provider} is rate limiting (429)" : $"{provider} answered {status}";
            }
            catch (HttpRequestException e)
            {
                wait = Backoff(attempt);
                failure = $"{provider} could not be reached ({e.HttpRequestError})";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                wait = Backoff(attempt);
                failure = $"{provider} did not answer in time";
            }
            if (attempt == Attempts) throw new CostSourceException($"{failure} after {Attempts} attempts");
            if (wait > MaxWait) throw new CostSourceException($"{failure} and asks to wait {wait.TotalSeconds:0} s; the next scheduled sync retries");
            await delay.WaitAsync(wait, cancellationToken);
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } after) return null;
        if (after.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (after.Date is { } date) return date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero;
        return null;
    }

    private static async Task<JsonElement> ReadAsync(string provider, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, default, cancellationToken);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CostSourceException($"{provider} answered {(int)response.StatusCode} with a body that is not JSON");
        }
    }

    /// <summary>The provider's error code or type (": invalid_request_error"), never its message, which may quote the request.</summary>
    private static async Task<string> CodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var error = document.RootElement.TryGetProperty("error", out var e) ? e : document.RootElement;
            foreach (var name in new[] { "code", "type" })
            {
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and < 80 } text
                    && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
                    return ": " + text;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the status says enough.
        }
        return "";
    }

    public static string Unix(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static string Rfc3339(DateOnly day) => day.ToString("yyyy-MM-dd'T00:00:00Z'", CultureInfo.InvariantCulture);
}
