using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Http;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk;

/// <summary>One-line registration for hosts built on Microsoft.Extensions.DependencyInjection.</summary>
public static class PanopticServiceCollectionExtensions
{
    /// <summary>
    /// Reads the options from <paramref name="configuration"/> (the <c>Panoptic</c> section, <c>PANOPTIC_*</c> variables
    /// on top), lets <paramref name="configure"/> adjust them, validates them — a wrong setting throws
    /// <see cref="PanopticConfigurationException"/> here, at start-up — and starts the SDK; the host's shutdown sends
    /// what is still queued. With nothing configured the SDK stays off and the application runs as before.
    /// </summary>
    public static IServiceCollection AddPanoptic(this IServiceCollection services, IConfiguration? configuration = null, Func<PanopticOptions, PanopticOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = PanopticOptions.FromConfiguration(configuration);
        if (configure is not null) options = configure(options);
        var exporter = PanopticSdk.Init(options);
        services.AddSingleton(options);
        services.AddSingleton<IHostedService>(new ShutdownFlush(exporter));
        return services;
    }

    /// <summary>Records this client's calls to known providers (<see cref="PanopticHttpHandler"/>), with the hosts configured in <c>Panoptic:Hosts</c>.</summary>
    public static IHttpClientBuilder AddPanopticTracking(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddHttpMessageHandler(services => new PanopticHttpHandler(services.GetService<PanopticOptions>()?.Hosts));
    }

    /// <summary>Sends what is queued when the host stops (up to five seconds), then stops tracking.</summary>
    private sealed class ShutdownFlush(EventExporter? exporter) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (exporter is null) return;
            PanopticSdk.Shutdown(exporter);
            await exporter.DisposeAsync().ConfigureAwait(false);
        }
    }
}
