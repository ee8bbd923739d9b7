using System.Diagnostics;
using System.Net.Http.Json;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// The processor: a checkout workflow endpoint (several steps, parallel calls to the shop API), and a background job
// that fulfils pending orders in batches and asks an LLM for a product summary (a GenAI span with token usage, which
// Panoptic prices into its cost ledger). Traces go to the OTLP endpoint in the OTEL_EXPORTER_OTLP_* variables.
// ASP.NET Core ("Microsoft.AspNetCore") and HttpClient ("System.Net.Http") report requests as activities with the
// semantic conventions' attributes; the OpenTelemetry SDK listens to their sources.
var workflow = new ActivitySource("Shop.Processor");
using var tracing = Sdk.CreateTracerProviderBuilder()
    .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("shop-processor"))
    .AddSource("Microsoft.AspNetCore", "System.Net.Http", workflow.Name)
    .AddOtlpExporter()
    .Build();
var builder = WebApplication.CreateBuilder(args);
var shopUrl = new Uri(builder.Configuration["SHOP_API_URL"] ?? "http://127.0.0.1:5101");
builder.Services.AddHttpClient("shop", c => c.BaseAddress = shopUrl);
builder.Services.AddSingleton(workflow);
builder.Services.AddHostedService<FulfilmentJob>();
var app = builder.Build();

app.MapPost("/checkout", async (IHttpClientFactory clients, CheckoutRequest request) =>
{
    var shop = clients.CreateClient("shop");
    using (workflow.StartActivity("validate cart"))
    {
        // Parallel calls: the catalogue, once per item.
        await Task.WhenAll(request.Items.Select(_ => shop.GetAsync("/products")));
    }
    var created = new List<long>();
    using (workflow.StartActivity("place orders"))
    {
        foreach (var item in request.Items)
        {
            var response = await shop.PostAsJsonAsync("/orders", new { product = item });
            if (response.IsSuccessStatusCode) created.Add((await response.Content.ReadFromJsonAsync<Created>())!.Id);
        }
    }
    return Results.Ok(new { orders = created });
});
app.Run();

internal sealed record CheckoutRequest(string[] Items);

internal sealed record Created(long Id);

/// <summary>Every two seconds: fulfil the orders placed since the last run, in one batch, then summarize with an LLM.</summary>
internal sealed class FulfilmentJob(IHttpClientFactory clients, ActivitySource workflow) : BackgroundService
{
    private long _next = 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (HttpRequestException)
            {
                // the API is not up yet; the next tick retries
            }
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var batch = workflow.StartActivity("fulfil batch", ActivityKind.Internal);
        var shop = clients.CreateClient("shop");
        var pending = await shop.GetFromJsonAsync<long>("/orders/pending", cancellationToken);
        var ids = Enumerable.Range(0, (int)Math.Min(pending, 20)).Select(i => _next + i).ToList();
        _next += ids.Count;
        batch?.SetTag("batch.size", ids.Count);
        await Task.WhenAll(ids.Select(id => shop.PostAsync($"/orders/{id}/fulfil", null, cancellationToken)));
        if (ids.Count == 0) return;
        // What an instrumented LLM client records (OpenTelemetry GenAI conventions); no real model is called here.
        using var llm = workflow.StartActivity("chat gpt-4o-mini", ActivityKind.Client);
        llm?.SetTag("gen_ai.operation.name", "chat");
        llm?.SetTag("gen_ai.provider.name", "openai");
        llm?.SetTag("gen_ai.request.model", "gpt-4o-mini");
        llm?.SetTag("gen_ai.usage.input_tokens", 350 * ids.Count);
        llm?.SetTag("gen_ai.usage.output_tokens", 60 * ids.Count);
        llm?.SetTag("server.address", "api.openai.com");
        llm?.SetTag("feature", "order_summary");
        await Task.Delay(50, cancellationToken);
    }
}
