using Panoptic.Scanner.Registry;
using Panoptic.TestUtilities;
using Shouldly;
using Xunit;

namespace Panoptic.Scanner.Tests.Registry;

/// <summary>Whose evidence a sighting is (a sign-in, an integration, a Spring starter) and which sightings are no evidence at all.</summary>
public class EvidenceOwnershipTests
{
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
    public void Scan_HostInATranslationCatalog_IsNoEvidence()
    {
        using var repo = new TempRepository("i18n")
            .With("i18n/en.json", "{\"captcha\": \"Protected by hCaptcha, see https://hcaptcha.com/privacy\"}\n")
            .With("frontend/src/locales/de.json", "{\"captcha\": \"https://hcaptcha.com/privacy\"}\n");

        Scans.Run(repo).Has("hcaptcha").ShouldBeFalse();
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
    public void Scan_SecondFactorFileNamedForTheProductAndAnErrorTypeImport_AreOneOfSeveral()
    {
        using var repo = new TempRepository("yubikey")
            .With("Cargo.toml", "[package]\nname = \"app\"\n\n[dependencies]\nyubico_ng = \"1.0\"\n")
            .With("src/api/core/two_factor/yubikey.rs", "use yubico_ng::Yubico;\n\npub fn verify(otp: &str) {\n    Yubico::new().verify(otp);\n}\n")
            // Converting the library's error type uses no YubiKey.
            .With("src/error.rs", "use yubico_ng::error::YubicoError as YubiErr;\n\npub enum Error {\n    Yubico(YubiErr),\n}\n");

        var entry = Scans.Run(repo).Entry("yubico");

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
    public void Scan_OAuthFlowInsideAnIntegrationModule_IsThatIntegration()
    {
        using var repo = new TempRepository("integration-oauth")
            .With("hc/integrations/slack/views.py", "def add(request):\n    return redirect(\"https://slack.com/oauth/v2/authorize?scope=incoming-webhook\")\n");

        var registry = Scans.Run(repo);

        registry.Has("slack-oauth").ShouldBeFalse();
        registry.Entry("slack").Status.ShouldBe(Statuses.Optional);
    }
}
