using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Manifests;

namespace Panoptic.Scanner.Tests.Manifests;

public class ManifestParsingTests
{
    private static string[] Names(Manifest m, DependencyScope scope) => [.. m.Dependencies.Where(d => d.Scope == scope).Select(d => d.Name)];

    [Fact]
    public void Npm_SplitsDependencyKindsWithLines()
    {
        var m = NpmManifest.Read("package.json", """
            {
              "name": "api",
              "scripts": { "start": "node ." },
              "dependencies": {
                "pg": "^8.0.0",
                "@aws-sdk/client-s3": "3.0.0"
              },
              "devDependencies": { "jest": "29" },
              "optionalDependencies": { "ioredis": "5" }
            }
            """);
        m.Runnable.ShouldBeTrue();
        m.Dependencies.ShouldBe(
        [
            new Dependency("pg", "^8.0.0", DependencyScope.Direct, 5),
            new Dependency("@aws-sdk/client-s3", "3.0.0", DependencyScope.Direct, 6),
            new Dependency("jest", "29", DependencyScope.Dev, 8),
            new Dependency("ioredis", "5", DependencyScope.Optional, 9),
        ]);
    }

    [Fact]
    public void Requirements_ExtrasMarkersAndCompiledPins()
    {
        var m = PythonManifests.Requirements("requirements.txt", "# deps\ncelery[redis,sqs]~=5.3\nboto3==1.34 ; python_version >= '3.8'\n-r base.txt\ngit+https://x/y.git\n");
        m.Dependencies.ShouldBe(
        [
            new Dependency("celery", "~=5.3", DependencyScope.Direct, 2),
            new Dependency("celery[redis]", null, DependencyScope.Direct, 2),
            new Dependency("celery[sqs]", null, DependencyScope.Direct, 2),
            new Dependency("boto3", "==1.34", DependencyScope.Direct, 3),
        ]);
        PythonManifests.Requirements("requirements.txt", "redis==5.0\n    # via celery\n").Dependencies.Single().Scope.ShouldBe(DependencyScope.Pin);
        PythonManifests.Requirements("requirements-dev.txt", "pytest\n").Dependencies.Single().Scope.ShouldBe(DependencyScope.Dev);
    }

    [Fact]
    public void Pyproject_Pep621AndPoetryAndGroups()
    {
        var problems = new List<(int, string)>();
        var m = PythonManifests.Pyproject("pyproject.toml", """
            [project]
            name = "shop"
            dependencies = [
              "django>=5",
              "psycopg[binary]",
            ]
            [project.optional-dependencies]
            search = ["elasticsearch"]
            test = ["pytest"]
            [tool.poetry.dependencies]
            python = "^3.11"
            redis = { version = "^5", extras = ["hiredis"] }
            stripe = { version = "^8", optional = true }
            [tool.poetry.group.dev.dependencies]
            black = "*"
            """, problems);
        problems.ShouldBeEmpty();
        m.Name.ShouldBe("shop");
        Names(m, DependencyScope.Direct).ShouldBe(["django", "psycopg", "psycopg[binary]", "redis", "redis[hiredis]"]);
        Names(m, DependencyScope.Optional).ShouldBe(["elasticsearch", "stripe"]);
        Names(m, DependencyScope.Dev).ShouldBe(["pytest", "black"]);
        m.Dependencies.First(d => d.Name == "django").Line.ShouldBe(4);
        m.Dependencies.First(d => d.Name == "psycopg").Line.ShouldBe(5);
    }

    [Fact]
    public void Pyproject_Malformed_ReportsLinesAndKeepsTheRest()
    {
        var problems = new List<(int, string)>();
        var m = PythonManifests.Pyproject("pyproject.toml", "[project\ndependencies = [\"redis\"]\nthis is not toml\n", problems);
        problems.Select(p => p.Item1).ShouldBe([1, 3]);
        m.Dependencies.ShouldBeEmpty();
    }

    [Fact]
    public void SetupCfgAndSetupPy_InstallRequires()
    {
        PythonManifests.SetupCfg("setup.cfg", "[options]\ninstall_requires =\n    requests\n    pika>=1\n").Dependencies.Select(d => (d.Name, d.Line)).ShouldBe([("requests", 3), ("pika", 4)]);
        PythonManifests.SetupPy("setup.py", "setup(\n  install_requires=[\n    'pymongo',\n    \"redis>=4\"],\n)").Dependencies.Select(d => (d.Name, d.Line)).ShouldBe([("pymongo", 3), ("redis", 4)]);
    }

    [Fact]
    public void Csproj_PackagesSdkAndTestProjects()
    {
        var m = DotnetManifests.Read("src/Api/Api.csproj", """
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <ItemGroup>
                <PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" />
                <PackageReference Include="StackExchange.Redis" Version="2.7.0" />
              </ItemGroup>
            </Project>
            """);
        m.Runnable.ShouldBeTrue();
        m.Dependencies.ShouldBe(
        [
            new Dependency("Microsoft.NET.Sdk.Web", null, DependencyScope.Direct, 1),
            new Dependency("Npgsql.EntityFrameworkCore.PostgreSQL", null, DependencyScope.Direct, 3),
            new Dependency("StackExchange.Redis", "2.7.0", DependencyScope.Direct, 4),
        ]);
        var tests = DotnetManifests.Read("Api.Tests.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"xunit\" /></ItemGroup></Project>");
        tests.IsTestProject.ShouldBeTrue();
        tests.Runnable.ShouldBeFalse();
        DotnetManifests.Read("Directory.Packages.props", "<Project><ItemGroup><PackageVersion Include=\"Npgsql\" Version=\"8\" /></ItemGroup></Project>").Dependencies.Single().Scope.ShouldBe(DependencyScope.Pin);
    }

