using Panoptic.Storage.Ledger;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Panoptic.Storage.CostSources;

namespace Panoptic.Server.CostSources;

/// <summary>
/// Anthropic's Admin API: the cost report (GET /v1/organizations/cost_report, daily, grouped by description; amounts
/// are decimal strings in cents) for the dollars, and the messages usage report
/// (GET /v1/organizations/usage_report/messages, daily, grouped by model) for tokens, both paged with page, has_more
/// and next_page. Needs an Admin API key (sk-ant-admin…), sent as x-api-key with anthropic-version.
/// </summary>
internal sealed class AnthropicCostConnector(CostSourceHttp http) : ICostConnector
{
    public const string Version = "2023-06-01";

    public string Kind => "anthropic";

    private const int Limit = 31;

    public async IAsyncEnumerable<BilledBatch> ReadAsync(ConnectorRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var usage = new Dictionary<(DateOnly Day, string Model), (long Input, long Output)>();
        await foreach (var page in PagesAsync(request, "organizations/usage_report/messages", "&bucket_width=1d&group_by[]=model", cancellationToken))
        {
            foreach (var (day, results) in Buckets(page, request, []))
            {
                foreach (var r in results)
                {
                    var key = (day, ProviderNames.Model(r.Text("model") ?? ""));
                    var creation = r.TryGetProperty("cache_creation", out var c) ? c.Long("ephemeral_1h_input_tokens") + c.Long("ephemeral_5m_input_tokens") : 0;
                    var input = r.Long("uncached_input_tokens") + r.Long("cache_read_input_tokens") + creation;
                    var seen = usage.GetValueOrDefault(key);
                    usage[key] = (seen.Input + input, seen.Output + r.Long("output_tokens"));
                }
            }
        }
        await foreach (var page in PagesAsync(request, "organizations/cost_report", "&group_by[]=description", cancellationToken))
        {
            var days = new List<DateOnly>();
            var rows = new List<BilledRow>();
            foreach (var (day, results) in Buckets(page, request, days))
            {
                foreach (var r in results)
                {
                    var model = ProviderNames.Model(r.Text("model") ?? "");
                    var cents = r.Decimal("amount");
                    rows.Add(new BilledRow(day, "anthropic", model, model.Length > 0 ? "" : r.Text("description") ?? r.Text("cost_type") ?? "", Nanos.FromUsd(cents / 100m).Value));
                }
            }
            foreach (var day in days)
            {
                foreach (var (key, u) in usage.Where(u => u.Key.Day == day)) rows.Add(new BilledRow(day, "anthropic", key.Model, "", 0, u.Input, u.Output));
            }
            yield return new BilledBatch(days, rows);
        }
    }

    private IAsyncEnumerable<JsonElement> PagesAsync(ConnectorRequest request, string path, string query, CancellationToken cancellationToken) =>
        Paging.CursorAsync(http, "Anthropic", page => new Uri(Paging.Join(request.BaseUrl, path)
            + $"?starting_at={CostSourceHttp.Rfc3339(request.From)}&ending_at={CostSourceHttp.Rfc3339(request.To)}&limit={Limit}{query}"
            + (page is null ? "" : "&page=" + Uri.EscapeDataString(page))), h =>
        {
            h.Add("x-api-key", request.Secret);
            h.Add("anthropic-version", Version);
        }, cancellationToken);

    private static IEnumerable<(DateOnly Day, IEnumerable<JsonElement> Results)> Buckets(JsonElement page, ConnectorRequest request, List<DateOnly> days)
    {
        foreach (var bucket in page.Array("data"))
        {
            if (!DateTimeOffset.TryParse(bucket.Text("starting_at"), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var start)) continue;
            var day = DateOnly.FromDateTime(start.UtcDateTime);
            if (day < request.From || day >= request.To) continue;
            days.Add(day);
            yield return (day, bucket.Array("results"));
        }
    }
}
