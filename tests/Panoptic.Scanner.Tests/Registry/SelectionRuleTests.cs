using Panoptic.Scanner.Registry;
using Panoptic.TestUtilities;
using Shouldly;
using Xunit;

namespace Panoptic.Scanner.Tests.Registry;

/// <summary>Settings that select one backend, alternatives listed together, and what weak evidence stays weak.</summary>
public class SelectionRuleTests
{
    [Fact]
    public void Scan_LaravelMailerDefaultAndCommittedDisk_SelectedOnesAreCore()
    {
        using var repo = new TempRepository("laravel")
            .With("composer.json", "{\"name\":\"acme/app\",\"require\":{\"laravel/framework\":\"^11.0\"}}")
            .With("config/mail.php", "<?php\nreturn [\n    'default' => env('MAIL_MAILER', 'smtp'),\n];\n")
            .With("config/database.php", "<?php\nreturn [\n    'default' => env('DB_CONNECTION', 'sqlite'),\n];\n")
            .With(".env.example", "DB_CONNECTION=pgsql\nFILESYSTEM_DISK=s3\n");

        var registry = Scans.Run(repo);

        registry.Entry("smtp").Status.ShouldBe(Statuses.Core);
        registry.Entry("smtp").StatusReason.ShouldBe("core: selected by `MAIL_MAILER defaults to smtp`, config/mail.php:3");
        registry.Entry("aws-s3").StatusReason.ShouldBe("core: selected by `FILESYSTEM_DISK=s3`, .env.example:2");
        registry.Entry("postgresql").Status.ShouldBe(Statuses.Core);
        // The committed DB_CONNECTION wins over the code's default.
        registry.Has("sqlite").ShouldBeFalse();
    }

