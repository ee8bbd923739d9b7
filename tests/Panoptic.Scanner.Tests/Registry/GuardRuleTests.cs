using Panoptic.Scanner.Registry;
using Panoptic.TestUtilities;
using Shouldly;
using Xunit;

namespace Panoptic.Scanner.Tests.Registry;

/// <summary>Conditions a use runs under, found around it, earlier in its block, at its callers or in a switch that names it.</summary>
public class GuardRuleTests
{
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

    [Theory]
    [InlineData("    if settings.STATSD_HOST:\n        return StatsClient(host=settings.STATSD_HOST)\n    return NoopClient()\n", "optional")]
    [InlineData("    return StatsClient(host=settings.STATSD_HOST)\n", "core")]
    public void Scan_ImportThatOnlyNamesABaseType_FollowsTheGuardOfTheClientsImport(string body, string status)
    {
        using var repo = new TempRepository("type-import")
            .With("requirements.txt", "statsd==4.0.1\n")
            .With("hc/lib/statsd.py", "from django.conf import settings\nfrom statsd.client.base import StatsClientBase\nfrom statsd.client.udp import StatsClient\n\n\nclass NoopClient(StatsClientBase):\n    pass\n\n\ndef get_client() -> StatsClientBase:\n" + body);

        Scans.Run(repo).Entry("statsd").Status.ShouldBe(status);
    }

    [Fact]
    public void Scan_UseAfterAGuardOnAConfiguredIntegration_IsOptional()
    {
        using var repo = new TempRepository("integration-guard")
            .With("package.json", "{\"name\":\"app\"}")
            .With("app/components/Analytics.tsx", "export function track(integrations: Integration[]) {\n  integrations.forEach((integration) => {\n    if (integration.service !== IntegrationService.Matomo) {\n      return;\n    }\n    window._paq.push([\"trackPageView\"]);\n  });\n}\n");

        Scans.Run(repo).Entry("matomo").StatusReason.ShouldBe("optional: client code `_paq.push` only with `integration.service === IntegrationService.Matomo` (an early return otherwise), app/components/Analytics.tsx:6");
    }

    [Theory]
    [InlineData("    if ChatApi.Emails.Debounce.enabled?() do\n      ChatApi.Emails.Debounce.valid?(email)\n    else\n      nil\n    end\n", "optional")]
    [InlineData("    ChatApi.Emails.Debounce.enabled?() &&\n      !ChatApi.Emails.Debounce.disposable?(email) &&\n      ChatApi.Emails.Debounce.valid?(email)\n", "optional")]
    [InlineData("    ChatApi.Emails.Debounce.valid?(email)\n", "core")]
    public void Scan_ElixirModuleCalledOnlyWhenEnabled_IsOptional(string body, string status)
    {
        using var repo = new TempRepository("callers-ex")
            .With("mix.exs", "defmodule ChatApi.MixProject do\nend\n")
            .With("lib/chat_api/emails/debounce.ex", "defmodule ChatApi.Emails.Debounce do\n  use Tesla\n\n  plug Tesla.Middleware.BaseUrl, \"https://api.debounce.io/v1\"\n\n  def enabled?(), do: System.get_env(\"DEBOUNCE_IO_API_KEY\") != nil\nend\n")
            .With("lib/chat_api/users.ex", "defmodule ChatApi.Users do\n  alias ChatApi.Emails.Debounce\n\n  def has_valid_email?(email) do\n" + body + "  end\nend\n");

        Scans.Run(repo).Entry("debounce-io").Status.ShouldBe(status);
    }

    [Theory]
    [InlineData("\tcase service == \"ses\" && a.bounce.SES != nil:\n", "optional")]
    [InlineData("\tcase err != nil:\n\t\treturn err\n\tdefault:\n", "core")]
    [InlineData("\tcase service == \"ses\" && a.bounce.SES != nil:\n", "optional", "switch true {")]
    public void Scan_GoTaglessSwitchCase_IsTheConditionOfItsBody(string caseLine, string status, string header = "switch {")
    {
        using var repo = new TempRepository("go-tagless")
            .With("go.mod", "module example.com/app\n")
            .With("cmd/bounce.go", "package main\n\nfunc handle(service string, err error) error {\n\t" + header + "\n\tcase service == \"\":\n\t\treturn nil\n" + caseLine + "\t\tkind := header.Get(\"X-Amz-Sns-Message-Type\")\n\t\t_ = kind\n\t}\n\treturn nil\n}\n");

        Scans.Run(repo).Entry("aws-sns").Status.ShouldBe(status);
    }

