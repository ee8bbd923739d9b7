using Panoptic.Storage.Ledger;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Panoptic.Storage.CostSources;

namespace Panoptic.Server.CostSources;

/// <summary>
/// Langfuse's public daily metrics (GET /api/public/metrics/daily): per day, the cost and usage Langfuse computed per
/// model, paged with page and meta.totalPages. Basic auth with the project's public key and secret key. Langfuse
/// names no provider, so each model's provider comes from its name (gpt-… is openai, claude-… anthropic).
/// </summary>
internal sealed class LangfuseCostConnector(CostSourceHttp http) : ICostConnector
{
    public string Kind => "langfuse";

    private const int Limit = 50;

    public async IAsyncEnumerable<BilledBatch> ReadAsync(ConnectorRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{request.PublicKey}:{request.Secret}"));
        for (var page = 1; page <= Paging.MaxPages; page++)
        {
            var url = new Uri(Paging.Join(request.BaseUrl, "api/public/metrics/daily")
                + $"?page={page}&limit={Limit}&fromTimestamp={Uri.EscapeDataString(CostSourceHttp.Rfc3339(request.From))}&toTimestamp={Uri.EscapeDataString(CostSourceHttp.Rfc3339(request.To))}");
            var body = await http.GetAsync("Langfuse", url, h => h.Authorization = new("Basic", credentials), cancellationToken);
            var days = new List<DateOnly>();
            var rows = new List<BilledRow>();
            foreach (var item in body.Array("data"))
            {
                if (!DateOnly.TryParse(item.Text("date"), CultureInfo.InvariantCulture, out var day) || day < request.From || day >= request.To) continue;
                days.Add(day);
                var perModel = 0L;
                foreach (var u in item.Array("usage"))
                {
                    var model = u.Text("model") ?? "";
                    var cost = Nanos.FromUsd(u.Decimal("totalCost")).Value;
                    perModel += cost;
                    rows.Add(new BilledRow(day, ProviderNames.ProviderOfModel(model), ProviderNames.Model(model), "", cost, u.Long("inputUsage"), u.Long("outputUsage"),
                        u.Long("countObservations")));
                }
                // Cost Langfuse counted for the day but attributed to no model.
                var rest = Nanos.FromUsd(item.Decimal("totalCost")).Value - perModel;
                if (rest > 0) rows.Add(new BilledRow(day, "unknown", "", "not attributed to a model", rest));
            }
            yield return new BilledBatch(days, rows);
            var totalPages = body.TryGetProperty("meta", out var meta) ? meta.Long("totalPages") : 0;
            if (page >= totalPages) yield break;
        }
        throw new CostSourceException($"Langfuse returned more than {Paging.MaxPages} pages");
    }
}
