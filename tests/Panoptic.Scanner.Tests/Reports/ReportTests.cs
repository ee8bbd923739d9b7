using System.Text.Json;
using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Reports;
using Panoptic.TestUtilities;
using YamlDotNet.RepresentationModel;

namespace Panoptic.Scanner.Tests.Reports;

public class ReportTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "registry.schema.json"))).RootElement;

    private static readonly string[] RawSecrets =
    [
        "AKIAZ7XQ2LPKM3N4B5C6", "sk_live_51Habcdefghijklmnopqrstuvwx", "hunter2hunter2", "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
        "sk-proj-QwErTyUiOpAsDfGhJkLzXcVbNm0123456789abcdefghijkl", "xoxb-123456789012-123456789012-abcdefghijklmnopqrstuvwx", "p4ssw0rdInEnv", "MIIEowIBAAKCAQEA7secretkeybody",
    ];

    private static TempRepository SecretRepo() => new TempRepository("secrets")
        .With("app/config.py", $"AWS_KEY = '{RawSecrets[0]}'\nDB = 'postgres://admin:{RawSecrets[2]}@db/app'\n")
        .With("web/stripe.js", $"const stripe = new Stripe('{RawSecrets[1]}');\nconst gh = \"{RawSecrets[3]}\";\n")
        .With(".env", $"OPENAI_API_KEY={RawSecrets[4]}\nSLACK_TOKEN={RawSecrets[5]}\nDB_PASSWORD={RawSecrets[6]}\n")
        .With("docker-compose.yml", $"services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: {RawSecrets[6]}\n      DATABASE_URL: postgres://u:{RawSecrets[2]}@db/x?password={RawSecrets[6]}\n")
        .With("deploy/key.pem", $"-----BEGIN RSA PRIVATE KEY-----\n{RawSecrets[7]}\n-----END RSA PRIVATE KEY-----\n");

    [Fact]
    public void EveryFormat_NeverContainsASecretValue()
    {
        using var repo = SecretRepo();
        var registry = Scans.Run(repo);
        registry.Secrets.Count.ShouldBeGreaterThanOrEqualTo(7);

        foreach (var (format, text) in new[] { ("json", JsonReport.Write(registry)), ("yaml", YamlReport.Write(registry)), ("markdown", MarkdownReport.Write(registry)), ("summary", Summary.Line(registry)) })
        {
            foreach (var secret in RawSecrets) text.ShouldNotContain(secret, customMessage: $"{format} leaks a secret");
        }
    }

    [Fact]
    public void Json_MatchesThePublishedSchema()
    {
        using var repo = Fixtures.Shop();
        repo.With("bad/package.json", "{ nope");
        // An unlisted host: its id holds dots and its evidence kind is outbound_call.
        repo.With("src/updates.ts", "export const check = () => fetch(\"https://update.acme-app.io/v1\");\n");
        var registry = Scans.Run(repo);
        registry.Has("update.acme-app.io").ShouldBeTrue();
        var errors = SchemaValidator.Validate(Schema, JsonReport.ToElement(registry));
        errors.ShouldBeEmpty();
    }

    [Fact]
    public void SchemaValidator_RejectsWhatTheSchemaForbids()
    {
        using var repo = Fixtures.Shop();
        var json = JsonReport.ToElement(Scans.Run(repo));
        var broken = JsonDocument.Parse(json.GetRawText().Replace("\"status\": \"core\"", "\"status\": \"maybe\"", StringComparison.Ordinal).Replace("\"project\":", "\"projekt\":", StringComparison.Ordinal)).RootElement;
        var errors = SchemaValidator.Validate(Schema, broken);
        errors.ShouldContain("$: missing 'project'");
        errors.ShouldContain("$: unexpected property 'projekt'");
        errors.ShouldContain(e => e.Contains(".status: \"maybe\" is not allowed", StringComparison.Ordinal) || e.Contains(".status: maybe is not allowed", StringComparison.Ordinal));
    }

    [Fact]
    public void Yaml_ReadsBackToTheSameDataAsJson()
    {
        using var repo = Fixtures.Shop();
        var registry = Scans.Run(repo);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(YamlReport.Write(registry)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var api = ((YamlSequenceNode)root["external_apis"]).Children.Cast<YamlMappingNode>().Single(n => n["id"].ToString() == "openai");
        api["status"].ToString().ShouldBe("core");
        api["confidence"].ToString().ShouldBe(registry.Entry("openai").Confidence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ((YamlScalarNode)root["schema"]).Value.ShouldBe(RegistryDocument.SchemaId);
    }

    [Fact]
    public void Yaml_QuotesStringsThatWouldChangeType()
    {
        using var repo = new TempRepository("yes").With("package.json", "{\"name\":\"true\",\"dependencies\":{\"redis\":\"4\"}}").With("index.js", "require('redis')");
        var text = YamlReport.Write(Scans.Run(repo) with { Project = Scans.Run(repo).Project with { Name = "true" } });
        text.ShouldContain("name: \"true\"");
    }

    [Fact]
    public void TwoScans_DifferOnlyInScanTimeFields()
    {
        using var repo = Fixtures.Shop();
        var first = Scans.Run(repo);
        var second = Scans.Run(repo);
        string Stable(RegistryDocument d) => JsonReport.Write(d with { Project = d.Project with { DurationMs = 0 } });
        Stable(second).ShouldBe(Stable(first));
    }

    [Fact]
    public void Markdown_SummarizesForAPullRequest()
    {
        using var repo = Fixtures.Shop();
        var markdown = MarkdownReport.Write(Scans.Run(repo));
        markdown.ShouldStartWith("## Panoptic scan: shop-");
        markdown.ShouldContain("6 backend connections, 6 external APIs, 3 services in 12 files");
        markdown.ShouldContain("| PostgreSQL | database | core: ");
        markdown.ShouldContain("| OpenAI — models: gpt-4o-mini | llm | core: ");
        markdown.ShouldContain("**Developer tooling (not production):** MailHog, Testcontainers");
        markdown.ShouldNotContain("Commercial readiness");
    }

    [Fact]
    public void Markdown_WithReadiness_LeadsWithTheVerdictAndTheBlockingItems()
    {
        using var repo = Fixtures.Shop();
        var registry = new RepositoryScanner(Scans.Catalog).Scan(new ScanOptions(repo.Root) { Time = new FakeTimeProvider(Scans.Now), EvaluateReadiness = true });
        var readiness = registry.CommercialReadiness!;
        var markdown = MarkdownReport.Write(registry);
        markdown.ShouldContain($"### Commercial readiness: not ready to sell, score {readiness.Score.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} / 100");
        var blocking = readiness.Checks.Where(c => c.Blocking && c.Status == "fail").ToList();
        blocking.ShouldNotBeEmpty();
        foreach (var check in blocking) markdown.ShouldContain($"- **blocking** fail `{check.Id}`");
    }
}
