using Panoptic.Scanner.Deployment;
using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Source;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Deployment;

public class DeploymentFilesTests
{
    private static FileReport Analyze(string path, string content) => Scans.AnalyzeFile(path, content);

    [Theory]
    [InlineData("postgres:16", "postgres")]
    [InlineData("docker.io/library/redis:7-alpine", "redis")]
    [InlineData("ghcr.io/acme/api@sha256:abc", "acme/api")]
    [InlineData("localhost:5000/team/kafka:3", "team/kafka")]
    [InlineData("${DB_IMAGE:-bitnami/postgresql:15}", "bitnami/postgresql")]
    [InlineData("${IMAGE}", null)]
    public void ImageName_Normalize_StripsRegistryTagDigestAndVariables(string reference, string? expected) =>
        ImageName.Normalize(reference).ShouldBe(expected);

    [Fact]
    public void Compose_ServicesPortsProfilesAndEnvNames()
    {
        var report = Analyze("deploy/docker-compose.prod.yml", """
            services:
              api:
                build:
                  context: ../services/api
                ports: ["127.0.0.1:8080:80/tcp", "9000"]
                environment:
                  - DATABASE_URL=postgres://u:p@db/x
                  - LOG_LEVEL
                depends_on:
                  db:
                    condition: service_healthy
              db:
                image: postgres:16
              search:
                image: opensearchproject/opensearch:2
                profiles: [search]
            """);
        report.ComposeServices.Select(c => (c.Name, c.BuildContext, c.Image)).ShouldBe([("api", "services/api", null), ("db", null, "postgres:16"), ("search", null, "opensearchproject/opensearch:2")]);
        report.ComposeServices[0].DependsOn.ShouldBe(["db"]);
        report.Ports.Select(p => (p.Directory, p.Port, p.Published)).ShouldBe([("services/api", 80, true), ("services/api", 9000, false)]);
        report.EnvVars.Select(e => e.Name).ShouldBe(["DATABASE_URL", "LOG_LEVEL"]);
        report.Signals.Where(s => s.Kind == SignalKind.ContainerImage).Select(s => (s.TechnologyId, s.Line, s.Optional, s.ComposeService))
            .ShouldBe([("postgresql", 13, false, "db"), ("opensearch", 15, true, "search")]);
    }

    [Fact]
    public void Compose_Malformed_IsAProblemWithLine()
    {
        var report = Analyze("docker-compose.yml", "services:\n  api:\n    image: [redis\n  db: x\n");
        report.Problems.Count.ShouldBe(1);
        report.Problems[0].File.ShouldBe("docker-compose.yml");
        report.Problems[0].Message.ShouldStartWith("could not parse:");
    }

    [Fact]
    public void Compose_UnclosedFlowSequence_SaysWhereAndWhatNotTheParserState()
    {
        var report = Analyze("docker-compose.yml", "services:\n  api:\n    ports: [80, 81\n  db:\n    image: x\n");

        var problem = report.Problems.ShouldHaveSingleItem();
        problem.Line.ShouldBe(3);
        problem.Message.ShouldBe("could not parse: '[' opened at line 3, column 12 is never closed");
    }

    [Theory]
    [InlineData("docker-compose.yml", "services:\n :\n    build: ./api\n")]
    [InlineData("application.yml", "server:\n  : ${PORT:8r:\n  port: 1\n")]
    [InlineData("k8s/pod.yaml", "apiVersion: v1\nkind: Pod\nspec:\n :\n  containers: []\n")]
    public void Yaml_AnEmptyKeyBeforeANestedBlock_IsAProblemNotACrash(string path, string content)
    {
        // Found by fuzzing: YamlDotNet throws ArgumentException ("The current event is of an unsupported type") here.
        var report = Analyze(path, content);

        report.Problems.ShouldHaveSingleItem().Message.ShouldContain("cannot be read past line");
    }

    [Fact]
    public void Kubernetes_UnclosedFlowMapping_SaysWhereAndWhat()
    {
        var report = Analyze("k8s/deploy.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x, labels: [a\nspec: y\n");

        var problem = report.Problems.ShouldHaveSingleItem();
        problem.Message.ShouldNotContain("current state");
        problem.Message.ShouldContain("is never closed");
    }

    [Fact]
    public void Dockerfile_FromExposeEnvAndStages()
    {
        var report = Analyze("db/Dockerfile", "FROM node:20 AS build\nENV NODE_ENV=production\nFROM --platform=linux/amd64 postgres:16\nCOPY --from=build /x /y\nEXPOSE 5432/tcp 8080\n");
        report.IsDockerfile.ShouldBeTrue();
        report.Signals.Select(s => (s.TechnologyId, s.Line)).ShouldBe([("postgresql", 3)]);
        report.Ports.Select(p => (p.Directory, p.Port)).ShouldBe([("db", 5432), ("db", 8080)]);
        report.EnvVars.Select(e => e.Name).ShouldBe(["NODE_ENV"]);
    }

