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

    [Theory]
    // A value that qualifies a selector names it (smtp-auth is SMTP); a cloud's name qualified is another product.
    [InlineData("MAIL_TRANSPORT=smtp-auth\n", "smtp", "core")]
    [InlineData("MAIL_TRANSPORT=sendgrid\n", "smtp", "optional")]
    public void Scan_SelectorValueWithAQualifier_PicksTheTechnology(string env, string id, string status)
    {
        using var repo = new TempRepository("qualified")
            .With(".env.example", env)
            .With("server/mail/smtp.ts", "import nodemailer from 'nodemailer';\nexport const transport = nodemailer.createTransport({ host: process.env.SMTP_HOST });\n")
            .With("server/mail/sendgrid.ts", "import sgMail from '@sendgrid/mail';\nexport const send = (m) => sgMail.send(m);\n");

        Scans.Run(repo).Entry(id).Status.ShouldBe(status);
    }

    [Fact]
    public void Scan_GoSwitchOverADriverSetting_GuardsEveryCaseAndTheFlagDefaultIsCore()
    {
        const string mod = "module example.com/app\n\ngo 1.22\n\nrequire (\n\tmodernc.org/sqlite v1.0.0\n\tgithub.com/go-sql-driver/mysql v1.0.0\n\tgithub.com/lib/pq v1.0.0\n)\n";
        using var repo = new TempRepository("go-driver-switch")
            .With("go.mod", mod)
            .With("cmd/app/main.go", "package main\n\nfunc init() {\n\tviper.SetDefault(\"driver\", \"sqlite\")\n\trootCmd.Flags().String(\"driver\", \"sqlite\", \"database driver\")\n}\n")
            .With("store/db/db.go", "package db\n\nimport (\n\t\"example.com/app/store/db/mysql\"\n\t\"example.com/app/store/db/postgres\"\n\t\"example.com/app/store/db/sqlite\"\n)\n\nfunc New(profile *Profile) {\n\tswitch profile.Driver {\n\tcase \"sqlite\":\n\t\tsqlite.NewDB(profile)\n\tcase \"mysql\":\n\t\tmysql.NewDB(profile)\n\tcase \"postgres\":\n\t\tpostgres.NewDB(profile)\n\t}\n}\n")
            // A file named for its package imports the driver under the same name: still the package's own code.
            .With("store/db/mysql/mysql.go", "package mysql\n\nimport (\n\t\"github.com/go-sql-driver/mysql\"\n)\n\nfunc NewDB(p any) { mysql.ParseDSN(\"\") }\n")
            .With("store/db/mysql/user.go", "package mysql\n\nimport (\n\t\"github.com/go-sql-driver/mysql\"\n)\n\nfunc Users() { mysql.ParseDSN(\"\") }\n")
            .With("store/db/postgres/postgres.go", "package postgres\n\nimport (\n\t_ \"github.com/lib/pq\"\n)\n\nfunc NewDB(p any) {}\n")
            .With("store/db/sqlite/sqlite.go", "package sqlite\n\nimport (\n\t_ \"modernc.org/sqlite\"\n)\n\nfunc NewDB(p any) {}\n");

        var registry = Scans.Run(repo);

        registry.Entry("mysql").StatusReason!.ShouldStartWith("optional: imported (`github.com/go-sql-driver/mysql`) only with `profile.Driver` = \"mysql\" where store/db/db.go:14 uses mysql");
        registry.Entry("postgresql").StatusReason!.ShouldStartWith("optional: imported (`github.com/lib/pq`) only with `profile.Driver` = \"postgres\" where store/db/db.go:16 uses postgres");
        registry.Entry("sqlite").Status.ShouldBe(Statuses.Core);
        registry.Entry("sqlite").Evidence.ShouldContain(e => e.Detail == "driver defaults to sqlite" && e.File == "cmd/app/main.go" && e.Line == 4);
    }

    [Fact]
    public void Scan_TsPatternArmOverASetting_GuardsItsProvider()
    {
        using var repo = new TempRepository("ts-pattern")
            .With(".env.example", "JOBS_PROVIDER=local\n")
            .With("jobs/client.ts", "import { match } from 'ts-pattern';\nimport { BullMQJobProvider } from './bullmq';\nimport { InngestJobProvider } from './inngest';\nimport { LocalJobProvider } from './local';\n\nexport const provider = match(process.env.JOBS_PROVIDER)\n  .with('bullmq', () => BullMQJobProvider.getInstance())\n  .with('inngest', () =>\n    InngestJobProvider.getInstance())\n  .otherwise(() => LocalJobProvider.getInstance());\n")
            .With("jobs/bullmq.ts", "import { Queue } from 'bullmq';\n\nexport class BullMQJobProvider {\n  static getInstance() {\n    return new Queue('jobs');\n  }\n}\n")
            // A lazily built singleton is no condition over a setting: the arm that builds it is.
            .With("jobs/inngest.ts", "import { Inngest } from 'inngest';\n\nexport class InngestJobProvider {\n  static _instance;\n  static getInstance() {\n    if (!InngestJobProvider._instance) {\n      InngestJobProvider._instance = new Inngest({ id: 'app' });\n    }\n    return InngestJobProvider._instance;\n  }\n}\n")
            .With("jobs/local.ts", "export class LocalJobProvider { static getInstance() { return new LocalJobProvider(); } }\n");

        var registry = Scans.Run(repo);

        registry.Entry("bullmq").StatusReason.ShouldBe("optional: imported (`bullmq`) only with `process.env.JOBS_PROVIDER` = 'bullmq' where jobs/client.ts:7 uses bullmq, jobs/bullmq.ts:1");
        registry.Entry("inngest").StatusReason!.ShouldStartWith("optional: imported (`inngest`) only with `process.env.JOBS_PROVIDER` = 'inngest' where jobs/client.ts:9 uses inngest");
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
}
