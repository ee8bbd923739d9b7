using Panoptic.Scanner.Registry;
using Panoptic.TestUtilities;
using Shouldly;
using Xunit;

namespace Panoptic.Scanner.Tests.Registry;

/// <summary>The status rule over fixture repositories: exact status, reason and the deciding evidence first.</summary>
public class StatusRuleTests
{
    [Fact]
    public void Scan_AspireFlagDefaultingToFalse_ProviderIsOptionalWithTheFlag()
    {
        using var repo = new TempRepository("flag")
            .With("AppHost/AppHost.csproj", "<Project Sdk=\"Aspire.AppHost.Sdk/9.0.0\"></Project>")
            .With("AppHost/Program.cs", "var builder = DistributedApplication.CreateBuilder(args);\nbool useOpenAI = false;\nif (useOpenAI)\n{\n    builder.AddAzureOpenAI(\"openai\");\n}\nbuilder.AddRedis(\"cache\");\n");

        var registry = Scans.Run(repo);

        registry.Entry("azure-openai").Status.ShouldBe(Statuses.Optional);
        registry.Entry("azure-openai").StatusReason.ShouldBe("optional: Aspire resource `AddAzureOpenAI` only with `useOpenAI`, AppHost/Program.cs:5");
        registry.Entry("redis").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_StorageBackendPickedBySetting_EachBackendIsOptional()
    {
        using var repo = new TempRepository("storage")
            .With("requirements.txt", "boto3\ngoogle-cloud-storage\n")
            .With("app/storage.py", "import os\n\nBACKEND = os.environ.get(\"STORAGE_BACKEND\", \"local\")\n\ndef client():\n    if BACKEND == \"gcs\":\n        from google.cloud import storage\n        return storage.Client()\n    elif BACKEND == \"s3\":\n        import boto3\n        return boto3.client(\"s3\")\n    return None\n");

        var registry = Scans.Run(repo);

        registry.Entry("gcs").Status.ShouldBe(Statuses.Optional);
        registry.Entry("gcs").StatusReason!.ShouldContain("`BACKEND == \"gcs\"`, app/storage.py:7");
        registry.Entry("aws-s3").Status.ShouldBe(Statuses.Optional);
        registry.Entry("aws-s3").StatusReason!.ShouldContain("app/storage.py:11");
    }

    [Fact]
    public void Scan_SwitchOverAProviderSetting_NamesTheCase()
    {
        using var repo = new TempRepository("switch")
            .With("package.json", "{\"name\":\"api\",\"dependencies\":{\"@sendgrid/mail\":\"8\",\"postmark\":\"4\"}}")
            .With("src/mail.ts", "import sgMail from '@sendgrid/mail';\nimport { ServerClient } from 'postmark';\n\nexport function mailer() {\n  switch (process.env.MAIL_PROVIDER) {\n    case 'sendgrid':\n      return sgMail;\n    case 'postmark':\n      return new ServerClient(process.env.POSTMARK_TOKEN!);\n  }\n}\n");

        var registry = Scans.Run(repo);

        registry.Entry("sendgrid").Status.ShouldBe(Statuses.Optional);
        registry.Entry("postmark").Status.ShouldBe(Statuses.Optional);
        registry.Entry("postmark").StatusReason!.ShouldContain("`process.env.MAIL_PROVIDER` = 'postmark'");
    }

    [Fact]
    public void Scan_OAuthProviderAddedOnlyWhenItsClientIdIsSet_IsOptional()
    {
        using var repo = new TempRepository("oauth")
            .With("package.json", "{\"name\":\"web\",\"dependencies\":{\"next-auth\":\"4\"}}")
            .With("src/auth.ts", "import GoogleProvider from 'next-auth/providers/google';\n\nexport const providers = [\n  ...(process.env.GOOGLE_CLIENT_ID\n    ? [GoogleProvider({ clientId: process.env.GOOGLE_CLIENT_ID })]\n    : []),\n];\n");

        var registry = Scans.Run(repo);

        registry.Entry("google-oauth").Status.ShouldBe(Statuses.Optional);
        registry.Entry("google-oauth").StatusReason!.ShouldContain("process.env.GOOGLE_CLIENT_ID");
    }

    [Fact]
    public void Scan_HostOnlyInACiWorkflow_IsCiOnly()
    {
        using var repo = new TempRepository("ci")
            .With("app/main.py", "print('hello')\n")
            .With(".github/workflows/deploy.yml", "jobs:\n  deploy:\n    steps:\n      - run: curl https://api.stripe.com/v1/charges\n");

        var stripe = Scans.Run(repo).Entry("stripe");

        stripe.Status.ShouldBe(Statuses.CiOnly);
        stripe.StatusReason.ShouldBe("ci_only: only in CI definitions, .github/workflows/deploy.yml:4");
        stripe.Evidence.Single().Kind.ShouldBe("api_host_in_ci");
    }

    [Fact]
    public void Scan_HostsOnlyInCspAndNetworkPolicy_AreNoEvidence()
    {
        using var repo = new TempRepository("csp")
            .With("src/server.ts", "app.use(helmet({\n  contentSecurityPolicy: {\n    directives: {\n      connectSrc: [\n        \"'self'\",\n        \"https://api.stripe.com\",\n      ],\n    },\n  },\n}));\n")
            .With("k8s/egress.yaml", "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nspec:\n  hosts:\n    - api.openai.com\n");

        var registry = Scans.Run(repo);

        registry.Has("stripe").ShouldBeFalse();
        registry.Has("openai").ShouldBeFalse();
    }

    [Fact]
    public void Scan_CommentedOutLines_AreNoEvidence()
    {
        using var repo = new TempRepository("comments")
            .With("app/main.py", "# import stripe\nx = 1  # calls https://api.openai.com later\n")
            .With("src/index.ts", "// import { S3Client } from '@aws-sdk/client-s3';\n/*\n const redis = new Redis(process.env.REDIS_URL);\n*/\nconst url = \"https://example.com//path\"; // fetch('https://api.anthropic.com')\n")
            .With("Api/Program.cs", "var app = builder.Build();\n// app.MapPrometheusScrapingEndpoint();\n");

        var registry = Scans.Run(repo);

        registry.Has("stripe").ShouldBeFalse();
        registry.Has("openai").ShouldBeFalse();
        registry.Has("aws-s3").ShouldBeFalse();
        registry.Has("anthropic").ShouldBeFalse();
        registry.Has("prometheus").ShouldBeFalse();
    }

    [Fact]
    public void Scan_CodeAfterAStringHoldingSlashes_IsStillEvidence()
    {
        using var repo = new TempRepository("strings")
            .With("src/index.ts", "const accept = '*/*'; const glob = \"src/**/*.ts\";\nfetch('https://api.anthropic.com/v1/messages');\n");

        Scans.Run(repo).Entry("anthropic").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_LongerHostAtTheSameSpot_WinsOverTheHostItStartsWith()
    {
        using var repo = new TempRepository("hosts")
            .With("src/auth.ts", "const authorize = 'https://discord.com/api/oauth2/authorize';\n");

        var registry = Scans.Run(repo);

        registry.Entry("discord-oauth").Status.ShouldBe(Statuses.Core);
        registry.Has("discord").ShouldBeFalse();
    }

    [Fact]
    public void Scan_IntegrationInAPluginFolder_IsOptional()
    {
        using var repo = new TempRepository("plugins")
            .With("package.json", "{\"name\":\"app\",\"dependencies\":{\"@slack/web-api\":\"7\",\"pg\":\"8\"}}")
            .With("plugins/slack/server/slack.ts", "import { WebClient } from '@slack/web-api';\nexport const client = new WebClient(token);\n")
            .With("server/db.ts", "import { Pool } from 'pg';\nexport const pool = new Pool();\n");

        var registry = Scans.Run(repo);

        registry.Entry("slack").Status.ShouldBe(Statuses.Optional);
        registry.Entry("slack").StatusReason!.ShouldContain("one of several integrations in plugins/");
        registry.Entry("postgresql").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_ToolingScriptAndDevDependency_AreDevOnly()
    {
        using var repo = new TempRepository("dev")
            .With("package.json", "{\"name\":\"app\",\"scripts\":{\"start\":\"node .\"},\"devDependencies\":{\"@aws-sdk/client-s3\":\"3\"}}")
            .With("scripts/upload-fixtures.ts", "import { S3Client } from '@aws-sdk/client-s3';\nconst s3 = new S3Client({});\n");

        var s3 = Scans.Run(repo).Entry("aws-s3");

        s3.Status.ShouldBe(Statuses.DevOnly);
        s3.StatusReason!.ShouldStartWith("dev_only: only in local tooling or development set-up, scripts/upload-fixtures.ts:");
    }

    [Fact]
    public void Scan_ComposeFileInADevelopmentFolder_IsDevOnly()
    {
        using var repo = new TempRepository("development-folder")
            .With("docker/development/compose.yml", "services:\n  minio:\n    image: minio/minio\n")
            .With("docker/production/compose.yml", "services:\n  db:\n    image: postgres:16\n");

        var registry = Scans.Run(repo);

        registry.Entry("minio").Status.ShouldBe(Statuses.DevOnly);
        registry.Entry("postgresql").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_RailsEnvironmentsAndConfigTemplates_ArePlacedByWhatTheyConfigure()
    {
        using var repo = new TempRepository("rails-environments")
            .With("Gemfile", "source \"https://rubygems.org\"\ngem \"sqlite3\"\n")
            // The committed template a deployment copies into place says what production runs.
            .With("config/database.yml.sample", "production:\n  adapter: sqlite3\n  database: storage/primary.sqlite3\n")
            // A template is commented as the file it becomes; bundler's config as a hash-commented file.
            .With("hc/local_settings.py.example", "# Uncomment to use MySQL:\n# DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql'}}\n")
            .With(".bundle/config", "# USE_URI=1  eg postgres://user@localhost/db\n")
            .With("config/environments/development.rb", "Rails.application.configure do\n  config.active_job.queue_adapter = :solid_queue\n  config.action_mailer.smtp_settings = { address: \"localhost\", port: 1025 }\nend\n")
            .With("config/initializers/email.rb", "ActionMailer::Base.smtp_settings = {\n  address: ENV.fetch(\"SMTP_HOST\"),\n}\n");

        var registry = Scans.Run(repo);

        registry.Entry("sqlite").StatusReason.ShouldBe("core: client code `adapter: sqlite3` in product code, config/database.yml.sample:2");
        registry.Has("mysql").ShouldBeFalse();
        registry.Has("postgresql").ShouldBeFalse();
        registry.Entry("solid-queue").Status.ShouldBe(Statuses.DevOnly);
        registry.Entry("smtp").StatusReason.ShouldBe("core: client code `smtp_settings =` in product code, config/initializers/email.rb:1");
    }

    [Fact]
    public void Scan_TurnstileVerification_IsTurnstileNotTheCloudflareApi()
    {
        using var repo = new TempRepository("turnstile")
            .With("server/captcha.ts", "export const verify = (token: string) =>\n  fetch('https://challenges.cloudflare.com/turnstile/v0/siteverify', { method: 'POST', body: token });\n");

        var registry = Scans.Run(repo);

        registry.Entry("cloudflare-turnstile").Status.ShouldBe(Statuses.Core);
        registry.Has("cloudflare").ShouldBeFalse();
    }

    [Fact]
    public void Scan_DevelopmentOnlyBranch_IsDevOnlyAndItsElseIsCore()
    {
        using var repo = new TempRepository("devbranch")
            .With("package.json", "{\"name\":\"app\",\"dependencies\":{\"ioredis\":\"5\",\"@sendgrid/mail\":\"8\"}}")
            .With("src/app.ts", "import Redis from 'ioredis';\nif (process.env.NODE_ENV === 'development') {\n  const r = new Redis('redis://localhost:6379');\n} else {\n  fetch('https://api.sendgrid.com/v3/mail/send');\n}\n");

        var registry = Scans.Run(repo);

        registry.Entry("redis").Status.ShouldBe(Statuses.DevOnly);
        registry.Entry("sendgrid").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_OnlyADeclaredDependency_IsUnconfirmedAndSaysSo()
    {
        using var repo = new TempRepository("bare").With("requirements.txt", "stripe==9.0\n");

        var stripe = Scans.Run(repo).Entry("stripe");

        stripe.Status.ShouldBe(Statuses.Unconfirmed);
        stripe.StatusReason.ShouldBe("unconfirmed: declared dependency `stripe ==9.0` with no code, config or deployment behind it, requirements.txt:1");
    }

    [Fact]
    public void Scan_JobLibrary_IsAConnectionLinkedToItsBroker()
    {
        using var repo = new TempRepository("jobs")
            .With("requirements.txt", "celery[redis]\n")
            .With("app/tasks.py", "from celery import Celery\napp = Celery('tasks', broker='redis://cache:6379/0')\n");

        var registry = Scans.Run(repo);

        registry.Entry("celery").Category.ShouldBe("queue");
        registry.Entry("celery").Status.ShouldBe(Statuses.Core);
        registry.Entry("celery").RunsOn.ShouldBe(["redis"]);
    }

    [Fact]
    public void Decide_GuardedCodeBesideAnUnguardedDependency_OptionalNamesTheGuard()
    {
        var decision = StatusRule.Decide(
        [
            new Signal("stripe", SignalKind.Dependency, "requirements.txt", 1, "stripe"),
            new Signal("stripe", SignalKind.Import, "app/pay.py", 4, "stripe") { Guard = "`settings.PAYMENTS_ENABLED`" },
        ]);

        decision.Status.ShouldBe(Statuses.Optional);
        decision.Reason.ShouldBe("optional: imported (`stripe`) only with `settings.PAYMENTS_ENABLED`, app/pay.py:4");
        decision.Deciding.File.ShouldBe("app/pay.py");
    }

    [Fact]
    public void Order_StrongestFirst_ProductCodeThenDeploymentThenConfigThenManifestThenTests()
    {
        var ordered = StatusRule.Order(
        [
            new Signal("redis", SignalKind.Import, "tests/test_cache.py", 1, "redis") { InTest = true },
            new Signal("redis", SignalKind.Dependency, "requirements.txt", 1, "redis"),
            new Signal("redis", SignalKind.EnvVar, ".env.example", 2, "REDIS_URL"),
            new Signal("redis", SignalKind.ContainerImage, "docker-compose.yml", 5, "redis"),
            new Signal("redis", SignalKind.Code, "app/cache.py", 3, "redis.Redis("),
        ]);

        ordered.Select(s => s.File).ShouldBe(["app/cache.py", "docker-compose.yml", ".env.example", "requirements.txt", "tests/test_cache.py"]);
    }
}