    [Fact]
    public void Kubernetes_WorkloadContainersAndHelmValues()
    {
        var k8s = Analyze("k8s/cache.yaml", """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: { name: cache }
            spec:
              template:
                spec:
                  containers:
                    - name: redis
                      image: bitnami/redis:7.2
                      ports: [{ containerPort: 6379 }]
                      env: [{ name: REDIS_PASSWORD, valueFrom: {} }]
            ---
            apiVersion: v1
            kind: Service
            metadata: { name: cache }
            """);
        k8s.Signals.Select(s => (s.TechnologyId, s.Line)).ShouldContain(("redis", 9));
        k8s.Ports.Select(p => p.Port).ShouldBe([6379]);
        k8s.EnvVars.Select(e => e.Name).ShouldBe(["REDIS_PASSWORD"]);

        var values = Analyze("charts/app/values.yaml", "postgresql:\n  enabled: true\n  image:\n    repository: bitnami/postgresql\n    tag: 16\nworker:\n  image: ghcr.io/acme/worker:1\n");
        values.Signals.Select(s => (s.TechnologyId, s.Line)).ShouldBe([("postgresql", 4)]);

        var chart = Analyze("charts/app/Chart.yaml", "apiVersion: v2\nname: app\ndependencies:\n  - name: redis\n    repository: oci://registry-1.docker.io/bitnamicharts\n    condition: redis.enabled\n");
        chart.Signals.Single().ShouldBe(new Signal("redis", SignalKind.ContainerImage, "charts/app/Chart.yaml", 4, "helm chart redis") { Guard = "the Helm condition `redis.enabled`", FilePlace = Place.Product });
    }

    [Fact]
    public void Terraform_ResourceTypesWithLines()
    {
        var report = Analyze("infra/main.tf", "provider \"aws\" {}\nresource \"aws_s3_bucket\" \"uploads\" {}\n\nresource \"aws_elasticache_replication_group\" \"cache\" {\n}\nresource \"google_sql_database_instance\" \"db\" {\n  database_version = \"MYSQL_8_0\"\n}\nresource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n");
        // The managed service and its engine, both with the resource as evidence.
        report.Signals.Select(s => (s.TechnologyId, s.Line, s.Detail)).ShouldBe(
        [
            ("aws-s3", 2, "aws_s3_bucket"), ("redis", 4, "aws_elasticache_replication_group"), ("aws-elasticache", 4, "aws_elasticache_replication_group"),
            ("gcp-cloud-sql", 6, "google_sql_database_instance"), ("mysql", 6, "google_sql_database_instance engine"),
            ("aws-rds", 9, "aws_db_instance"), ("postgresql", 9, "aws_db_instance engine"),
        ]);
    }

    [Fact]
    public void InfrastructureAsCode_PulumiCloudFormationAndBicep_NameTheManagedServices()
    {
        using var repo = new TempRepository("iac")
            .With("infra/index.ts", "import * as gcp from '@pulumi/gcp';\nconst cache = new gcp.redis.Instance('cache', { memorySizeGb: 1 });\n")
            .With("infra/template.yaml", "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n  Queue:\n    Type: AWS::SQS::Queue\n")
            .With("infra/main.bicep", "resource redis 'Microsoft.Cache/redis@2023-08-01' = {\n  name: 'cache'\n}\n");

        var registry = Scans.Run(repo);

        registry.Entry("gcp-memorystore").Status.ShouldBe(Panoptic.Scanner.Registry.Statuses.Core);
        registry.Entry("aws-rds").Evidence[0].ShouldBe(new Panoptic.Scanner.Registry.EvidenceEntry("infra/template.yaml", 3, "code", "AWS::RDS::DBInstance"));
        registry.Entry("aws-sqs").Status.ShouldBe(Panoptic.Scanner.Registry.Statuses.Core);
        registry.Entry("azure-cache-redis").Evidence[0].File.ShouldBe("infra/main.bicep");
    }

    [Fact]
    public void EnvFile_NamesOnlyNeverValues()
    {
        var report = Analyze(".env.example", "# comment\nexport STRIPE_SECRET_KEY=sk_live_51HshouldNotLeak0123456789\nOPENAI_API_KEY=\nnot a line\n");
        report.EnvVars.Select(e => (e.Name, e.Line, e.Declared)).ShouldBe([("STRIPE_SECRET_KEY", 2, true), ("OPENAI_API_KEY", 3, true)]);
        report.Signals.Select(s => (s.TechnologyId, s.Kind)).ShouldBe([("stripe", SignalKind.EnvVar), ("openai", SignalKind.EnvVar)]);
        report.Secrets.Single().Masked.ShouldBe("sk_live_****");
    }
}
