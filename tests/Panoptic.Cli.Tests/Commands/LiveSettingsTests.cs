using Panoptic.Cli.Commands;
using Panoptic.Live;
using Panoptic.Scanner;
using Panoptic.Scanner.Catalog;
using Panoptic.TestUtilities;

namespace Panoptic.Cli.Tests.Commands;

public class LiveSettingsTests
{
    private static Scanner.Registry.RegistryDocument Scan(TempRepository repo) =>
        new RepositoryScanner(TechnologyCatalog.LoadEmbedded()).Scan(new ScanOptions(repo.Root) { EvaluateReadiness = true });

    private static TempRepository Repo() => new TempRepository("live-settings")
        .With("package.json", """{ "name": "shop", "dependencies": { "express": "4.19.0", "@sendgrid/mail": "8.1.0" } }""")
        .With("server.js", "const express = require('express');\nconst app = express();\napp.get('/healthz', (req, res) => res.send('ok'));\nfetch('https://api.stripe.com/v1/charges');\n");

    [Fact]
    public void WithRegistry_WithoutLiveRegistry_AddsProvidersAndHealthRoutesButNoHost()
    {
        using var repo = Repo();
        var settings = new LiveSettings(["example.com"], false, null, 5, [], null, 80);
        var (targets, options) = settings.Validate(out _)!.Value;
        var (all, withRegistry) = settings.WithRegistry(targets, options, Scan(repo));
        all.Select(t => t.Text).ShouldBe(["example.com"]);
        withRegistry.EmailProviders.ShouldBe(["sendgrid"]);
        withRegistry.HealthPaths.ShouldBe(["/healthz"]);
    }

    [Fact]
    public void WithRegistry_LiveRegistry_AddsTheApiHostsOfProductCodeForTlsOnly()
    {
        using var repo = Repo();
        var settings = new LiveSettings(["example.com"], true, "127.0.0.1:5353", 5, [], null, 80);
        var (targets, options) = settings.Validate(out _)!.Value;
        options.Resolver!.Port.ShouldBe(5353);
        var (all, _) = settings.WithRegistry(targets, options, Scan(repo));
        var stripe = all.Where(t => t.Host == "api.stripe.com").ShouldHaveSingleItem();
        stripe.TlsOnly.ShouldBeTrue();
        stripe.Url!.ToString().ShouldBe("https://api.stripe.com/");
    }

    [Fact]
    public void WithRegistry_LiveRegistry_AddsTheUnlistedHostsProductCodeCalls()
    {
        using var repo = Repo().With("updates.js", "const UPDATES_URL = 'https://updates.shop-app.io/check';\nexport const check = () => fetch(UPDATES_URL, { method: 'POST' });\n");
        var settings = new LiveSettings(["example.com"], true, null, 5, [], null, 80);
        var (targets, options) = settings.Validate(out _)!.Value;

        var (all, _) = settings.WithRegistry(targets, options, Scan(repo));

        all.Where(t => t.TlsOnly).Select(t => t.Host).Order().ShouldBe(["api.stripe.com", "updates.shop-app.io"]);
    }

    [Fact]
    public void WithRegistry_LiveRegistry_AddsTheTlsEndpointsOfBackendConnections()
    {
        using var repo = new TempRepository("live-backends")
            .With("package.json", """{ "name": "shop", "dependencies": { "ioredis": "5.4.0", "amqplib": "0.10.0" } }""")
            .With("src/queue.js", "const Redis = require('ioredis');\nconst amqp = require('amqplib');\nconst redis = new Redis('rediss://default:secret@cache.shop.io:6390');\namqp.connect('amqps://app:secret@broker.shop.io');\nconst local = new Redis('redis://localhost:6379');\n");
        var settings = new LiveSettings(["example.com"], true, null, 5, [], null, 80);
        var (targets, options) = settings.Validate(out _)!.Value;

        var (all, _) = settings.WithRegistry(targets, options, Scan(repo));

        all.Where(t => t.TlsOnly).Select(t => t.Url!.ToString()).Order().ShouldBe(["https://broker.shop.io:5671/", "https://cache.shop.io:6390/"]);
    }

    [Theory]
    [InlineData("rediss://default:****@cache.shop.io:6390/0", "cache.shop.io", 6390)]
    [InlineData("amqps://app:****@broker.shop.io", "broker.shop.io", 5671)]
    [InlineData("ldaps://dir.shop.io", "dir.shop.io", 636)]
    // Plain and STARTTLS schemes, and hosts no deployment reaches, are not TLS endpoints to check.
    [InlineData("redis://cache.shop.io:6379", null, 0)]
    [InlineData("postgres://app:****@db.shop.io:5432/app", null, 0)]
    [InlineData("rediss://localhost:6380", null, 0)]
    [InlineData("rediss://redis:6380", null, 0)]
    [InlineData("amqps://broker.example.com", null, 0)]
    public void TlsEndpoint_OnlyForDirectTlsSchemesOnReachableHosts(string connection, string? host, int port)
    {
        var endpoint = LiveSettings.TlsEndpoint(connection);
        if (host is null) endpoint.ShouldBeNull();
        else endpoint.ShouldBe((host, port));
    }

    [Fact]
    public void Validate_ResolverWithoutPort_UsesPort53()
    {
        new LiveSettings(["example.com"], false, "10.0.0.2", 5, [], null, 80).Validate(out _)!.Value.Options.Resolver!.Port.ShouldBe(53);
    }
}
