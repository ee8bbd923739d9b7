using Panoptic.Scanner.Registry;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Registry;

public class RegistryBuilderTests
{
    [Fact]
    public void Scan_Shop_FindsEachServiceWithLanguageFrameworkAndPorts()
    {
        using var repo = Fixtures.Shop();
        var registry = Scans.Run(repo);

        registry.Services.Select(s => (s.Id, s.Path, s.Language, string.Join(",", s.Frameworks), string.Join(",", s.Ports))).ShouldBe(
        [
            ("api", "services/api", "csharp", "ASP.NET Core", "8080"),
            ("web", "services/web", "typescript", "Next.js", "3000"),
            ("worker", "services/worker", "python", "", ""),
        ]);
        registry.Services.Single(s => s.Id == "api").EnvVars.ShouldBe(["OPENAI_API_KEY"]);
        registry.Services.Single(s => s.Id == "api").Manifests.ShouldBe(["services/api/Api.csproj", "services/api/Dockerfile"]);
    }

    [Fact]
    public void Scan_Shop_ConnectionsHaveStatusAndUsers()
    {
        using var repo = Fixtures.Shop();
        var registry = Scans.Run(repo);

        registry.BackendConnections.Select(c => (c.Id, c.Status, string.Join(",", c.UsedBy))).ShouldBe(
        [
            ("aws-s3", Statuses.Core, "worker"),
            ("elasticsearch", Statuses.Optional, ""),
            ("mongodb", Statuses.TestOnly, ""),
            ("postgresql", Statuses.Core, "api,worker"),
            ("rabbitmq", Statuses.Core, "api,worker"),
            ("redis", Statuses.Core, "api"),
        ]);
        registry.Entry("postgresql").Evidence.ShouldBe(
        [
            new EvidenceEntry("services/api/Program.cs", 6, "code", "UseNpgsql"),
            new EvidenceEntry("services/api/Program.cs", 1, "import", "Npgsql"),
            new EvidenceEntry("docker-compose.yml", 13, "deployment", "postgres"),
            new EvidenceEntry("services/api/Api.csproj", 3, "dependency", "Npgsql.EntityFrameworkCore.PostgreSQL 9.0.0"),
        ]);
        registry.Entry("postgresql").StatusReason.ShouldBe("core: client code `UseNpgsql` in product code, services/api/Program.cs:6");
        registry.Entry("mongodb").Evidence.ShouldBe([new EvidenceEntry("services/worker/tests/test_worker.py", 1, "import_in_test", "pymongo")]);
    }

    [Fact]
    public void Scan_Shop_ExternalApisWithModelsEnvVarsAndWeakEvidence()
    {
        using var repo = Fixtures.Shop();
        var registry = Scans.Run(repo);

        registry.ExternalApis.Select(a => (a.Id, a.Status, string.Join(",", a.UsedBy))).ShouldBe(
        [
            ("anthropic", Statuses.Core, "worker"),
            ("mixpanel", Statuses.Optional, ""),
            ("openai", Statuses.Core, "api"),
            ("sendgrid", Statuses.Unconfirmed, "worker"),
            ("sentry", Statuses.Optional, "web"),
            ("stripe", Statuses.Core, "web"),
        ]);
        registry.Entry("anthropic").ModelsSeen.ShouldBe(["claude-sonnet-4-5"]);
        registry.Entry("openai").ModelsSeen.ShouldBe(["gpt-4o-mini"]);
        registry.Entry("openai").EnvVars.ShouldBe(["OPENAI_API_KEY"]);
        registry.Entry("stripe").EnvVars.ShouldBe(["STRIPE_SECRET_KEY"]);
        registry.Entry("sendgrid").Confidence.ShouldBe(0.4);
        registry.Entry("openai").Confidence.ShouldBeGreaterThan(registry.Entry("sendgrid").Confidence);
        registry.Entry("openai").Provider.ShouldBe("OpenAI");
    }

    [Fact]
    public void Scan_Shop_ToolingIsKeptOutOfProduction()
    {
        using var repo = Fixtures.Shop();
        var registry = Scans.Run(repo);

        registry.DevTooling.Select(t => (t.Id, t.Status)).ShouldBe([("mailhog", Statuses.Tooling), ("testcontainers", Statuses.Tooling)]);
        registry.BackendConnections.ShouldNotContain(c => c.Id == "mailhog");
    }

