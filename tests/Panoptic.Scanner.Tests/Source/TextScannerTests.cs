using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Source;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Source;

public class TextScannerTests
{
    private static FileReport Analyze(string path, string content) => Scans.AnalyzeFile(path, content);

    [Fact]
    public void Analyze_ApiHostsNeedWordBoundaries()
    {
        var report = Analyze("app/client.py", "url = 'https://api.openai.com/v1'\nother = 'https://api.stripe.company.example'\nx = 'https://eu.api.mixpanel.com.evil'\n");
        report.Signals.Where(s => s.Kind == SignalKind.ApiHost).Select(s => (s.TechnologyId, s.Line)).ShouldBe([("openai", 1)]);
    }

    [Fact]
    public void Analyze_ModelNamesOnlyInsideStringLiterals()
    {
        var report = Analyze("app/llm.ts", "const a = \"gpt-4o-mini\";\nconst b = 'claude-sonnet-4-5';\n// gpt-4o is great\nconst c = `gemini-2.0-flash`;\n");
        report.Signals.Where(s => s.Kind == SignalKind.Model).Select(s => (s.TechnologyId, s.Model, s.Line)).Distinct()
            .ShouldBe([("openai", "gpt-4o-mini", 1), ("anthropic", "claude-sonnet-4-5", 2), ("google-gemini", "gemini-2.0-flash", 4)], ignoreOrder: true);
    }

    [Fact]
    public void Analyze_EnvVarReadsAcrossLanguages()
    {
        Analyze("a.py", "os.environ['DATABASE_URL']\nos.getenv(\"REDIS_URL\")\nos.environ.get('lower_case')\n").EnvVars.Select(e => e.Name).ShouldBe(["DATABASE_URL", "REDIS_URL"]);
        Analyze("a.ts", "process.env.STRIPE_KEY; process.env['SENTRY_DSN']; import.meta.env.VITE_API\n").EnvVars.Select(e => e.Name).ShouldBe(["STRIPE_KEY", "SENTRY_DSN", "VITE_API"]);
        Analyze("a.cs", "Environment.GetEnvironmentVariable(\"OPENAI_API_KEY\")").EnvVars.Select(e => e.Name).ShouldBe(["OPENAI_API_KEY"]);
        Analyze("a.go", "os.Getenv(\"PORT\")\nos.LookupEnv(\"NATS_URL\")").EnvVars.Select(e => e.Name).ShouldBe(["PORT", "NATS_URL"]);
        Analyze("a.rb", "ENV['REDIS_URL']\nENV.fetch(\"PG_HOST\")").EnvVars.Select(e => e.Name).ShouldBe(["REDIS_URL", "PG_HOST"]);
        Analyze("README.md", "set os.getenv(\"NOT_CODE\")").EnvVars.ShouldBeEmpty();
    }

    [Fact]
    public void Analyze_ConnectionStringsAreMaskedEverywhere()
    {
        var report = Analyze("settings.py", "DB = 'postgresql+psycopg2://admin:hunter2@db.internal:5432/shop?sslmode=require&password=x'\nCACHE = \"redis://:r3d1s@cache:6379/0\"\nMQ = 'amqp://guest:${RABBIT_PASSWORD}@mq'\n");
        var details = report.Signals.Where(s => s.Kind == SignalKind.ConnectionString).Select(s => (s.TechnologyId, s.Detail)).ToList();
        details.ShouldBe(
        [
            ("postgresql", "postgresql+psycopg2://admin:****@db.internal:5432/shop?****"),
            ("redis", "redis://:****@cache:6379/0"),
            ("rabbitmq", "amqp://guest:****@mq"),
        ]);
        report.Secrets.Select(s => (s.Line, s.Masked)).ShouldBe([(1, "postgresql+psycopg2://admin:****@db.internal:5432/shop?****"), (2, "redis://:****@cache:6379/0")]);
        string.Join("\n", report.Signals.Select(s => s.Detail).Concat(report.Secrets.Select(s => s.Masked))).ShouldNotContain("hunter2");
    }

    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPLE", "aws-access-key-id", "AKIA****")]
    [InlineData("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe-secret-key", "sk_live_****")]
    [InlineData("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "github-token", "ghp_****")]
    [InlineData("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ", "openai-api-key", "sk-****")]
    [InlineData("xoxb-123456789012-123456789012-abcdefghijklmnopqrstuvwx", "slack-bot-token", "xoxb-****")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----", "private-key", "-----BEGIN ****")]
    public void Analyze_SecretFormats_AreFoundAndMasked(string secret, string rule, string masked)
    {
        var report = Analyze("config/keys.js", $"const k = \"{secret}\";\n");
        report.Secrets.Select(s => (s.Rule, s.Masked)).ShouldBe([(rule, masked)]);
    }

    [Fact]
    public void Analyze_SecretTriggersInsideWords_AreIgnored() =>
        Analyze("a.js", "const task-abcdefghijklmnopqrstuvwxyz0123456789 = 1; const DISKSK0123456789abcdef0123456789abcdef = 2;").Secrets.ShouldBeEmpty();

    [Fact]
    public void Analyze_InvalidUtf8_StillFindsEvidence()
    {
        using var repo = new TempRepository().WithBytes("app.py", [0xC3, 0x28, 0xFF, (byte)'\n', .. "import redis\n"u8.ToArray()]);
        var report = new FileAnalyzer(Scans.Catalog).Analyze(new Panoptic.Scanner.Walking.RepositoryFile("app.py", repo.PathOf("app.py"), 16), CancellationToken.None);
        report.Signals.Single(s => s.Kind == SignalKind.Import).ShouldBe(new Signal("redis", SignalKind.Import, "app.py", 2, "redis") { FilePlace = Place.Product });
        report.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void Analyze_FileDeletedMidScan_IsAProblemNotACrash()
    {
        var report = new FileAnalyzer(Scans.Catalog).Analyze(new Panoptic.Scanner.Walking.RepositoryFile("gone.py", "/nonexistent/panoptic/gone.py", 10), CancellationToken.None);
        report.Problems.ShouldBe([new Problem("gone.py", null, "vanished during the scan")]);
    }

    [Fact]
    public void Analyze_NulBytes_AreReportedAsBinary()
    {
        using var repo = new TempRepository().WithBytes("data.json", [(byte)'{', 0, 0, (byte)'}']);
        var report = new FileAnalyzer(Scans.Catalog).Analyze(new Panoptic.Scanner.Walking.RepositoryFile("data.json", repo.PathOf("data.json"), 4), CancellationToken.None);
        report.Problems.ShouldBe([new Problem("data.json", null, "skipped: binary content")]);
    }
}

public class EvidenceDeduplicationTests
{
    [Fact]
    public void Analyze_RepeatedIdenticalEvidence_KeepsTheFirstLine()
    {
        using var repo = new Panoptic.TestUtilities.TempRepository().With("app.py", "import os\nurl = os.getenv('REDIS_URL')\nagain = os.getenv('REDIS_URL')\nimport redis\n");
        var report = new FileAnalyzer(Scans.Catalog).Analyze(new Panoptic.Scanner.Walking.RepositoryFile("app.py", repo.PathOf("app.py"), 80), CancellationToken.None);
        report.Signals.Select(s => (s.TechnologyId, s.Kind, s.Line)).ShouldBe([("redis", SignalKind.Import, 4), ("redis", SignalKind.EnvVar, 2)]);
        report.EnvVars.Select(e => (e.Name, e.Line)).ShouldBe([("REDIS_URL", 2)]);
    }
}
