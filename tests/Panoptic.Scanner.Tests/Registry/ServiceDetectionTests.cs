using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Registry;

public class ServiceDetectionTests
{
    [Fact]
    public void Scan_Monorepo_LibrariesAndRecipesAreNotServices()
    {
        using var repo = new TempRepository("mono")
            .With("package.json", "{\"name\":\"root\",\"workspaces\":[\"apps/*\",\"packages/*\"]}")
            .With("apps/web/package.json", "{\"name\":\"web\",\"scripts\":{\"start\":\"node server.js\"},\"dependencies\":{\"express\":\"4\"}}")
            .With("apps/web/server.js", "require('express')")
            .With("packages/lib/package.json", "{\"name\":\"lib\",\"main\":\"index.js\",\"dependencies\":{\"hono\":\"4\"}}")
            .With("packages/lib/index.js", "import { Hono } from 'hono';")
            .With("docker/Dockerfile", "FROM node:20\nCOPY . .\n")
            .With("infra/redis/Dockerfile", "FROM redis:7\n")
            .With("services/cart/src/Cart.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\"></Project>")
            .With("services/cart/src/Dockerfile", "FROM mcr.microsoft.com/dotnet/aspnet:9.0\n")
            .With("mobile/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><OutputType>Exe</OutputType><UseMaui>true</UseMaui></PropertyGroup></Project>");

        var registry = Scans.Run(repo);

        registry.Services.Select(s => (s.Id, s.Path)).ShouldBe([("web", "apps/web"), ("cart", "services/cart/src")]);
        registry.Entry("redis").Status.ShouldBe(Panoptic.Scanner.Registry.Statuses.Core);
    }

    [Fact]
    public void Scan_CiAndDevContainerEvidence_IsNotProduction()
    {
        using var repo = new TempRepository("ci")
            .With("requirements.txt", "django\n")
            .With(".github/workflows/test.yml", "services:\n  postgres:\n    image: postgres:16\nenv:\n  DATABASE_URL: postgres://ci:ci@localhost/db\n")
            .With(".devcontainer/docker-compose.yml", "services:\n  cache:\n    image: redis:7\n");

        var registry = Scans.Run(repo);

        registry.Entry("postgresql").Status.ShouldBe(Panoptic.Scanner.Registry.Statuses.CiOnly);
        registry.Entry("postgresql").StatusReason.ShouldBe("ci_only: only in CI definitions, .github/workflows/test.yml:5");
        registry.Entry("redis").Status.ShouldBe(Panoptic.Scanner.Registry.Statuses.DevOnly);
    }
}

public class UsageAttributionTests
{
    [Fact]
    public void Scan_WorkspaceLibraryEvidence_IsUsedByTheServicesThatDependOnIt()
    {
        using var repo = new TempRepository("ws")
            .With("package.json", "{\"name\":\"root\",\"workspaces\":[\"apps/*\",\"packages/*\"]}")
            .With("apps/web/package.json", "{\"name\":\"web\",\"scripts\":{\"start\":\"next start\"},\"dependencies\":{\"@acme/lib\":\"workspace:*\"}}")
            .With("apps/admin/package.json", "{\"name\":\"admin\",\"scripts\":{\"start\":\"next start\"}}")
            .With("packages/lib/package.json", "{\"name\":\"@acme/lib\",\"dependencies\":{\"@acme/db\":\"*\"}}")
            .With("packages/db/package.json", "{\"name\":\"@acme/db\",\"dependencies\":{\"pg\":\"8\"}}")
            .With("packages/db/index.ts", "import { Pool } from 'pg';");

        Scans.Run(repo).Entry("postgresql").UsedBy.ShouldBe(["web"]);
    }

    [Fact]
    public void Scan_DotnetProjectReference_CarriesUsageToTheReferencingService()
    {
        using var repo = new TempRepository("refs")
            .With("src/Api/Api.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><ItemGroup><ProjectReference Include=\"..\\Data\\Data.csproj\" /></ItemGroup></Project>")
            .With("src/Data/Data.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"Npgsql\" /></ItemGroup></Project>")
            .With("src/Data/Db.cs", "using Npgsql;");

        Scans.Run(repo).Entry("postgresql").UsedBy.ShouldBe(["Api"]);
    }
}
