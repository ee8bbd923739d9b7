using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Panoptic.Sdk.Pricing;
using Panoptic.Server.Accounts;
using Panoptic.Server.Alerts;
using Panoptic.Server.Budgets;
using Panoptic.Server.Costs;
using Panoptic.Server.CostSources;
using Panoptic.Server.Graph;
using Panoptic.Server.Ingestion;
using Panoptic.Server.Live;
using Panoptic.Server.Metrics;
using Panoptic.Server.Probes;
using Panoptic.Server.Registries;
using Panoptic.Server.Traces;
using Panoptic.Storage;

namespace Panoptic.Server;

/// <summary>
/// The composition root of `panoptic serve`, shared by the CLI and the tests: CreateBuilder wires services from
/// configuration, Build maps every endpoint.
/// </summary>
public static class PanopticServer
{
    public const string DefaultUrl = "http://127.0.0.1:7317";

    public static WebApplicationBuilder CreateBuilder(string[] args, bool jsonLogs = false)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        builder.Logging.ClearProviders();
        if (jsonLogs) builder.Logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ");
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        var services = builder.Services;
        services.AddOptions<ServerOptions>().Bind(builder.Configuration.GetSection(ServerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => { var o = sp.GetRequiredService<IOptions<ServerOptions>>().Value; return PanopticStore.Create(o.Database, o.DataDirectory); });
        services.AddSingleton(RateCard.Embedded);
        services.AddSingleton<IngestionMetrics>();
        services.AddSingleton<WorkspaceRates>();
        services.AddSingleton<Advisor.SavingsAdvisor>();
        services.AddSingleton<TraceLoad>();
        services.AddSingleton<ServiceGraph>();
        services.AddHttpClient("panoptic-probes", c => c.Timeout = Timeout.InfiniteTimeSpan).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        });
        services.AddSingleton<IProbeKind, TcpProbe>();
        services.AddSingleton<IProbeKind, HttpProbe>();
        services.AddSingleton<IProbeKind, PostgresProbe>();
        services.AddSingleton<IProbeKind, RedisProbe>();
        services.AddSingleton<ProbeRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<ProbeRunner>());
        services.AddSingleton(_ => Panoptic.Scanner.Catalog.TechnologyCatalog.LoadEmbedded());
        services.AddSingleton<GraphFlushService>();
        services.AddHostedService(sp => sp.GetRequiredService<GraphFlushService>());
        services.AddHostedService<StoreStartup>();
        services.AddHostedService<RollupService>();
        services.AddSingleton<LiveCheckRunner>();
        services.AddSingleton<LiveCheckService>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveCheckService>());
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<AlertDelivery>();
        services.AddHostedService<AlertService>();
        services.AddSingleton<Gateway.KeyVault>();
        services.AddSingleton<Gateway.GatewayLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<Gateway.GatewayLogWriter>());
        services.AddSingleton<Gateway.GatewayProxy>();
        services.AddSingleton<Gateway.CircuitBreakers>();
        // The balancer's draws and jitter; tests register a seeded Random after this one.
        services.AddSingleton(Random.Shared);
        services.AddSingleton<Gateway.KeyBalancer>();
        services.AddSingleton<Gateway.BodyLogging>();
        services.AddSingleton<Gateway.UpstreamCallLogger>();
        // The gateway manages its own timeouts (to the first byte, then between reads), so the client has none.
        services.AddHttpClient(Gateway.GatewayProxy.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = System.Net.DecompressionMethods.All })
            .RemoveAllLoggers().AddLogger<Gateway.UpstreamCallLogger>();
        services.AddHttpClient(AlertDelivery.ClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddCostSources();
        services.AddProblemDetails();
        services.AddOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>().Configure<IOptions<ServerOptions>>((forwarded, server) => TrustedProxies.Configure(forwarded, server.Value.TrustProxy));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null;
        });
        services.AddAuthentication(PanopticAuthentication.SchemeName).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, PanopticAuthentication>(PanopticAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(PanopticAuthentication.UserPolicy, p => p.RequireClaim(PanopticAuthentication.KindClaim, "user"))
            .AddPolicy(PanopticAuthentication.IngestPolicy, p => p.RequireAuthenticatedUser());
        services.AddOpenApi();
        services.AddRazorComponents();
        services.AddAntiforgery(o => o.Cookie.Name = "panoptic_antiforgery");
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        // First, so that everything after it (the cookie's Secure flag, login limits, logs) sees the client, not the proxy.
        if (!string.IsNullOrWhiteSpace(app.Services.GetRequiredService<IOptions<ServerOptions>>().Value.TrustProxy)) app.UseForwardedHeaders();
        app.Use(SecurityHeaders.Middleware);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(WorkspaceScope.Middleware);
        app.UseAntiforgery();

        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).WithTags("Health");
        app.MapGet("/readyz", async (PanopticStore store, CancellationToken cancellationToken) => await store.IsReadyAsync(cancellationToken)
            ? Results.Ok(new { status = "ready", store = store.Kind })
            : Results.Json(new { status = "not ready", store = store.Kind }, statusCode: StatusCodes.Status503ServiceUnavailable)).WithTags("Health");
        app.MapOpenApi("/openapi/v1.json");
        app.MapAccounts();
        app.MapWorkspaces();
        app.MapEvents();
        app.MapTraces();
        app.MapGraph();
        app.MapProbes();
        app.MapCosts();
        WorkspaceRates.Map(app);
        app.MapMetrics();
        app.MapRegistries();
        app.MapBudgets();
        app.MapAlerts();
        app.MapLive();
        app.MapCostSources();
        app.MapReconciliation();
        Advisor.AdvisorEndpoints.MapRecommendations(app);
        Gateway.GatewayAdminEndpoints.MapGatewayAdmin(app);
        Gateway.GatewayEndpoints.MapGateway(app);
        Dashboard.DashboardEndpoints.MapDashboard(app);
        return app;
    }
}
