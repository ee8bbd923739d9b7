using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Panoptic.Server.CostSources;

/// <summary>The cost-source feature's services: connectors, the importer, the drift check and the hourly scheduler.</summary>
internal static class CostSourceServices
{
    public static IServiceCollection AddCostSources(this IServiceCollection services)
    {
        services.AddHttpClient(CostSourceHttp.ClientName, c => c.Timeout = TimeSpan.FromSeconds(60))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = System.Net.DecompressionMethods.All });
        services.TryAddSingleton<CostSourceDelay>();
        services.AddSingleton<CostSourceHttp>();
        services.AddSingleton<ICostConnector, OpenAiCostConnector>();
        services.AddSingleton<ICostConnector, AnthropicCostConnector>();
        services.AddSingleton<ICostConnector, LangfuseCostConnector>();
        services.AddSingleton<DriftCheck>();
        services.AddSingleton<CostImporter>();
        services.AddSingleton<CostSyncService>();
        services.AddHostedService(sp => sp.GetRequiredService<CostSyncService>());
        return services;
    }
}
