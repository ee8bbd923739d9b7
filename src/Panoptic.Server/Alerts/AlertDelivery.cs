using Panoptic.Storage;

namespace Panoptic.Server.Alerts;

/// <summary>
/// Sends raised alerts to the workspace's webhook as {"text": ...} (what Slack-compatible incoming webhooks accept)
/// plus the alert's fields, retrying failures with exponential backoff (1, 2, 4 ... 64 minutes, then it stops and the
/// alert shows the last error). An alert is claimed before it is sent, so two servers do not both send it.
/// </summary>
internal sealed class AlertDelivery(PanopticStore store, IHttpClientFactory clients, TimeProvider time)
{
    public const string ClientName = "alerts";
    private const int MaxAttempts = 8;

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var delivered = 0;
        foreach (var alert in await store.ClaimDueAlertsAsync(now, TimeSpan.FromMinutes(5), 100, cancellationToken))
        {
            if (alert.Attempts >= MaxAttempts) continue;
            var url = await store.WebhookAsync(alert.WorkspaceId, cancellationToken);
            if (url is null)
            {
                // No webhook yet: keep the alert for the API and try again once one is set.
                await store.MarkAlertFailedAsync(alert, now.AddMinutes(1), "no webhook configured (PUT /api/v1/alerts/webhook)", cancellationToken);
                continue;
            }
            var error = await SendAsync(url, alert, cancellationToken);
            if (error is null)
            {
                await store.MarkAlertDeliveredAsync(alert, time.GetUtcNow(), cancellationToken);
                delivered++;
            }
            else await store.MarkAlertFailedAsync(alert, now.AddMinutes(Math.Pow(2, alert.Attempts)), error, cancellationToken);
        }
        return delivered;
    }

    private async Task<string?> SendAsync(string url, Alert alert, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await clients.CreateClient(ClientName).PostAsJsonAsync(url, new
            {
                text = $":rotating_light: Panoptic — {alert.Message}",
                kind = alert.Kind,
                subject = alert.Subject,
                message = alert.Message,
                workspace = alert.WorkspaceId,
                id = alert.Id,
                created_at = alert.CreatedAt,
            }, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"the webhook answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The boundary with the outside world: recorded on the alert, retried later.
            return $"the webhook could not be reached: {e.Message}";
        }
    }
}