    [Fact]
    public void Scan_UseUnderAConditionWrittenOverSeveralLines_IsGuardedByAllOfIt()
    {
        using var repo = new TempRepository("multi-line-if")
            .With("composer.json", "{\"name\":\"app/app\"}")
            .With("app/Http/Controllers/LoginController.php", "<?php\nclass LoginController\n{\n    public function rules()\n    {\n        if(\n            config('captcha.enabled') ||\n            config('captcha.active.login')\n        ) {\n            $rules['h-captcha-response'] = 'required|captcha';\n        }\n    }\n}\n");

        Scans.Run(repo).Entry("hcaptcha").Status.ShouldBe(Statuses.Optional);
    }

    [Theory]
    [InlineData("        abort_unless((\n            config('remote-auth.mastodon.enabled')\n        ), 404);\n", "optional")]
    [InlineData("        abort_unless($request->user(), 403);\n", "core")]
    public void Scan_LaravelAbortUnlessASetting_GuardsTheRestOfTheMethod(string guard, string status)
    {
        using var repo = new TempRepository("abort-unless")
            .With("composer.json", "{\"name\":\"app/app\"}")
            .With("app/Http/Controllers/RemoteAuthController.php", "<?php\nclass RemoteAuthController\n{\n    public function start($request)\n    {\n" + guard + "        $domain = $request->input('domain');\n        return Http::post('https://' . $domain . '/api/v1/apps');\n    }\n}\n");

        Scans.Run(repo).Entry("mastodon-oauth").Status.ShouldBe(status);
    }

    [Theory]
    [InlineData("env('DRAWIO', !env('DISABLE_EXTERNAL_SERVICES', false))", "core")]
    [InlineData("env('DRAWIO', true)", "core")]
    [InlineData("env('DRAWIO', false)", "optional")]
    public void Scan_UseUnderALaravelSettingOnByDefault_IsNotGuarded(string definition, string status)
    {
        using var repo = new TempRepository("on-by-default")
            .With("composer.json", "{\"name\":\"app/app\"}")
            .With("app/Config/services.php", "<?php\n\nreturn [\n    'drawio' => " + definition + ",\n];\n")
            .With("resources/views/pages/form.blade.php", "<div\n     @if(config('services.drawio'))\n        drawio-url=\"{{ is_string(config('services.drawio')) ? config('services.drawio') : 'https://embed.diagrams.net/?embed=1' }}\"\n     @endif\n></div>\n");

        Scans.Run(repo).Entry("diagrams-net").Status.ShouldBe(status);
    }

    [Theory]
    [InlineData("src/config.rs", "make_config! {\n    push {\n        /// Enable push notifications\n        push_enabled: bool, false, def, false;\n        /// Push relay uri\n        push_relay_uri: String, false, def, \"https://api.openai.com/v1\".to_owned();\n    },\n}\n", "`push_enabled` off by default (src/config.rs:4)")]
    [InlineData("config/settings.yaml", "assistant:\n  enabled: false\n  url: https://api.openai.com/v1\n", "`enabled` off by default (config/settings.yaml:2)")]
    [InlineData("config/services.php", "<?php\nreturn [\n    'assistant' => [\n        'url' => 'https://api.openai.com/v1',\n        'enabled' => env('ASSISTANT_ENABLED', false),\n    ],\n];\n", "`enabled` off by default (config/services.php:5)")]
    [InlineData("config/app.env", "ASSISTANT_ENABLED=false\nASSISTANT_URL=https://api.openai.com/v1\n", "`ASSISTANT_ENABLED` off by default (config/app.env:1)")]
    public void Scan_SettingInAGroupSwitchedOffByDefault_IsOptional(string path, string text, string guard)
    {
        using var repo = new TempRepository("off-switch").With(path, text);

        var entry = Scans.Run(repo).Entry("openai");

        entry.Status.ShouldBe(Statuses.Optional);
        entry.StatusReason!.ShouldContain(guard);
    }

    [Theory]
    [InlineData("config/koel.php", "<?php\nreturn [\n    'assistant' => [\n        'token' => env('ASSISTANT_TOKEN'),\n        'endpoint' => 'https://api.openai.com/v1',\n    ],\n];\n", "optional")]
    // A credential with a default, or an endpoint outside a settings file, says nothing about who sets it.
    [InlineData("config/koel.php", "<?php\nreturn [\n    'assistant' => [\n        'token' => env('ASSISTANT_TOKEN', 'public'),\n        'endpoint' => 'https://api.openai.com/v1',\n    ],\n];\n", "core")]
    [InlineData("app/Assistant.php", "<?php\n$options = [\n    'token' => env('ASSISTANT_TOKEN'),\n    'endpoint' => 'https://api.openai.com/v1',\n];\n", "core")]
    public void Scan_EndpointBesideACredentialInASettingsGroup_IsOptional(string path, string text, string status)
    {
        using var repo = new TempRepository("credential-gate").With(path, text);

        var entry = Scans.Run(repo).Entry("openai");

        entry.Status.ShouldBe(status);
        if (status == "optional") entry.StatusReason.ShouldBe("optional: API host `api.openai.com` only with `ASSISTANT_TOKEN` set (config/koel.php:4), config/koel.php:5");
    }