    [Fact]
    public void GoMod_MarksIndirectAndReportsBrokenLines()
    {
        var problems = new List<(int, string)>();
        var m = LineManifests.GoMod("go.mod", "module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/redis/go-redis/v9 v9.5.1\n\tgolang.org/x/crypto v0.21.0 // indirect\n\tgarbage\n)\nrequire github.com/lib/pq v1.10.9\n", problems);
        m.Name.ShouldBe("example.com/svc");
        m.Dependencies.ShouldBe(
        [
            new Dependency("github.com/redis/go-redis/v9", "v9.5.1", DependencyScope.Direct, 6),
            new Dependency("golang.org/x/crypto", "v0.21.0", DependencyScope.Indirect, 7),
            new Dependency("github.com/lib/pq", "v1.10.9", DependencyScope.Direct, 10),
        ]);
        problems.ShouldBe([(8, "cannot parse requirement 'garbage'")]);
    }

    [Fact]
    public void Pom_ScopesAndDependencyManagement()
    {
        var m = MavenManifest.Read("pom.xml", """
            <project>
              <artifactId>orders</artifactId>
              <dependencyManagement><dependencies><dependency><groupId>x</groupId><artifactId>managed</artifactId></dependency></dependencies></dependencyManagement>
              <dependencies>
                <dependency>
                  <groupId>org.postgresql</groupId>
                  <artifactId>postgresql</artifactId>
                </dependency>
                <dependency><groupId>org.testcontainers</groupId><artifactId>postgresql</artifactId><scope>test</scope></dependency>
                <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-mail</artifactId><optional>true</optional></dependency>
              </dependencies>
              <build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build>
            </project>
            """);
        m.Name.ShouldBe("orders");
        m.Runnable.ShouldBeTrue();
        m.Dependencies.ShouldBe(
        [
            new Dependency("x:managed", null, DependencyScope.Pin, 3),
            // The line that names the artifact, not the <dependency> that opens it.
            new Dependency("org.postgresql:postgresql", null, DependencyScope.Direct, 7),
            new Dependency("org.testcontainers:postgresql", null, DependencyScope.Dev, 9),
            new Dependency("org.springframework.boot:spring-boot-starter-mail", null, DependencyScope.Optional, 10),
        ]);
    }

    [Fact]
    public void GradleGemfileCargoComposer()
    {
        LineManifests.Gradle("build.gradle.kts", "plugins { id(\"org.springframework.boot\") }\ndependencies {\n  implementation(\"org.springframework.kafka:spring-kafka:3.1.0\")\n  testImplementation(\"org.testcontainers:kafka\")\n}")
            .Dependencies.ShouldBe([new Dependency("org.springframework.kafka:spring-kafka", "3.1.0", DependencyScope.Direct, 3), new Dependency("org.testcontainers:kafka", null, DependencyScope.Dev, 4)]);
        LineManifests.Gemfile("Gemfile", "gem 'pg'\ngroup :development, :test do\n  gem 'rspec'\nend\ngem \"sidekiq\", \"~> 7\"\n")
            .Dependencies.Select(d => (d.Name, d.Scope)).ShouldBe([("pg", DependencyScope.Direct), ("rspec", DependencyScope.Dev), ("sidekiq", DependencyScope.Direct)]);
        LineManifests.Cargo("Cargo.toml", "[package]\nname = \"svc\"\n[dependencies]\nredis = \"0.25\"\ntokio = { version = \"1\", features = [\"full\"] }\n[dev-dependencies]\nmockall = \"0.12\"\n[dependencies.sqlx]\nversion = \"0.7\"\n", [])
            .Dependencies.Select(d => (d.Name, d.Scope)).ShouldBe([("redis", DependencyScope.Direct), ("tokio", DependencyScope.Direct), ("mockall", DependencyScope.Dev), ("sqlx", DependencyScope.Direct)]);
        ComposerManifest.Read("composer.json", "{\"require\":{\"php\":\">=8\",\"ext-json\":\"*\",\"stripe/stripe-php\":\"^13\"},\"require-dev\":{\"phpunit/phpunit\":\"^10\"}}")
            .Dependencies.Select(d => (d.Name, d.Scope)).ShouldBe([("stripe/stripe-php", DependencyScope.Direct), ("phpunit/phpunit", DependencyScope.Dev)]);
    }

    [Fact]
    public void Npm_NotAnObject_IsAFormatError() =>
        Should.Throw<FormatException>(() => NpmManifest.Read("package.json", "[1,2]"));
}

public class TomlEdgeCaseTests
{
    [Fact]
    public void Pyproject_MultiLineStrings_AreSkippedNotReported()
    {
        var problems = new List<(int, string)>();
        var m = PythonManifests.Pyproject("pyproject.toml", "[tool.poe.tasks.release]\nhelp = \"\"\"\nRelease a version:\n- step one\n\"\"\"\n[project]\ndependencies = ['redis']\n", problems);
        problems.ShouldBeEmpty();
        m.Dependencies.Single().ShouldBe(new Dependency("redis", null, DependencyScope.Direct, 7));
    }
}
