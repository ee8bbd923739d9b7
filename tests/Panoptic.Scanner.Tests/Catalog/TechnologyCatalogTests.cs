using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Deployment;

namespace Panoptic.Scanner.Tests.Catalog;

public class TechnologyCatalogTests
{
    private static readonly TechnologyCatalog Catalog = Scans.Catalog;

    [Fact]
    public void LoadEmbedded_CoversAtLeast250ConnectionsAndApisAcrossEveryCategory()
    {
        var production = Catalog.Technologies.Where(t => t.Section is RegistrySection.Connection or RegistrySection.ExternalApi).ToList();
        production.Count.ShouldBeGreaterThanOrEqualTo(250);
        string[] required = ["database", "cache", "queue", "object_storage", "search", "vector_store", "auth", "llm", "payments", "email", "sms_push", "analytics", "monitoring", "feature_flags", "media_cdn", "maps", "cloud"];
        foreach (var category in required) production.ShouldContain(t => t.Category == category, $"no technology in {category}");
    }

    [Fact]
    public void LoadEmbedded_EveryEntryIsUsable()
    {
        Catalog.Technologies.Select(t => t.Id).ShouldBeUnique();
        foreach (var tech in Catalog.Technologies)
        {
            Catalog.Categories.ContainsKey(tech.Category).ShouldBeTrue($"{tech.Id}: unknown category {tech.Category}");
            var signals = tech.Packages.Values.Sum(v => v.Count) + tech.Imports.Values.Sum(v => v.Count) + tech.Images.Count + tech.Schemes.Count
                + tech.Hosts.Count + tech.EnvVars.Count + tech.Terraform.Count + tech.Code.Count + tech.Aspire.Count + tech.Models.Count + tech.Files.Count;
            signals.ShouldBeGreaterThan(0, $"{tech.Id} has no signal");
            foreach (var image in tech.Images) ImageName.Normalize(image).ShouldNotBeNull($"{tech.Id}: image '{image}' does not normalize");
            foreach (var host in tech.Hosts) host.ShouldNotContain(' ', customMessage: $"{tech.Id}: host '{host}'");
        }
    }

    [Fact]
    public void LoadEmbedded_SecretRulesCompileAndMatchTheirOwnTrigger()
    {
        Catalog.Secrets.Count.ShouldBeGreaterThanOrEqualTo(20);
        Catalog.Secrets.Select(s => s.Id).ShouldBeUnique();
        foreach (var rule in Catalog.Secrets)
        {
            rule.Pattern.ToString().ShouldStartWith(@"\G");
            rule.VisiblePrefix.ShouldBeLessThanOrEqualTo(rule.Trigger.Length + 20);
        }
    }

    [Theory]
    [InlineData(Ecosystem.PyPI, "Psycopg2_Binary", "postgresql")]
    [InlineData(Ecosystem.PyPI, "celery[redis]", "redis")]
    [InlineData(Ecosystem.Go, "github.com/jackc/pgx/v5/pgxpool", "postgresql")]
    [InlineData(Ecosystem.NuGet, "stackexchange.redis", "redis")]
    [InlineData(Ecosystem.Maven, "org.springframework.boot:spring-boot-starter-data-redis", "redis")]
    [InlineData(Ecosystem.Npm, "@aws-sdk/client-s3", "aws-s3")]
    [InlineData(Ecosystem.Cargo, "tokio_postgres", "postgresql")]
    public void ByPackage_NormalizesEachEcosystemsNames(Ecosystem ecosystem, string name, string expected) =>
        Catalog.ByPackage(ecosystem, name).Select(t => t.Id).ShouldContain(expected);

    [Theory]
    [InlineData(SourceLanguage.Python, "psycopg2.extras", "postgresql")]
    [InlineData(SourceLanguage.JavaScript, "@anthropic-ai/sdk/resources", "anthropic")]
    [InlineData(SourceLanguage.CSharp, "StackExchange.Redis.Extensions", "redis")]
    [InlineData(SourceLanguage.Java, "com.mongodb.client.MongoClient", "mongodb")]
    [InlineData(SourceLanguage.Php, "Stripe\\StripeClient", "stripe")]
    [InlineData(SourceLanguage.Rust, "redis", "redis")]
    public void ByImport_MatchesTheLongestKnownPrefix(SourceLanguage language, string module, string expected) =>
        Catalog.ByImport(language, module).Select(t => t.Id).ShouldContain(expected);

    [Theory]
    [InlineData("docker.io/library/postgres", "postgresql")]
    [InlineData("bitnami/redis", "redis")]
    [InlineData("valkey/valkey", "redis")]
    [InlineData("eqalpha/keydb", "redis")]
    [InlineData("pgvector/pgvector", "pgvector")]
    [InlineData("pgvector/pgvector", "postgresql")]
    [InlineData("ghcr.io/acme/rabbitmq", "rabbitmq")]
    public void ByImage_KnowsAliasesAndDerivatives(string image, string expected) =>
        Catalog.ByImage(ImageName.Normalize(image)!).Select(t => t.Id).ShouldContain(expected);

    [Fact]
    public void With_ExtraEntry_ReplacesBuiltInWithSameId()
    {
        var custom = new Technology { Id = "redis", Name = "Our Redis", Category = "cache", Section = RegistrySection.Connection, Images = ["acme/cache"] };
        var extended = Catalog.With([custom]);
        extended["redis"]!.Name.ShouldBe("Our Redis");
        extended.ByImage("acme/cache").Single().Id.ShouldBe("redis");
        extended.ByImage("bitnami/redis").ShouldBeEmpty();
    }
}
