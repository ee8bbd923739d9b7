using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests;

/// <summary>Fixture repositories with known answers.</summary>
internal static class Fixtures
{
    /// <summary>A three-service shop: Next.js web, ASP.NET Core API, Python worker, with compose, tests and tooling.</summary>
    public static TempRepository Shop() => new TempRepository("shop")
        .With("docker-compose.yml", """
            services:
              web:
                build: ./services/web
                ports: ["3000:3000"]
                depends_on: [api]
              api:
                build: ./services/api
                depends_on: [db, cache, queue]
              worker:
                build: { context: ./services/worker }
                depends_on: [queue, db]
              db:
                image: postgres:16
              cache:
                image: redis:7
              queue:
                image: rabbitmq:3-management
              search:
                image: docker.elastic.co/elasticsearch/elasticsearch:8.13.0
                profiles: [search]
              mail:
                image: mailhog/mailhog
            """)
        .With(".env.example", "SENTRY_DSN=\nSTRIPE_SECRET_KEY=\nMIXPANEL_TOKEN=\n")
        .With("services/web/package.json", """
            {
              "name": "web",
              "scripts": { "start": "next start" },
              "dependencies": {
                "next": "15.0.0",
                "@sentry/nextjs": "8.0.0",
                "@stripe/stripe-js": "4.0.0"
              }
            }
            """)
        .With("services/web/app/page.tsx", "import { loadStripe } from '@stripe/stripe-js';\nexport default function Page() { return null; }\n")
        .With("services/api/Api.csproj", """
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <ItemGroup>
                <PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="9.0.0" />
                <PackageReference Include="StackExchange.Redis" Version="2.8.0" />
                <PackageReference Include="RabbitMQ.Client" Version="7.0.0" />
                <PackageReference Include="OpenAI" Version="2.1.0" />
              </ItemGroup>
            </Project>
            """)
        .With("services/api/Program.cs", """
            using Npgsql;
            using StackExchange.Redis;
            using OpenAI.Chat;

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddDbContext<ShopDb>(o => o.UseNpgsql(builder.Configuration.GetConnectionString("shop")));
            var chat = new ChatClient("gpt-4o-mini", Environment.GetEnvironmentVariable("OPENAI_API_KEY"));
            """)
        .With("services/api/Dockerfile", "FROM mcr.microsoft.com/dotnet/aspnet:9.0\nEXPOSE 8080\n")
        .With("services/api.Tests/Api.Tests.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <PackageReference Include="xunit" Version="2.9.3" />
                <PackageReference Include="Testcontainers.PostgreSql" Version="4.0.0" />
              </ItemGroup>
            </Project>
            """)
        .With("services/worker/pyproject.toml", """
            [project]
            name = "worker"
            dependencies = [
              "pika>=1.3",
              "boto3",
              "anthropic",
              "sendgrid",
            ]
            """)
        .With("services/worker/Dockerfile", "FROM python:3.12-slim\n")
        .With("services/worker/worker.py", """
            import boto3
            import pika
            import anthropic

            s3 = boto3.client("s3")
            client = anthropic.Anthropic()
            reply = client.messages.create(model="claude-sonnet-4-5", max_tokens=100, messages=[])
            """)
        .With("services/worker/tests/test_worker.py", "import pymongo\n");
}