    [Theory]
    [InlineData("config/settings.yaml", "assistant:\n  enabled: true\n  url: https://api.openai.com/v1\n")]
    // A switch of something else in the group, or one a level down, does not turn the group off.
    [InlineData("config/settings.yaml", "assistant:\n  webhooks_enabled: false\n  url: https://api.openai.com/v1\n")]
    [InlineData("config/settings.yaml", "assistant:\n  url: https://api.openai.com/v1\n  cache:\n    enabled: false\n")]
    [InlineData("config/app.env", "MAILER_ENABLED=false\nASSISTANT_URL=https://api.openai.com/v1\n")]
    public void Scan_SettingBesideNoSwitchOfItsOwnGroup_StaysCore(string path, string text)
    {
        using var repo = new TempRepository("off-switch-not").With(path, text);

        Scans.Run(repo).Entry("openai").Status.ShouldBe(Statuses.Core);
    }

    [Theory]
    [InlineData("\tif opt.MailboxEnabled {\n\t\tmailbox.NewPOP(opt.Mailbox)\n\t}\n", "optional")]
    [InlineData("\tmailbox.NewPOP(opt.Mailbox)\n", "core")]
    public void Scan_GoPackageCalledOnlyUnderASetting_IsOptional(string body, string status)
    {
        using var repo = new TempRepository("go-callers")
            .With("go.mod", "module example.com/app\n\ngo 1.22\n\nrequire github.com/knadh/go-pop3 v1.0.2\n")
            .With("internal/mailbox/pop.go", "package mailbox\n\nimport (\n\t\"github.com/knadh/go-pop3\"\n)\n\ntype Opt struct{ Host string }\n\nfunc NewPOP(o Opt) *pop3.Client {\n\treturn pop3.New(pop3.Opt{Host: o.Host})\n}\n")
            // Naming the package's type (mailbox.Opt) runs none of its code; only the call decides.
            .With("internal/bounce/bounce.go", "package bounce\n\nimport (\n\t\"example.com/app/internal/mailbox\"\n)\n\ntype Opt struct {\n\tMailbox        mailbox.Opt\n\tMailboxEnabled bool\n}\n\nfunc New(opt Opt) {\n" + body + "}\n");

        var entry = Scans.Run(repo).Entry("pop3");

        entry.Status.ShouldBe(status);
        if (status == "optional") entry.StatusReason!.ShouldContain("`opt.MailboxEnabled` where internal/bounce/bounce.go:14 uses mailbox");
    }

    [Fact]
    public void Scan_VendorNamedFilesSideBySide_AreIntegrationsEvenWithoutAHost()
    {
        const string handler = "package webhooks\n\nfunc Handle(body []byte) error { return nil }\n";
        using var repo = new TempRepository("vendor-files")
            .With("go.mod", "module example.com/app\n")
            .With("internal/webhooks/sendgrid.go", handler)
            .With("internal/webhooks/postmark.go", handler)
            .With("internal/webhooks/mailgun.go", handler)
            // Two vendor-named files are not yet a list of integrations; pictures of vendors are none at all.
            .With("internal/notify/twilio.go", handler)
            .With("internal/notify/vonage.go", handler)
            .With("web/icons/stripe.go", handler)
            .With("web/icons/paypal.go", handler)
            .With("web/icons/github.go", handler)
            // The role a file plays beside the vendor's name (SparkpostSender) still names the vendor.
            .With("internal/senders/SparkpostSender.go", handler)
            .With("internal/senders/ResendSender.go", handler)
            .With("internal/senders/BrevoSender.go", handler);

        var registry = Scans.Run(repo);

        var sendgrid = registry.Entry("sendgrid");
        sendgrid.Status.ShouldBe(Statuses.Optional);
        sendgrid.StatusReason.ShouldBe("optional: an integration module (`internal/webhooks/`) only with one of several integrations in internal/webhooks/, internal/webhooks/sendgrid.go:1");
        registry.Has("postmark").ShouldBeTrue();
        registry.Has("mailgun").ShouldBeTrue();
        registry.Entry("sparkpost").StatusReason.ShouldBe("optional: an integration module (`internal/senders/`) only with one of several integrations in internal/senders/, internal/senders/SparkpostSender.go:1");
        registry.Has("resend").ShouldBeTrue();
        registry.Has("brevo").ShouldBeTrue();
        registry.Has("twilio").ShouldBeFalse();
        registry.Has("stripe").ShouldBeFalse();
    }

