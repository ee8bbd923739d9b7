using Panoptic.Storage.Ledger;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Panoptic.Storage.CostSources;

namespace Panoptic.Server.CostSources;

/// <summary>
/// OpenAI's organization Costs API (GET /v1/organization/costs, grouped by line item: "gpt-4o-2024-08-06, input") for
/// the dollars, and the Usage API (GET /v1/organization/usage/completions, grouped by model) for tokens and requests,
/// both in daily buckets and paged with page / next_page. Needs an admin key (sk-admin-…). A line item's model is the
/// text before its first comma; an item naming no model (web search, storage) keeps its name as the description.
/// </summary>
internal sealed class OpenAiCostConnector(CostSourceHttp http) : ICostConnector
{
    public string Kind => "openai";

    private const int Limit = 31;

    public async IAsyncEnumerable<BilledBatch> ReadAsync(ConnectorRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var usage = new Dictionary<(DateOnly, string), (long Input, long Output, long Requests, string Model)>();
        await foreach (var page in PagesAsync(request, "organization/usage/completions", "&group_by=model", cancellationToken))
        {
            foreach (var (day, result) in Results(page, request))
            {
                var model = result.Text("model") ?? "";
                var key = (day, ProviderNames.Model(model));
                var seen = usage.GetValueOrDefault(key, (0, 0, 0, model));
                usage[key] = (seen.Input + result.Long("input_tokens"), seen.Output + result.Long("output_tokens"), seen.Requests + result.Long("num_model_requests"), seen.Model);
            }
        }
        await foreach (var page in PagesAsync(request, "organization/costs", "&group_by=line_item", cancellationToken))
        {
            var days = new List<DateOnly>();
            var rows = new List<BilledRow>();
            foreach (var bucket in Buckets(page, request, days))
            {
                foreach (var result in bucket.Results)
                {
                    var lineItem = result.Text("line_item") ?? "";
                    var named = lineItem.Split(',')[0].Trim();
                    var model = ProviderNames.ProviderOfModel(named) == "openai" ? named : "";
                    var cost = result.TryGetProperty("amount", out var amount) && amount.ValueKind == JsonValueKind.Object ? Nanos.FromUsd(amount.Decimal("value")).Value : 0;
                    rows.Add(new BilledRow(bucket.Day, "openai", ProviderNames.Model(model), model.Length > 0 ? "" : lineItem, cost));
                }
            }
            // Tokens join the day's cost of their model; a model used without a cost line yet still shows its usage.
            foreach (var day in days)
            {
                foreach (var ((_, model), u) in usage.Where(u => u.Key.Item1 == day))
                {
                    rows.Add(new BilledRow(day, "openai", model, "", 0, u.Input, u.Output, u.Requests));
                }
            }
            yield return new BilledBatch(days, rows);
        }
    }

    private IAsyncEnumerable<JsonElement> PagesAsync(ConnectorRequest request, string path, string query, CancellationToken cancellationToken) =>
        Paging.CursorAsync(http, "OpenAI", page => new Uri(Paging.Join(request.BaseUrl, path)
            + $"?start_time={CostSourceHttp.Unix(request.From)}&end_time={CostSourceHttp.Unix(request.To)}&bucket_width=1d&limit={Limit}{query}"
            + (page is null ? "" : "&page=" + Uri.EscapeDataString(page))), h => h.Authorization = new("Bearer", request.Secret), cancellationToken);

    private static IEnumerable<(DateOnly Day, JsonElement Result)> Results(JsonElement page, ConnectorRequest request) =>
        Buckets(page, request, []).SelectMany(b => b.Results.Select(r => (b.Day, r)));

    private static IEnumerable<(DateOnly Day, IEnumerable<JsonElement> Results)> Buckets(JsonElement page, ConnectorRequest request, List<DateOnly> days)
    {
        foreach (var bucket in page.Array("data"))
        {
            var day = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(bucket.Long("start_time")).UtcDateTime);
            if (day < request.From || day >= request.To) continue;
            days.Add(day);
            yield return (day, bucket.Array("results"));
        }
    }
}
