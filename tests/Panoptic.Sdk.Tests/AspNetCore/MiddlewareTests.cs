using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Panoptic.Sdk.AspNetCore;
using Panoptic.Sdk.Context;
using Panoptic.Sdk.Tests.Support;
using Panoptic.TestUtilities;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Tests.AspNetCore;

/// <summary>The request middleware in real Kestrel apps on loopback.</summary>
[Collection(SdkTests.Name)]
public sealed class MiddlewareTests : IAsyncLifetime
{
    private readonly List<WebApplication> _apps = [];
    private CollectingTransport.Tracked _sdk = null!;

    public Task InitializeAsync()
    {
        _sdk = CollectingTransport.Init("orders");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _sdk.DisposeAsync();
        foreach (var app in _apps) await app.DisposeAsync();
    }

    private async Task<Uri> StartAsync(Action<WebApplicationBuilder>? services, Action<WebApplication> routes)
    {
        var (app, address) = await WebApp.StartAsync(services, routes);
        _apps.Add(app);
        return address;
    }

    [Fact]
    public async Task TheContext_CrossesAnHttpHop_FromTheMappedHeaderToTheNextServicesTrackedOperation()
    {
        // Service B: tracks an LLM call under whatever context its middleware began from the incoming baggage.
        var billing = await StartAsync(null, app =>
        {
            app.UsePanoptic();
            app.MapPost("/invoices", () => PanopticSdk.Track(new Operation { Provider = "openai", Model = "gpt-4o-mini", Name = "draft" }, () => Results.Ok()));
        });
        // Service A: maps the tenant from a header and calls B with a client registered in one line.
        var orders = await StartAsync(builder => builder.Services.AddHttpClient("billing", c => c.BaseAddress = billing).AddPanopticTracking(), app =>
        {
            app.UsePanoptic(http => new ContextValues { TenantId = http.Request.Headers["X-Tenant"], Feature = "checkout" });
            app.MapPost("/orders/{id}", async (string id, IHttpClientFactory clients) =>
            {
                // Through Task.Run and an await, into the HTTP call.
                var status = await Task.Run(async () => (await clients.CreateClient("billing").PostAsync("invoices", null)).StatusCode);
                return Results.Ok(new { id, status });
            });
        });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(orders, "orders/42"));
        request.Headers.Add("X-Tenant", "acme");
        (await http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var events = await _sdk.Events.WaitForAsync(3);
        var draft = events.Single(e => e.Provider == "openai");
        (draft.Context.TenantId, draft.Context.Feature).ShouldBe(("acme", "checkout"));
        var outer = events.Single(e => e.Operation == "POST /orders/{id}");
        var inner = events.Single(e => e.Operation == "POST /invoices");
        draft.Context.RequestId.ShouldBe(outer.Context.RequestId, "the request id of the first service travels with the context");
        (outer.Provider, outer.Context.TenantId, outer.CostUsd, outer.AllAttributes()["status_code"]).ShouldBe(("http.server", "acme", 0m, (object)200));
        inner.Context.TenantId.ShouldBe("acme");
    }

    [Fact]
    public async Task AThrowingMapper_NeverFailsTheRequest_AndTheRequestKeepsTheRestOfItsContext()
    {
        var address = await StartAsync(null, app =>
        {
            app.UsePanoptic(_ => throw new InvalidOperationException("claims not there"));
            app.MapGet("/ping", () => PanopticContext.Current.TenantId ?? "none");
        });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "ping"));
        request.Headers.Add("baggage", "tenant_id=globex");
        var response = await http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("globex");
        var e = (await _sdk.Events.WaitForAsync(1)).Single();
        (e.Operation, e.Failed, e.Context.TenantId).ShouldBe(("GET /ping", false, "globex"));
    }

    [Fact]
    public async Task AFailingRequest_IsRecordedAsFailed_WithItsStatus()
    {
        var address = await StartAsync(null, app =>
        {
            app.UsePanoptic(options: new PanopticRequestOptions { ReadBaggage = false });
            app.MapGet("/boom", (HttpContext _) => Results.StatusCode(503));
            app.MapGet("/missing/{id:int}", (int id) => Results.NotFound(id));
        });
        using var http = new HttpClient();
        (await http.GetAsync(new Uri(address, "boom"))).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await http.GetAsync(new Uri(address, "missing/7"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetAsync(new Uri(address, "nowhere"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var events = (await _sdk.Events.WaitForAsync(3)).OrderBy(e => e.Timestamp).ToList();
        events.Select(e => (e.Operation, e.Failed, e.AllAttributes()["status_code"])).ShouldBe(
            [("GET /boom", true, (object?)503), ("GET /missing/{id:int}", false, 404), ("GET", false, 404)]);
    }
}
