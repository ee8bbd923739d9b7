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

/// <summary>What a <see cref="LoopbackSite"/> serves: the headers of every answer, its text files, and whether plain HTTP redirects.</summary>
public sealed record SiteOptions
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();
    public bool RedirectHttp { get; init; } = true;
    public SslProtocols Protocols { get; init; } = SslProtocols.None;

    /// <summary>Every header the live checks want, HSTS for a year with subdomains, security.txt, robots and /healthz.</summary>
    public static SiteOptions Hardened => new()
    {
        Headers = new Dictionary<string, string>
        {
            ["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains",
            ["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'",
            ["X-Content-Type-Options"] = "nosniff",
            ["X-Frame-Options"] = "DENY",
            ["Referrer-Policy"] = "strict-origin-when-cross-origin",
        },
        Files = new Dictionary<string, string>
        {
            ["/.well-known/security.txt"] = "Contact: mailto:security@example.test\nExpires: 2030-01-01T00:00:00Z\n",
            ["/robots.txt"] = "User-agent: *\nAllow: /\nSitemap: https://localhost/sitemap.xml\n",
            ["/healthz"] = "ok",
        },
    };
}

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
