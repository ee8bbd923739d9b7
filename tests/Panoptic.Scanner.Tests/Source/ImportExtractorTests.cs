using FsCheck;
using FsCheck.Fluent;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Source;

namespace Panoptic.Scanner.Tests.Source;

public class ImportExtractorTests
{
    private static List<(string, int)> Imports(SourceLanguage language, string text)
    {
        var found = new List<(string, int)>();
        ImportExtractor.Extract(language, text, (m, l) => found.Add((m, l)));
        return found;
    }

    [Fact]
    public void Python_ImportAndFromForms() =>
        Imports(SourceLanguage.Python, "import os, redis as r\nfrom psycopg2.extras import Json\nfrom . import local\n  import boto3\nfrom google.cloud import pubsub_v1, storage as gcs\n")
            .ShouldBe([("os", 1), ("redis", 1), ("psycopg2.extras", 2), ("boto3", 4), ("google.cloud", 5), ("google.cloud.pubsub_v1", 5), ("google.cloud.storage", 5)]);

    [Fact]
    public void JavaScript_EsmRequireDynamicAndMultiLine() =>
        Imports(SourceLanguage.JavaScript, "import OpenAI from 'openai';\nconst { Pool } = require(\"pg\");\nimport {\n  S3Client,\n} from '@aws-sdk/client-s3';\nimport './local';\nconst m = await import('ioredis');\nimport fs from 'node:fs';\n")
            .ShouldBe([("openai", 1), ("pg", 2), ("@aws-sdk/client-s3", 5), ("ioredis", 7)]);

    [Fact]
    public void JavaScript_TypeOnlyImportsAndBundledAssetsAreNoUse() =>
        Imports(SourceLanguage.JavaScript, "import type { Span } from 'dd-trace';\nimport type {\n  Tracer,\n} from 'dd-trace';\nimport services from 'nodemailer/lib/well-known/services.json';\nimport 'mapbox-gl/dist/mapbox-gl.css';\nimport { StatsD } from 'hot-shots';\nexport type { Stripe } from 'stripe';\n")
            .ShouldBe([("hot-shots", 7)]);

    [Fact]
    public void ImportsOfErrorTypesOnlyAreNoUse()
    {
        Imports(SourceLanguage.Rust, "use yubico_ng::error::YubicoError as YubiErr;\nuse yubico_ng::Yubico;\n").ShouldBe([("yubico_ng", 2)]);
        Imports(SourceLanguage.Python, "from botocore.exceptions import ClientError\nfrom stripe.error import CardError\nimport boto3\n").ShouldBe([("boto3", 3)]);
    }

    [Fact]
    public void Python_ImportsUnderTypeCheckingAreNoUse() =>
        Imports(SourceLanguage.Python, "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from openai import OpenAI\n    import boto3\nimport redis\n")
            .ShouldBe([("typing", 1), ("redis", 5)]);

    [Fact]
    public void CSharp_UsingsWithAliasesStaticAndGlobal() =>
        Imports(SourceLanguage.CSharp, "using Npgsql;\nglobal using StackExchange.Redis;\nusing Db = MongoDB.Driver;\nusing static Stripe.StripeConfiguration;\nusing (var x = y) {}\nusing var conn = Open();\n")
            .ShouldBe([("Npgsql", 1), ("StackExchange.Redis", 2), ("MongoDB.Driver", 3), ("Stripe.StripeConfiguration", 4)]);

    [Fact]
    public void Go_SingleAndBlockImports() =>
        Imports(SourceLanguage.Go, "package main\nimport \"fmt\"\nimport (\n\t\"github.com/redis/go-redis/v9\"\n\tpgx \"github.com/jackc/pgx/v5\"\n)\n")
            .ShouldBe([("fmt", 2), ("github.com/redis/go-redis/v9", 4), ("github.com/jackc/pgx/v5", 5)]);

    [Fact]
    public void JavaRubyPhpRust()
    {
        Imports(SourceLanguage.Java, "import com.mongodb.client.MongoClient;\nimport static org.junit.Assert.*;\n").ShouldBe([("com.mongodb.client.MongoClient", 1), ("org.junit.Assert.*", 2)]);
        Imports(SourceLanguage.Ruby, "require 'redis'\nrequire_relative 'x'\nrequire(\"stripe\")\n").ShouldBe([("redis", 1), ("stripe", 3)]);
        Imports(SourceLanguage.Php, "use Stripe\\StripeClient;\nuse \\Aws\\S3\\S3Client;\n").ShouldBe([("Stripe\\StripeClient", 1), ("Aws\\S3\\S3Client", 2)]);
        Imports(SourceLanguage.Rust, "use redis::Commands;\nuse std::io;\nextern crate serde;\n").ShouldBe([("redis", 1), ("serde", 3)]);
    }

    [Fact]
    public void Extract_AnyText_NeverThrowsAndReportsValidLines() =>
        Prop.ForAll(
            Gen.Elements(Enum.GetValues<SourceLanguage>()).ToArbitrary(),
            ArbMap.Default.ArbFor<string>(),
            (language, text) =>
            {
                text ??= "";
                var lines = text.Split('\n').Length + text.Count(c => c == '\r');
                return Imports(language, text).All(i => i.Item2 >= 1 && i.Item2 <= lines);
            })
        .QuickCheckThrowOnFailure();
}