    [Fact]
    public void Scan_CommittedSettingPicksLocalStorage_S3SupportIsAnAlternative()
    {
        using var repo = new TempRepository("alternative")
            .With(".env.sample", "FILE_STORAGE=local\nDATABASE_URL=postgres://user:pass@postgres:5432/app\n")
            .With("package.json", "{\"name\":\"app\",\"dependencies\":{\"@aws-sdk/client-s3\":\"3\",\"pg\":\"8\"}}")
            .With("server/storage/S3Storage.ts", "import { S3Client } from '@aws-sdk/client-s3';\nexport const client = new S3Client({});\n")
            .With("server/db.ts", "import { Pool } from 'pg';\nexport const pool = new Pool();\n");

        var registry = Scans.Run(repo);

        registry.Entry("aws-s3").Status.ShouldBe(Statuses.Optional);
        registry.Entry("aws-s3").StatusReason.ShouldBe("optional: client code `new S3Client` only with an alternative: `FILE_STORAGE=local` picks local (.env.sample:1), server/storage/S3Storage.ts:2");
        registry.Entry("postgresql").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_SettingPicksTheTechnologyItself_StaysCore()
    {
        using var repo = new TempRepository("picked")
            .With(".env.example", "FILE_STORAGE=s3\n")
            .With("server/storage/S3Storage.ts", "import { S3Client } from '@aws-sdk/client-s3';\nexport const client = new S3Client({});\n");

        Scans.Run(repo).Entry("aws-s3").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_IntegrationFolderNamedForAVendor_IsOneOfSeveralIntegrations()
    {
        using var repo = new TempRepository("channels")
            .With("hc/integrations/victorops/transport.py", "class VictorOps:\n    def notify(self, url, payload):\n        self.post(url, json=payload)\n")
            .With("hc/integrations/gotify/transport.py", "class Gotify:\n    def notify(self, url):\n        self.post(url)\n")
            .With("hc/integrations/custom/transport.py", "class Custom: ...\n");

        var registry = Scans.Run(repo);

        registry.Entry("victorops").Status.ShouldBe(Statuses.Optional);
        registry.Entry("victorops").Evidence.Single().ShouldBe(new EvidenceEntry("hc/integrations/victorops/transport.py", 1, "integration_folder", "hc/integrations/victorops/"));
        registry.Entry("gotify").StatusReason.ShouldBe("optional: an integration module (`hc/integrations/gotify/`) only with one of several integrations in hc/integrations/, hc/integrations/gotify/transport.py:1");
        registry.ExternalApis.Count.ShouldBe(2);
    }

    [Fact]
    public void Scan_EnvVarDeclaredForTheDeploymentOrOnlyReadInCode_OptionalOrUnconfirmed()
    {
        using var repo = new TempRepository("envs")
            .With(".env.example", "POSTMARK_API_TOKEN=\n")
            .With("src/config.ts", "export const key = process.env.STRIPE_SECRET_KEY;\n");

        var registry = Scans.Run(repo);

        registry.Entry("postmark").Status.ShouldBe(Statuses.Optional);
        registry.Entry("postmark").StatusReason.ShouldBe("optional: only the env var `POSTMARK_API_TOKEN` configures it, .env.example:1");
        registry.Entry("stripe").Status.ShouldBe(Statuses.Unconfirmed);
    }

    [Fact]
    public void Scan_OneFileListingSeveralProvidersOfACategory_EachIsOptional()
    {
        using var repo = new TempRepository("presets")
            .With("src/smtp-presets.ts", "export const presets = {\n  sendgrid: 'smtp.sendgrid.net',\n  postmark: 'smtp.postmarkapp.com',\n  mailgun: 'smtp.mailgun.org',\n};\n")
            .With("src/pay.ts", "fetch('https://api.stripe.com/v1/charges');\n");

        var registry = Scans.Run(repo);

        registry.Entry("postmark").Status.ShouldBe(Statuses.Optional);
        registry.Entry("postmark").StatusReason!.ShouldContain("one of 3 email choices listed in src/smtp-presets.ts");
        registry.Entry("stripe").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_KillSwitchOffByDefault_GuardsNothing()
    {
        using var repo = new TempRepository("kill")
            .With("app/Avatars.php", "<?php\nif (!config('services.disable_services')) {\n    $url = 'https://www.gravatar.com/avatar/' . $hash;\n}\n");

        Scans.Run(repo).Entry("gravatar").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_BareUrlSchemeInCode_PicksABackendButDoesNotConnect()
    {
        using var repo = new TempRepository("scheme")
            .With("src/db.rs", "fn kind(url: &str) -> Kind {\n    if url.starts_with(\"mysql://\") { Kind::Mysql } else { Kind::Sqlite }\n}\n");

        var mysql = Scans.Run(repo).Entry("mysql");

        mysql.Status.ShouldBe(Statuses.Optional);
        mysql.StatusReason!.ShouldContain("a URL whose scheme picks it");
    }

    [Fact]
    public void Scan_RepositoryOwnNamespace_IsNotThePackageOfTheSameName()
    {
        using var repo = new TempRepository("own")
            .With("src/Exceptionless.Core/Exceptionless.Core.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>")
            .With("src/Exceptionless.Web/Program.cs", "using Exceptionless.Core.Configuration;\nvar x = 1;\n");

        Scans.Run(repo).Has("exceptionless").ShouldBeFalse();
    }

    [Fact]
    public void Scan_GeneralAwsSdkBesideAnAwsService_OnlyTheService()
    {
        using var repo = new TempRepository("aws")
            .With("requirements.txt", "boto3\n")
            .With("app/files.py", "import boto3\ns3 = boto3.client('s3')\n");

        var registry = Scans.Run(repo);

        registry.Entry("aws-s3").Status.ShouldBe(Statuses.Core);
        registry.Has("aws-sdk").ShouldBeFalse();
    }

    [Fact]
    public void Scan_RailsConfigFiles_AdapterAndMailerAreCoreAndStorageServicesAlternatives()
    {
        using var repo = new TempRepository("rails")
            .With("Gemfile", "source 'https://rubygems.org'\ngem 'rails'\ngem 'pg'\ngem 'sidekiq'\n")
            .With("config/database.yml", "default: &default\n  adapter: postgresql\n  pool: 5\n")
            .With("config/environments/production.rb", "Rails.application.configure do\n  config.action_mailer.delivery_method = :smtp\n  config.active_job.queue_adapter = :sidekiq\nend\n")
            .With("config/storage.yml", "amazon:\n  service: S3\n  bucket: x\ngoogle:\n  service: GCS\n  bucket: y\nmicrosoft:\n  service: AzureStorage\n  container: z\n");

        var registry = Scans.Run(repo);

        registry.Entry("postgresql").StatusReason.ShouldBe("core: client code `adapter: postgresql` in product code, config/database.yml:2");
        registry.Entry("smtp").Status.ShouldBe(Statuses.Core);
        registry.Entry("sidekiq").Status.ShouldBe(Statuses.Core);
        registry.Entry("aws-s3").Status.ShouldBe(Statuses.Optional);
        registry.Entry("gcs").Status.ShouldBe(Statuses.Optional);
    }

    [Fact]
    public void Scan_JavaPackageNamedSamples_IsProductCode()
    {
        using var repo = new TempRepository("java")
            .With("discovery/pom.xml", "<project><artifactId>discovery</artifactId><dependencies><dependency><groupId>org.springframework.cloud</groupId><artifactId>spring-cloud-starter-netflix-eureka-server</artifactId></dependency></dependencies></project>")
            .With("discovery/src/main/java/org/acme/samples/App.java", "package org.acme.samples;\n\n@SpringBootApplication\n@EnableEurekaServer\npublic class App {}\n");

        Scans.Run(repo).Entry("eureka").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_MavenAggregatorWithModules_ModulesAreTheServices()
    {
        using var repo = new TempRepository("maven")
            .With("pom.xml", "<project><artifactId>parent</artifactId><packaging>pom</packaging><modules><module>vets</module><module>visits</module></modules><build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>")
            .With("vets/pom.xml", "<project><artifactId>vets</artifactId><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency></dependencies></project>")
            .With("vets/src/main/java/org/acme/vets/App.java", "package org.acme.vets;\npublic class App {}\n")
            .With("visits/pom.xml", "<project><artifactId>visits</artifactId><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies></project>")
            .With("visits/src/main/java/org/acme/visits/App.java", "package org.acme.visits;\npublic class App {}\n");

        Scans.Run(repo).Services.Select(s => s.Path).ShouldBe(["vets", "visits"]);
    }

    [Fact]
    public void Scan_ElixirMix_DependenciesAndDevOnlyOnes()
    {
        using var repo = new TempRepository("elixir")
            .With("mix.exs", "defmodule App.MixProject do\n  def project, do: [app: :app, deps: deps()]\n  def application, do: [mod: {App.Application, []}]\n\n  defp deps do\n    [\n      {:oban, \"~> 2.17\"},\n      {:appsignal, \"~> 2.0\", only: [:dev, :test]},\n      # {:sentry, \"~> 10.0\"},\n    ]\n  end\nend\n")
            .With("lib/app/worker.ex", "defmodule App.Worker do\n  use Oban.Worker\nend\n");

        var registry = Scans.Run(repo);

        registry.Entry("oban").Status.ShouldBe(Statuses.Core);
        registry.Entry("oban").Evidence.Select(e => (e.File, e.Line, e.Kind)).ShouldBe([("lib/app/worker.ex", 2, "code"), ("mix.exs", 7, "dependency")]);
        registry.Entry("appsignal").Status.ShouldBe(Statuses.DevOnly);
        registry.Has("sentry").ShouldBeFalse();
    }

    [Fact]
    public void Scan_PortsFromLaunchSettingsSpringAndPuma_BelongToTheirServices()
    {
        using var repo = new TempRepository("ports")
            .With("Api/Api.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\"></Project>")
            .With("Api/Properties/launchSettings.json", "{\"profiles\":{\"http\":{\"applicationUrl\": \"http://localhost:5080\"}}}")
            .With("orders/pom.xml", "<project><artifactId>orders</artifactId><build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>")
            .With("orders/src/main/resources/application.yml", "spring:\n  application:\n    name: orders\nserver:\n  port: 8081\n")
            .With("web/Gemfile", "source 'https://rubygems.org'\ngem 'rails'\ngem 'puma'\n")
            .With("web/config/puma.rb", "port ENV.fetch(\"PORT\") { 3000 }\n");

        var services = Scans.Run(repo).Services.ToDictionary(s => s.Path, s => s.Ports);

        services["Api"].ShouldBe([5080]);
        services["orders"].ShouldBe([8081]);
        services["web"].ShouldBe([3000]);
    }

    [Fact]
    public void Scan_SocialiteCredentialsOfAVendorNothingElseCalls_AreItsSignInEntry()
    {
        using var repo = new TempRepository("socialite")
            .With("config/services.php", "<?php\nreturn [\n    'slack' => [\n        'client_id' => env('SLACK_APP_ID', false),\n        'client_secret' => env('SLACK_APP_SECRET', false),\n        'auto_register' => env('SLACK_AUTO_REGISTER', false),\n    ],\n];\n")
            .With(".env.example", "SLACK_APP_ID=\nSLACK_AUTO_REGISTER=false\n");

        var registry = Scans.Run(repo);

        registry.Has("slack").ShouldBeFalse();
        registry.Entry("slack-oauth").Status.ShouldBe(Statuses.Optional);
        registry.Entry("slack-oauth").StatusReason.ShouldBe("optional: only the env var `SLACK_APP_ID` configures it, .env.example:1");
    }

    [Fact]
    public void Scan_OAuthCredentialsOfAnIntegrationTheCodeCalls_StayWithTheIntegration()
    {
        using var repo = new TempRepository("discord-integration")
            .With("hc/integrations/discord/views.py", "import requests\n\ndef send(url, text):\n    requests.post(\"https://discord.com/api/webhooks/\" + url, json={\"content\": text})\n")
            .With("docker/.env.example", "DISCORD_CLIENT_ID=\nDISCORD_CLIENT_SECRET=\n");

        var registry = Scans.Run(repo);

        registry.Has("discord-oauth").ShouldBeFalse();
        registry.Entry("discord").Evidence.ShouldContain(e => e.Detail == "DISCORD_CLIENT_ID");
    }

    [Fact]
    public void Scan_BackupDiskDefaultsToS3WhileTheDefaultDiskIsLocal_S3IsOptional()
    {
        using var repo = new TempRepository("backup-disk")
            .With("config/filesystems.php", "<?php\nreturn [\n    'default' => env('FILESYSTEM_DRIVER', 'local'),\n    'disks' => [\n        'backup' => [\n            'driver' => env('PF_BACKUP_DRIVER', 's3'),\n        ],\n    ],\n];\n");

        var entry = Scans.Run(repo).Entry("aws-s3");

        entry.Status.ShouldBe(Statuses.Optional);
        entry.StatusReason.ShouldStartWith("optional: selected by `PF_BACKUP_DRIVER defaults to s3` only with the feature its setting names, while `FILESYSTEM_DRIVER defaults to local` picks");
    }

    [Theory]
    [InlineData("QUEUE_CONNECTION=sync\n", "optional")]
    [InlineData("QUEUE_CONNECTION=redis\n", "core")]
    public void Scan_LaravelJobs_AreCoreOnABrokerAndOptionalWhenJobsRunInline(string env, string status)
    {
        using var repo = new TempRepository("laravel-jobs")
            .With("composer.json", "{\"name\":\"acme/app\",\"require\":{\"laravel/framework\":\"^11.0\"}}")
            .With("config/queue.php", "<?php\nreturn [\n    'default' => env('QUEUE_CONNECTION', 'sync'),\n];\n")
            .With("app/Jobs/SendMail.php", "<?php\nnamespace App\\Jobs;\n\nclass SendMail implements ShouldQueue\n{\n}\n")
            .With(".env.example", env);

        Scans.Run(repo).Entry("laravel-queue").Status.ShouldBe(status);
    }

    [Fact]
    public void Scan_HostInATranslationCatalog_IsNoEvidence()
    {
        using var repo = new TempRepository("i18n")
            .With("i18n/en.json", "{\"captcha\": \"Protected by hCaptcha, see https://hcaptcha.com/privacy\"}\n")
            .With("frontend/src/locales/de.json", "{\"captcha\": \"https://hcaptcha.com/privacy\"}\n");

        Scans.Run(repo).Has("hcaptcha").ShouldBeFalse();
    }

    [Fact]
    public void Scan_RustCfgFeatureAndTestModule_GuardAndTestTheirItems()
    {
        using var repo = new TempRepository("rust-cfg")
            .With("Cargo.toml", "[package]\nname = \"app\"\n")
            .With("src/storage.rs", "pub fn open(path: &str) {\n    #[cfg(s3)]\n    if path.len() > 0 {\n        s3::open(\"s3://bucket/data\");\n    }\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn opens() {\n        let _ = \"redis://localhost:6379\";\n    }\n}\n");

        var registry = Scans.Run(repo);

        registry.Entry("aws-s3").StatusReason.ShouldBe("optional: connection string `s3://bucket/data` only with `#[cfg(s3)]`, src/storage.rs:4");
        registry.Entry("redis").Status.ShouldBe(Statuses.TestOnly);
    }

    [Theory]
    [InlineData("  config.active_storage.service = ENV.fetch(\"ACTIVE_STORAGE_SERVICE\", \"local\").to_sym\n", "optional")]
    [InlineData("  config.active_storage.service = :amazon\n", "core")]
    public void Scan_ActiveStorageServices_AreOptionalUntilProductionPicksOne(string production, string status)
    {
        using var repo = new TempRepository("active-storage")
            .With("Gemfile", "source \"https://rubygems.org\"\ngem \"rails\"\n")
            .With("config/storage.yml", "local:\n  service: Disk\n  root: storage\n\namazon:\n  service: S3\n  bucket: <%= ENV[\"S3_BUCKET\"] %>\n")
            .With("config/environments/production.rb", "Rails.application.configure do\n" + production + "end\n");

        var entry = Scans.Run(repo).Entry("aws-s3");

        entry.Status.ShouldBe(status);
        if (status == "optional") entry.StatusReason.ShouldBe("optional: client code `service: S3` only with the Active Storage service `amazon`, used when `config.active_storage.service` picks it, config/storage.yml:6");
    }

    [Fact]
    public void Scan_HostAUrlIsComparedWith_IsNoUse()
    {
        using var repo = new TempRepository("compared")
            .With("app/views/upload.html.erb", "<% if URI.parse(params[:url]).host == 'site.s3.amazonaws.com' %>\n  <p>processing</p>\n<% end %>\n")
            .With("app/lib/links.ts", "export const isSlack = (url: URL) => url.hostname.endsWith(\"hooks.slack.com\");\n");

        var registry = Scans.Run(repo);

        registry.Has("aws-s3").ShouldBeFalse();
        registry.Has("slack").ShouldBeFalse();
    }

    [Fact]
    public void Scan_ModuleCalledOnlyUnderASetting_IsOptionalWithTheCallersCondition()
    {
        using var repo = new TempRepository("callers-ts")
            .With("package.json", "{\"name\":\"app\",\"dependencies\":{\"@sentry/react\":\"8\"}}")
            .With("app/utils/sentry.ts", "import * as Sentry from \"@sentry/react\";\n\nexport function initSentry() {\n  Sentry.init({ dsn: env.SENTRY_DSN });\n}\n")
            .With("app/utils/Logger.ts", "import * as Sentry from \"@sentry/react\";\n\nexport const report = (e: Error) => Sentry.captureException(e);\n")
            .With("app/index.tsx", "import { initSentry } from \"./utils/sentry\";\n\nif (env.SENTRY_DSN) {\n  initSentry();\n}\n")
            // A module of the same name elsewhere is not the one app/index.tsx imports.
            .With("server/logging/Logger.ts", "import Sentry from \"@server/logging/sentry\";\n\nSentry.flush();\n");

        var entry = Scans.Run(repo).Entry("sentry");

        entry.Status.ShouldBe(Statuses.Optional);
        entry.StatusReason.ShouldBe("optional: client code `Sentry.init` only with `env.SENTRY_DSN` where app/index.tsx:4 uses sentry, app/utils/sentry.ts:4");
    }

    [Theory]
    [InlineData("        if (!String.IsNullOrEmpty(options.MaxMindGeoIpKey))\n            services.AddSingleton<IGeoIpService, MaxMindGeoIpService>();\n", "optional")]
    [InlineData("        services.AddSingleton<IGeoIpService, MaxMindGeoIpService>();\n", "core")]
    public void Scan_ServiceRegisteredOnlyWhenItsKeyIsSet_IsOptional(string registration, string status)
    {
        using var repo = new TempRepository("callers-cs")
            .With("src/Geo/MaxMindGeoIpService.cs", "using MaxMind.GeoIP2;\n\npublic sealed class MaxMindGeoIpService : IGeoIpService\n{\n}\n")
            .With("src/Bootstrapper.cs", "public static class Bootstrapper\n{\n    public static void Register(IServiceCollection services, AppOptions options)\n    {\n" + registration + "    }\n}\n");

        var entry = Scans.Run(repo).Entry("maxmind");

        entry.Status.ShouldBe(status);
        if (status == "optional") entry.StatusReason.ShouldBe("optional: imported (`MaxMind.GeoIP2`) only with `!String.IsNullOrEmpty(options.MaxMindGeoIpKey)` where src/Bootstrapper.cs:6 uses MaxMindGeoIpService, src/Geo/MaxMindGeoIpService.cs:1");
    }

    [Fact]
    public void Scan_VendorUsedOnlyInAnOperatorCommand_IsOptional()
    {
        using var repo = new TempRepository("operator")
            .With("hc/api/management/commands/settelegramwebhook.py", "import requests\n\n\ndef handle():\n    requests.post(\"https://api.telegram.org/bot/setWebhook\")\n");

        var entry = Scans.Run(repo).Entry("telegram");

        entry.Status.ShouldBe(Statuses.Optional);
        entry.StatusReason.ShouldBe("optional: API host `api.telegram.org` only with the operator command `hc/api/management/commands/settelegramwebhook.py`, run by hand, hc/api/management/commands/settelegramwebhook.py:5");
    }

    [Fact]
    public void Scan_AuthMethodSettingPicksStandardLogin_LdapSupportIsAnAlternative()
    {
        using var repo = new TempRepository("auth-method")
            .With("app/Config/auth.php", "<?php\nreturn [\n    'method' => env('AUTH_METHOD', 'standard'),\n];\n")
            .With("app/Access/LdapService.php", "<?php\nclass LdapService\n{\n    public function connect($serverString)\n    {\n        return ldap_connect(\"ldap://{$serverString}\");\n    }\n}\n")
            .With(".env.example", "AUTH_METHOD=standard\n");

        var entry = Scans.Run(repo).Entry("ldap");

        entry.Status.ShouldBe(Statuses.Optional);
        entry.StatusReason!.ShouldContain("an alternative: `AUTH_METHOD=standard` picks standard (.env.example:1)");
    }

    [Theory]
    [InlineData("app/analytics.ts", "export function load() {\n  if (!env.GOOGLE_ANALYTICS_ID) {\n    return;\n  }\n  const s = document.createElement(\"script\");\n  s.src = \"https://www.google-analytics.com/analytics.js\";\n}\n", "`env.GOOGLE_ANALYTICS_ID` (an early return otherwise)")]
    [InlineData("app/analytics.py", "def load():\n    if not settings.GA_ID:\n        return\n    fetch(\"https://www.google-analytics.com/collect\")\n", "`settings.GA_ID` (an early return otherwise)")]
    [InlineData("app/analytics.rb", "def load\n  return unless ENV[\"GA_ID\"].present?\n  get(\"https://www.google-analytics.com/collect\")\nend\n", "`ENV[\"GA_ID\"].present?` (an early return otherwise)")]
    public void Scan_GuardClauseOverASettingEarlierInTheBlock_GuardsTheUse(string path, string code, string guard)
    {
        using var repo = new TempRepository("early-return").With(path, code);

        var entry = Scans.Run(repo).Entry("google-analytics");

        entry.Status.ShouldBe(Statuses.Optional);
        entry.StatusReason!.ShouldContain(guard);
    }

    [Fact]
    public void Scan_GuardClauseOverData_GuardsNothing()
    {
        using var repo = new TempRepository("early-return-data")
            .With("app/track.ts", "export function track(user: User) {\n  if (!user) {\n    return;\n  }\n  fetch(\"https://www.google-analytics.com/collect\");\n}\n");

        Scans.Run(repo).Entry("google-analytics").Status.ShouldBe(Statuses.Core);
    }

    [Theory]
    [InlineData("MAIL_HOST=localhost\n", false)]
    [InlineData("MAIL_PORT=587\n", true)]
    public void Scan_HostThatIsOnlyTheDefaultOfASettingTheDeploymentSets_IsNoEvidence(string env, bool found)
    {
        using var repo = new TempRepository("stock-default")
            .With("config/mail.php", "<?php\nreturn [\n    'host' => env('MAIL_HOST', 'smtp.mailgun.org'),\n];\n")
            .With(".env.example", env);

        Scans.Run(repo).Has("mailgun").ShouldBe(found);
    }

    [Fact]
    public void Scan_FeatureDefinedByThePresenceOfItsKey_MakesTheVendorOptional()
    {
        using var repo = new TempRepository("switch-cs")
            .With("src/Configuration/IntercomOptions.cs", "public sealed class IntercomOptions\n{\n    public bool EnableIntercom => !String.IsNullOrEmpty(IntercomSecret);\n    public string? IntercomSecret { get; set; }\n}\n")
            .With("src/Web/Program.cs", "var builder = WebApplication.CreateBuilder(args);\nbuilder.Services.AddHttpClient(\"intercom\", c => c.BaseAddress = new Uri(\"https://api.intercom.io/\"));\n");

        var entry = Scans.Run(repo).Entry("intercom");

        entry.Status.ShouldBe(Statuses.Optional);
        entry.StatusReason.ShouldBe("optional: API host `api.intercom.io` only with `EnableIntercom => !String.IsNullOrEmpty(IntercomSecret)` (src/Configuration/IntercomOptions.cs:3), src/Web/Program.cs:2");
    }

    [Theory]
    [InlineData("        if (String.Equals(options.Provider, \"sqs\"))\n            return CreateQueue(options);\n        return null;\n", "optional")]
    [InlineData("        return CreateQueue(options);\n", "core")]
    public void Scan_UseInAPrivateHelperCalledOnlyUnderASetting_IsGuardedByTheCall(string body, string status)
    {
        using var repo = new TempRepository("local-callers")
            .With("src/Bootstrapper.cs", "public static class Bootstrapper\n{\n    public static object? Register(QueueOptions options)\n    {\n" + body + "    }\n\n    private static object CreateQueue(QueueOptions options)\n    {\n        return new SQSQueue<object>(new SQSQueueOptions<object> { Name = options.Name });\n    }\n}\n");

        var entry = Scans.Run(repo).Entry("aws-sqs");

        entry.Status.ShouldBe(status);
        if (status == "optional") entry.StatusReason!.ShouldContain("where `CreateQueue` is called");
    }

    [Fact]
    public void Scan_RustUseUnderAConfigLookup_IsGuarded()
    {
        using var repo = new TempRepository("rust-config")
            .With("src/api/breach.rs", "pub async fn breach(user: &str) -> Result<()> {\n    if let Some(api_key) = CONFIG.hibp_api_key() {\n        let url = format!(\n            \"https://haveibeenpwned.com/api/v3/breachedaccount/{user}\"\n        );\n        get(&url, api_key).await?;\n    }\n    Ok(())\n}\n");

        Scans.Run(repo).Entry("haveibeenpwned").Status.ShouldBe(Statuses.Optional);
    }

    [Fact]
    public void Scan_TwoSignInProvidersInOneFile_AreEachOneChoice()
    {
        using var repo = new TempRepository("sign-in-list")
            .With("src/Security/OAuthClient.cs", "public sealed class OAuthClient\n{\n    public object Facebook(Factory f, Config c) => new FacebookClient(f, c);\n    public object Microsoft(Factory f, Config c) => new WindowsLiveClient(f, c);\n}\n");

        var registry = Scans.Run(repo);

        registry.Entry("facebook-login").Status.ShouldBe(Statuses.Optional);
        registry.Entry("entra-id").Status.ShouldBe(Statuses.Optional);
    }

    [Fact]
    public void Scan_SpringBootStarterAndEmbeddedDatabase_AreUsesWithoutCode()
    {
        const string pom = "<project>\n  <artifactId>vets-service</artifactId>\n  <dependencies>\n"
            + "    <dependency>\n      <groupId>org.springframework.boot</groupId>\n      <artifactId>spring-boot-starter-data-jpa</artifactId>\n    </dependency>\n"
            + "    <dependency>\n      <groupId>org.springframework.ai</groupId>\n      <artifactId>spring-ai-starter-model-openai</artifactId>\n    </dependency>\n"
            + "    <dependency>\n      <groupId>org.hsqldb</groupId>\n      <artifactId>hsqldb</artifactId>\n      <scope>runtime</scope>\n    </dependency>\n"
            + "  </dependencies>\n</project>\n";
        using var repo = new TempRepository("spring-starters").With("vets-service/pom.xml", pom);

        var registry = Scans.Run(repo);

        registry.Entry("openai").StatusReason.ShouldBe("core: auto-configured by Spring Boot (`org.springframework.ai:spring-ai-starter-model-openai`), vets-service/pom.xml:10");
        registry.Entry("hsqldb").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_EmbeddedDatabaseWithoutADataStarter_StaysADeclaration()
    {
        const string pom = "<project>\n  <artifactId>tool</artifactId>\n  <dependencies>\n"
            + "    <dependency>\n      <groupId>org.hsqldb</groupId>\n      <artifactId>hsqldb</artifactId>\n    </dependency>\n"
            + "  </dependencies>\n</project>\n";
        using var repo = new TempRepository("hsqldb-plain").With("tool/pom.xml", pom);

        Scans.Run(repo).Entry("hsqldb").Status.ShouldBe(Statuses.Unconfirmed);
    }

    [Fact]
    public void Scan_FileNamedForAVendorInASecondFactorFolder_IsOneOfSeveral()
    {
        using var repo = new TempRepository("two-factor")
            .With("src/api/core/two_factor/duo_oidc.rs", "pub async fn health(host: &str) -> bool {\n    get(&format!(\"https://{host}/oauth/v1/health_check\")).await.is_ok()\n}\n");

        var entry = Scans.Run(repo).Entry("duo");

        entry.Status.ShouldBe(Statuses.Optional);
        entry.StatusReason!.ShouldContain("one of several integrations in src/api/core/two_factor/");
    }

    [Fact]
    public void Scan_HostPresetsListedInASettingsView_AreNoUse()
    {
        using var repo = new TempRepository("presets")
            .With("frontend/src/views/settings/smtp.vue", "<script>\nconst presets = [\n  { name: 'Mailgun', host: 'smtp.mailgun.org' },\n  { name: 'Mailjet', host: 'in-v3.mailjet.com' },\n  { name: 'SendGrid', host: 'smtp.sendgrid.net' },\n];\n</script>\n");

        var registry = Scans.Run(repo);

        registry.Has("mailgun").ShouldBeFalse();
        registry.Has("mailjet").ShouldBeFalse();
    }

    [Fact]
    public void Scan_UseUnderAnEnabledPredicate_IsGuarded()
    {
        using var repo = new TempRepository("enabled-predicate")
            .With("app/models/billing.rb", "class Billing\n  def charge\n    if stripe_enabled?\n      post(\"https://api.stripe.com/v1/charges\")\n    end\n  end\nend\n");

        Scans.Run(repo).Entry("stripe").StatusReason.ShouldStartWith("optional: API host `api.stripe.com` only with `stripe_enabled?`");
    }

    [Fact]
    public void Scan_OAuthFlowInsideAnIntegrationModule_IsThatIntegration()
    {
        using var repo = new TempRepository("integration-oauth")
            .With("hc/integrations/slack/views.py", "def add(request):\n    return redirect(\"https://slack.com/oauth/v2/authorize?scope=incoming-webhook\")\n");

        var registry = Scans.Run(repo);

        registry.Has("slack-oauth").ShouldBeFalse();
        registry.Entry("slack").Status.ShouldBe(Statuses.Optional);
    }

    [Fact]
    public void Scan_UseInAnElseIfBranch_NamesThatBranchesOwnCondition()
    {
        using var repo = new TempRepository("else-if")
            .With("src/storage.ts", "export function client() {\n  if (process.env.STORAGE === \"gcs\") {\n    return gcs();\n  } else if (process.env.STORAGE === \"s3\") {\n    return new S3Client({});\n  }\n}\n");

        Scans.Run(repo).Entry("aws-s3").StatusReason.ShouldBe("optional: client code `new S3Client` only with `process.env.STORAGE === \"s3\"`, src/storage.ts:5");
    }
}
