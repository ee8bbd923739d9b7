using System.Net;
using System.Net.Http.Headers;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Export;

/// <summary>
/// Sends batches to a Panoptic server's <c>POST /api/v1/events</c> with the workspace's ingestion key. 429, 5xx and
/// network errors are retryable (Retry-After honoured); 422 means the server stored the valid events and rejected
/// the rest, which a retry cannot fix; other 4xx (a wrong key) are permanent.
/// </summary>
public sealed class ServerTransport(HttpClient http, Uri endpoint, string apiKey) : IEventTransport
{
    /// <summary>Posts one batch to the server.</summary>
    public async Task<SendResult> SendAsync(IReadOnlyList<CostEvent> batch, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "api/v1/events"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        request.Content = new ByteArrayContent(EventJson.Batch(batch));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode || status == 422) return SendResult.Ok;
            var after = response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            return status == 429 || status >= 500 ? SendResult.Retryable($"the server answered {status}", after)
                : SendResult.Permanent($"the server answered {status}{(response.StatusCode == HttpStatusCode.Unauthorized ? " (check Panoptic:ApiKey)" : "")}");
        }
        catch (HttpRequestException e)
        {
            return SendResult.Retryable($"the server is unreachable: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendResult.Retryable("the server did not answer in time");
        }
    }
}
