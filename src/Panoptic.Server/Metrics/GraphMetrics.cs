using System.Globalization;
using System.Text;
using Panoptic.Server.Graph;
using Panoptic.Storage;

namespace Panoptic.Server.Metrics;

/// <summary>
/// The service graph in the metric names established tracing backends use (traces_service_graph_*), so existing
/// Grafana service-graph panels work against Panoptic: totals since the graph began, per workspace and edge, with
/// client and server latency histograms in seconds.
/// </summary>
internal static class GraphMetrics
{
    public static async Task WriteAsync(StringBuilder text, PanopticStore store, CancellationToken cancellationToken)
    {
        var edges = await store.GraphEdgeTotalsAsync(cancellationToken);
        string Labels(Storage.Graph.GraphEdge e) =>
            $"workspace=\"{MetricsEndpoint.Label(e.WorkspaceId)}\",client=\"{MetricsEndpoint.Label(e.Client)}\",server=\"{MetricsEndpoint.Label(e.Server)}\",connection_type=\"{MetricsEndpoint.Label(e.ConnectionType)}\"";
        MetricsEndpoint.Header(text, "traces_service_graph_request_total", "counter", "Requests between two nodes of the service graph.");
        foreach (var e in edges) text.Append(CultureInfo.InvariantCulture, $"traces_service_graph_request_total{{{Labels(e)}}} {e.Requests}\n");
        MetricsEndpoint.Header(text, "traces_service_graph_request_failed_total", "counter", "Failed requests between two nodes of the service graph.");
        foreach (var e in edges) text.Append(CultureInfo.InvariantCulture, $"traces_service_graph_request_failed_total{{{Labels(e)}}} {e.Failed}\n");
        foreach (var (side, pick) in new (string, Func<Storage.Graph.GraphEdge, (long[], double)>)[] { ("server", e => (e.ServerBuckets, e.ServerSeconds)), ("client", e => (e.ClientBuckets, e.ClientSeconds)) })
        {
            var name = $"traces_service_graph_request_{side}_seconds";
            MetricsEndpoint.Header(text, name, "histogram", $"Request latency as the {side} side measured it.");
            foreach (var e in edges)
            {
                var (buckets, seconds) = pick(e);
                long cumulative = 0;
                for (var i = 0; i < LatencyHistogram.Bounds.Length; i++)
                {
                    cumulative += buckets[i];
                    text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{Labels(e)},le=\"{LatencyHistogram.Bounds[i]:R}\"}} {cumulative}\n");
                }
                cumulative += buckets[^1];
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{Labels(e)},le=\"+Inf\"}} {cumulative}\n");
                text.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{Labels(e)}}} {seconds:R}\n");
                text.Append(CultureInfo.InvariantCulture, $"{name}_count{{{Labels(e)}}} {cumulative}\n");
            }
        }
    }
}
