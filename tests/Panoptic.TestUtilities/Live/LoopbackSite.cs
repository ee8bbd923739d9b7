using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Panoptic.TestUtilities.Live;

/// <summary>A real Kestrel site on loopback: HTTPS with the given certificate, and plain HTTP beside it.</summary>
public sealed class LoopbackSite : IAsyncDisposable
{
    private readonly WebApplication app;

    private LoopbackSite(WebApplication app, int httpsPort, int httpPort)
    {
        this.app = app;
        HttpsPort = httpsPort;
        HttpPort = httpPort;
    }

    public int HttpsPort { get; }
    public int HttpPort { get; }
    public Uri Url => new($"https://localhost:{HttpsPort}/");

    public static async Task<LoopbackSite> StartAsync(X509Certificate2 certificate, SiteOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                https.SslProtocols = options.Protocols;
            }));
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.Run(async context =>
        {
            if (!context.Request.IsHttps && options.RedirectHttp)
            {
                context.Response.Redirect($"https://localhost{context.Request.Path}", permanent: true);
                return;
            }
            foreach (var (name, value) in options.Headers) context.Response.Headers[name] = value;
            if (context.Request.Path == "/")
            {
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<!doctype html><title>site</title>");
            }
            else if (options.Files.TryGetValue(context.Request.Path.Value!, out var text))
            {
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync(text);
            }
            else context.Response.StatusCode = 404;
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        return new LoopbackSite(app, addresses.First(a => a.Scheme == "https").Port, addresses.First(a => a.Scheme == "http").Port);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
