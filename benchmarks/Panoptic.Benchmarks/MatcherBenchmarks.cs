using System.Text;
using BenchmarkDotNet.Attributes;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Deployment;
using Panoptic.Scanner.Source;

namespace Panoptic.Benchmarks;

/// <summary>The hot matchers of a scan, over one megabyte of mixed source that looks like real service code.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class MatcherBenchmarks
{
    private TechnologyCatalog _catalog = null!;
    private string _typescript = null!;
    private string _python = null!;
    private TextScanner _scanner = null!;

    [GlobalSetup]
    public void Setup()
    {
        _catalog = TechnologyCatalog.LoadEmbedded();
        _scanner = new TextScanner(_catalog);
        _typescript = SourceText.Build(
            ["import express from 'express';", "import { Pool } from 'pg';", "import Anthropic from '@anthropic-ai/sdk';"],
            ["const pool = new Pool({ connectionString: process.env.DATABASE_URL });", "const model = 'claude-sonnet-4-5';", "fetch('https://api.stripe.com/v1/charges');"]);
        _python = SourceText.Build(
            ["import os", "import redis", "from openai import OpenAI"],
            ["s3 = boto3.client('s3')", "r = redis.Redis.from_url(os.getenv('REDIS_URL'))", "MODEL = \"gpt-4o-mini\""]);
    }

    /// <summary>Bytes per operation, for turning mean time into throughput.</summary>
    public int Bytes => _typescript.Length * 2;

    [Benchmark(Description = "literal index: 1 MB TypeScript")]
    public int LiteralIndex()
    {
        var hits = new List<LiteralHit>();
        _catalog.Literals.FindAll(_typescript, hits);
        return hits.Count;
    }

    [Benchmark(Description = "text scanner (literals + verification): 1 MB TypeScript")]
    public int TextScanner()
    {
        var report = new Panoptic.Scanner.Registry.FileReport("a.ts");
        _scanner.Scan(_typescript, SourceLanguage.JavaScript, false, report);
        return report.Signals.Count;
    }

    [Benchmark(Description = "imports: 1 MB Python")]
    public int Imports()
    {
        var count = 0;
        ImportExtractor.Extract(SourceLanguage.Python, _python, (_, _) => count++);
        return count;
    }

    [Benchmark(Description = "catalog lookups: 10 packages, 10 imports, 10 images")]
    public int Lookups()
    {
        var n = 0;
        foreach (var name in (string[])["pg", "@aws-sdk/client-s3", "ioredis", "stripe", "openai", "express", "left-pad", "react", "@sentry/node", "kafkajs"])
            n += _catalog.ByPackage(Ecosystem.Npm, name).Count;
        foreach (var module in (string[])["psycopg2.extras", "redis", "boto3", "os", "json", "django.db", "sqlalchemy", "openai", "stripe", "celery"])
            n += _catalog.ByImport(SourceLanguage.Python, module).Count;
        foreach (var image in (string[])["postgres", "bitnami/redis", "acme/api", "rabbitmq", "nginx", "mongo", "valkey/valkey", "node", "python", "grafana/grafana"])
            n += _catalog.ByImage(image).Count;
        return n;
    }

    [Benchmark(Description = "image normalization x 5")]
    public int NormalizeImages()
    {
        var n = 0;
        foreach (var reference in (string[])["docker.io/library/postgres:16-alpine", "ghcr.io/acme/api@sha256:abc", "${DB:-bitnami/postgresql:15}", "localhost:5000/team/kafka:3", "redis"])
            n += ImageName.Normalize(reference)?.Length ?? 0;
        return n;
    }
}

internal static class SourceText
{
    private static readonly string[] Filler =
    [
        "    total = sum(item.price * item.quantity for item in order.items if item.active)",
        "    if (request.user && request.user.isAuthenticated()) { return render(view, context); }",
        "    // compute the running average of the last window of samples before emitting metrics",
        "    result, err := handler.Process(ctx, payload); if err != nil { return nil, err }",
    ];

    /// <summary>About one megabyte: imports at the top, then filler with a client call every twelve lines.</summary>
    public static string Build(string[] imports, string[] calls)
    {
        var sb = new StringBuilder();
        foreach (var line in imports) sb.AppendLine(line);
        var random = new Random(7);
        while (sb.Length < 1024 * 1024)
            sb.AppendLine(random.Next(12) == 0 ? calls[random.Next(calls.Length)] : Filler[random.Next(Filler.Length)]);
        return sb.ToString();
    }
}