    [Theory]
    [InlineData("app/rewrites.ts", "const cloudMode = process.env.CLOUD_MODE;\n\nif (cloudMode) {\n  rewrites.push({\n    destination: \"https://api.openai.com/v1\",\n  });\n}\n", "`cloudMode`")]
    [InlineData("app/rewrites.ts", "const cloudMode = process.env.CLOUD_MODE;\nconst isProd = process.env.NODE_ENV === \"production\";\n\nif (isProd && cloudMode) {\n  fetch(\"https://api.openai.com/v1\");\n}\n", "`isProd && cloudMode`")]
    [InlineData("app/assist.py", "import os\n\nUSE_ASSISTANT = os.environ.get(\"USE_ASSISTANT\")\n\n\ndef ask():\n    if USE_ASSISTANT:\n        requests.post(\"https://api.openai.com/v1/chat\")\n", "`USE_ASSISTANT`")]
    [InlineData("app/assist.go", "package app\n\nfunc Ask() {\n\tassistant := os.Getenv(\"ASSISTANT\") != \"\"\n\tif assistant {\n\t\thttp.Post(\"https://api.openai.com/v1/chat\", \"\", nil)\n\t}\n}\n", "`assistant`")]
    public void Scan_ConditionOverANameTheFileReadsFromAnEnvVar_GuardsTheUse(string path, string code, string guard)
    {
        using var repo = new TempRepository("env-alias").With(path, code);

        var entry = Scans.Run(repo).Entry("openai");

        entry.Status.ShouldBe(Statuses.Optional);
        entry.StatusReason!.ShouldContain($"only with {guard}");
    }

    [Theory]
    // A production check alone runs in every production deployment; a name not read from the environment is data.
    [InlineData("const isProd = process.env.NODE_ENV === \"production\";\n\nif (isProd) {\n  fetch(\"https://api.openai.com/v1\");\n}\n")]
    [InlineData("const cloudMode = process.env.CLOUD_MODE;\n\nexport function ask(user) {\n  if (user) {\n    fetch(\"https://api.openai.com/v1\");\n  }\n}\n")]
    public void Scan_ProductionCheckOrDataCondition_StaysCore(string code)
    {
        using var repo = new TempRepository("env-alias-not").With("app/rewrites.ts", code);

        Scans.Run(repo).Entry("openai").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_ImportNamedInAMessage_IsGuardedByItsRealUse()
    {
        using var repo = new TempRepository("import-in-message")
            .With("app/auth.py", "from authlib.integrations.starlette_client import OAuth\n\nif settings.OIDC_READY:\n    oauth = OAuth()\n\n\ndef fail():\n    raise ValueError(\"Could not initialize OAuth client\")\n")
            .With("app/directory.py", "import ldap\n\n\ndef bind(url):\n    return ldap.initialize(url)\n");

        var registry = Scans.Run(repo);

        registry.Entry("oidc").StatusReason.ShouldBe("optional: imported (`authlib.integrations.starlette_client`) only with `settings.OIDC_READY`, app/auth.py:1");
        // python-ldap's module is `ldap`.
        registry.Entry("ldap").StatusReason.ShouldBe("core: imported (`ldap`) in product code, app/directory.py:1");
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
    public void Scan_UseUnderAnEnabledPredicate_IsGuarded()
    {
        using var repo = new TempRepository("enabled-predicate")
            .With("app/models/billing.rb", "class Billing\n  def charge\n    if stripe_enabled?\n      post(\"https://api.stripe.com/v1/charges\")\n    end\n  end\nend\n");

        Scans.Run(repo).Entry("stripe").StatusReason.ShouldStartWith("optional: API host `api.stripe.com` only with `stripe_enabled?`");
    }

    [Fact]
    public void Scan_UseInAnElseIfBranch_NamesThatBranchesOwnCondition()
    {
        using var repo = new TempRepository("else-if")
            .With("src/storage.ts", "export function client() {\n  if (process.env.STORAGE === \"gcs\") {\n    return gcs();\n  } else if (process.env.STORAGE === \"s3\") {\n    return new S3Client({});\n  }\n}\n");

        Scans.Run(repo).Entry("aws-s3").StatusReason.ShouldBe("optional: client code `new S3Client` only with `process.env.STORAGE === \"s3\"`, src/storage.ts:5");
    }
}