    [Fact]
    public void Scan_RootProjectWithoutSubServices_IsItsOwnService()
    {
        using var repo = new TempRepository("solo").With("requirements.txt", "fastapi\nredis\n").With("main.py", "import redis\n");
        var registry = Scans.Run(repo);
        registry.Services.Single().Path.ShouldBe(".");
        registry.Entry("redis").UsedBy.ShouldBe([registry.Services.Single().Id]);
    }

    [Fact]
    public void Scan_GoModIndirectOnly_IsNotAConfirmedConnection()
    {
        using var repo = new TempRepository().With("go.mod", "module x\nrequire github.com/lib/pq v1.10.0 // indirect\n").With("main.go", "package main\nfunc main() {}\n");
        var registry = Scans.Run(repo);
        registry.Entry("postgresql").Status.ShouldBe(Statuses.Unconfirmed);
        registry.Entry("postgresql").Evidence.Single().Kind.ShouldBe("indirect_dependency");
    }

    [Fact]
    public void Scan_Aspire_AppHostResourcesAreCodeDefinedInfrastructure()
    {
        using var repo = new TempRepository()
            .With("AppHost/AppHost.csproj", "<Project Sdk=\"Aspire.AppHost.Sdk/9.0.0\"><ItemGroup><PackageReference Include=\"Aspire.Hosting.PostgreSQL\" /></ItemGroup></Project>")
            .With("AppHost/Program.cs", "var builder = DistributedApplication.CreateBuilder(args);\nvar pg = builder.AddPostgres(\"pg\").AddDatabase(\"catalogdb\");\nvar mq = builder.AddRabbitMQ(\"eventbus\");\n");
        var registry = Scans.Run(repo);
        registry.Entry("postgresql").Evidence.ShouldContain(new EvidenceEntry("AppHost/Program.cs", 2, "aspire_resource", "AddPostgres"));
        registry.Entry("rabbitmq").Status.ShouldBe(Statuses.Core);
        registry.Services.Single().Frameworks.ShouldBe([".NET Aspire AppHost"]);
    }
}

public class EvidenceLimitTests
{
    [Fact]
    public void Scan_ManyPiecesOfEvidence_KeepsASampleOfEveryKindAndTheTotal()
    {
        using var repo = new TempRepository("many").With("requirements.txt", "redis\n").With(".env.example", "REDIS_URL=\n");
        for (var i = 0; i < 150; i++) repo.With($"app/m{i:000}.py", "import redis\n");

        var redis = Scans.Run(repo).Entry("redis");

        redis.EvidenceTotal.ShouldBe(152);
        redis.Evidence.Count.ShouldBe(100);
        redis.Evidence.Select(e => e.Kind).Distinct().Order().ShouldBe(["dependency", "env_var", "import"]);
        // Strongest first: the imports, then the env var, then the manifest.
        redis.Evidence[0].ShouldBe(new EvidenceEntry("app/m000.py", 1, "import", "redis"));
        redis.Evidence.Select(e => e.Kind).Distinct().ShouldBe(["import", "env_var", "dependency"]);
    }
}

public class PlatformFileTests
{
    [Fact]
    public void Scan_PlatformConfigFiles_AreDeploymentEvidence()
    {
        using var repo = new TempRepository("platforms")
            .With("render.yaml", "services:\n  - type: web\n")
            .With("fly.toml", "app = 'x'\n")
            .With(".do/app.yaml", "name: x\n")
            .With("app.py", "print(1)\n");

        var registry = Scans.Run(repo);

        registry.Entry("render").Evidence.ShouldBe([new EvidenceEntry("render.yaml", 1, "platform_file", "render.yaml")]);
        registry.Entry("render").Status.ShouldBe(Statuses.Core);
        registry.Entry("fly-io").Status.ShouldBe(Statuses.Core);
        registry.Entry("digitalocean").Evidence.Single().File.ShouldBe(".do/app.yaml");
    }
}
