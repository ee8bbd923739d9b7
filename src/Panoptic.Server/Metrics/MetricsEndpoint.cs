using Panoptic.Storage.Ledger;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Panoptic.Server.Ingestion;
using Panoptic.Storage;

namespace Panoptic.Server.Metrics;

/// <summary>
/// GET /metrics in Prometheus text format: this process's ingestion counters and month-to-date spend per workspace and
/// provider from the ledger. It shows spend, so it needs Panoptic:MetricsToken as a bearer token when one is set, and
/// is served to loopback clients only when none is.
/// </summary>
internal static class MetricsEndpoint
{
    public static void MapMetrics(this IEndpointRouteBuilder app) => app.MapGet("/metrics", WriteAsync).WithTags("Metrics").ExcludeFromDescription();

    public static async Task<IResult> WriteAsync(HttpContext http, PanopticStore store, IngestionMetrics metrics, Traces.TraceLoad traces, Gateway.GatewayLogWriter gatewayLogs, IOptions<ServerOptions> options,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var token = options.Value.MetricsToken;
        var allowed = token is { Length: > 0 }
            ? System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Accounts.PanopticAuthentication.BearerToken(http.Request) ?? ""), Encoding.UTF8.GetBytes(token))
            : http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);
        if (!allowed)
            return Problems.Of(StatusCodes.Status403Forbidden, "Forbidden", "set Panoptic:MetricsToken and scrape with it as a bearer token (without one, /metrics answers loopback clients only)");

        var now = time.GetUtcNow();
        var text = new StringBuilder();
        Header(text, "panoptic_events_ingested_total", "counter", "Cost events received by this process, by outcome (accepted, duplicate, rejected).");
        foreach (var (workspace, outcome, count) in metrics.Snapshot())
            text.Append(CultureInfo.InvariantCulture, $"panoptic_events_ingested_total{{workspace=\"{Label(workspace)}\",outcome=\"{outcome}\"}} {count}\n");
        Header(text, "panoptic_rollup_pending_events", "gauge", "Accepted events not folded into the cost rollups yet (queries add them; a growing figure means ingestion outpaces the rollup job).");
        text.Append(CultureInfo.InvariantCulture, $"panoptic_rollup_pending_events {await store.PendingCountAsync(cancellationToken)}\n");
        var spend = await store.SpendByProviderAsync(new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero), cancellationToken);
        Header(text, "panoptic_spend_month_usd", "gauge", "Month-to-date spend in US dollars, per workspace and provider, from the ledger.");
        foreach (var (workspace, provider, nanos, _) in spend)
            text.Append(CultureInfo.InvariantCulture, $"panoptic_spend_month_usd{{workspace=\"{Label(workspace)}\",provider=\"{Label(provider)}\"}} {Nanos.ToUsd(nanos)}\n");
        Header(text, "panoptic_events_month", "gauge", "Month-to-date cost events, per workspace and provider.");
        foreach (var (workspace, provider, _, events) in spend)
            text.Append(CultureInfo.InvariantCulture, $"panoptic_events_month{{workspace=\"{Label(workspace)}\",provider=\"{Label(provider)}\"}} {events}\n");
        Header(text, "panoptic_budget_used_ratio", "gauge", "Spend so far in the budget's current period over its amount (1 = fully used).");
        var statuses = new List<(string Workspace, Budgets.BudgetEndpoints.BudgetView Status)>();
        foreach (var (workspace, budget) in await store.AllBudgetsAsync(cancellationToken))
            statuses.Add((workspace, await Budgets.BudgetEndpoints.StatusAsync(store, workspace, budget, now, cancellationToken)));
        foreach (var (workspace, s) in statuses)
            text.Append(CultureInfo.InvariantCulture, $"panoptic_budget_used_ratio{{workspace=\"{Label(workspace)}\",budget=\"{Label(s.Name)}\",unit=\"{Label(s.Unit)}\"}} {Math.Round(s.Spent / (decimal)s.Amount, 6)}\n");
        Header(text, "panoptic_budget_projected_ratio", "gauge", "The period-end projection over the budget's amount (over 1 = projected overspend).");
        foreach (var (workspace, s) in statuses)
            text.Append(CultureInfo.InvariantCulture, $"panoptic_budget_projected_ratio{{workspace=\"{Label(workspace)}\",budget=\"{Label(s.Name)}\",unit=\"{Label(s.Unit)}\"}} {Math.Round(s.Projection.Projected / (decimal)s.Amount, 6)}\n");
        var (spans, rejected, costEvents) = traces.Snapshot();
        Header(text, "panoptic_spans_received_total", "counter", "OTLP spans this process decoded, rejected ones apart.");
        text.Append(CultureInfo.InvariantCulture, $"panoptic_spans_received_total {spans}\n");
        Header(text, "panoptic_spans_rejected_total", "counter", "OTLP spans this process could not read (reported back as partial success).");
        text.Append(CultureInfo.InvariantCulture, $"panoptic_spans_rejected_total {rejected}\n");
        Header(text, "panoptic_gateway_log_rows_written_total", "counter", "Gateway request log rows this process wrote.");
        text.Append(CultureInfo.InvariantCulture, $"panoptic_gateway_log_rows_written_total {gatewayLogs.Written}\n");
        Header(text, "panoptic_gateway_log_rows_dropped_total", "counter", "Gateway request log rows lost: the queue was full, or the store failed five times.");
        text.Append(CultureInfo.InvariantCulture, $"panoptic_gateway_log_rows_dropped_total {gatewayLogs.Dropped}\n");
        Header(text, "panoptic_span_cost_events_total", "counter", "GenAI spans this process turned into cost events.");
        text.Append(CultureInfo.InvariantCulture, $"panoptic_span_cost_events_total {costEvents}\n");
        Header(text, "panoptic_trace_exports_in_flight", "gauge", "OTLP trace exports this process is reading or decoding now.");
        text.Append(CultureInfo.InvariantCulture, $"panoptic_trace_exports_in_flight {traces.InFlight}\n");
        await GraphMetrics.WriteAsync(text, store, cancellationToken);
        return Results.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }

    /// <summary>A metric's HELP and TYPE lines.</summary>
    internal static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').AppendLine(help).Append("# TYPE ").Append(name).Append(' ').AppendLine(type);

    /// <summary>Label values come from events, so they are escaped as the exposition format requires.</summary>
    internal static string Label(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
