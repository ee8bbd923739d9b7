using Panoptic.Scanner.Registry;
using Panoptic.TestUtilities;
using Shouldly;
using Xunit;

namespace Panoptic.Scanner.Tests.Catalog;

/// <summary>The package, module, host, setting or client code each vendor's users write, found as that vendor.</summary>
public class VendorSignalTests
{
    [Theory]
    [InlineData("entra-id", "composer.json", "{\"name\":\"acme/app\",\"require\":{\"socialiteproviders/microsoft-azure\":\"^5.1\"}}")]
    [InlineData("entra-id", "src/Web/OAuthClient.cs", "public sealed class OAuthClient\n{\n    public object Microsoft(IRequestFactory factory, IClientConfiguration configuration) => new WindowsLiveClient(factory, configuration);\n}\n")]
    [InlineData("facebook-login", "src/Web/OAuthClient.cs", "public sealed class OAuthClient\n{\n    public object Facebook(IRequestFactory factory, IClientConfiguration configuration) => new FacebookClient(factory, configuration);\n}\n")]
    [InlineData("duo", "src/two_factor/duo.rs", "pub async fn health(host: &str) {\n    let url = format!(\"https://{}/oauth/v1/health_check\", host);\n    post(&url).await;\n}\n")]
    [InlineData("yubico", "Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nyubico_ng = { version = \"1.0.0\", default-features = false }\n")]
    [InlineData("cloudflare", "src/admin.rs", "pub async fn ntp_time() -> String {\n    get_text(\"https://cloudflare.com/cdn-cgi/trace\").await.unwrap_or_default()\n}\n")]
    [InlineData("aws-secrets-manager", "Gemfile", "source 'https://rubygems.org'\ngem 'rails'\ngem 'aws-sdk-secretsmanager', require: false\n")]
    [InlineData("mysql", "Gemfile", "source 'https://rubygems.org'\ngem 'rails'\ngem 'trilogy', require: false\n")]
    [InlineData("aliyun-oss", "src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <PackageReference Include=\"Foundatio.Aliyun\" Version=\"13.0.2\" />\n  </ItemGroup>\n</Project>\n")]
    [InlineData("aws-sqs", "src/App/Queues.cs", "public static class Queues\n{\n    public static IQueue<T> Create<T>(string name) where T : class => new SQSQueue<T>(new SQSQueueOptions<T> { Name = name });\n}\n")]
    [InlineData("google-maps", "src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <PackageReference Include=\"Geocoding.Google\" Version=\"5.0.0\" />\n  </ItemGroup>\n</Project>\n")]
    [InlineData("ldap", "src/App/DirectoryLogin.cs", "using System.DirectoryServices;\n\npublic class DirectoryLogin\n{\n    public bool Login(string path, string user, string password) => new DirectoryEntry(path, user, password).NativeObject is not null;\n}\n")]
    [InlineData("microsoft-teams", "app/teams.py", "def payload(text):\n    return {\"attachments\": [{\"contentType\": \"application/vnd.microsoft.card.adaptive\", \"content\": {\"body\": text}}]}\n")]
    [InlineData("aws-s3", "go.mod", "module example.com/app\n\ngo 1.22\n\nrequire github.com/rhnvrm/simples3 v0.11.1\n")]
    [InlineData("smtp", "go.mod", "module example.com/app\n\ngo 1.22\n\nrequire github.com/knadh/smtppool/v2 v2.1.2\n")]
    [InlineData("aws-sns", "internal/webhooks/sns.go", "package webhooks\n\nfunc kind(r *http.Request) string {\n\treturn r.Header.Get(\"X-Amz-Sns-Message-Type\")\n}\n")]
    [InlineData("aws-ses", "frontend/src/smtpPresets.js", "export const presets = {\n  ses: { host: 'email-smtp.YOUR-REGION.amazonaws.com', port: 465 },\n};\n")]
    [InlineData("aws-lambda", "mix.exs", "defmodule App.MixProject do\n  use Mix.Project\n\n  defp deps do\n    [\n      {:ex_aws, \"~> 2.1\"},\n      {:ex_aws_lambda, \"~> 2.0\"}\n    ]\n  end\nend\n")]
    [InlineData("expo-push", "lib/app/push.ex", "defmodule App.Push do\n  def send(params) do\n    ExponentServerSdk.PushNotification.push(params)\n  end\nend\n")]
    [InlineData("mattermost", "lib/app/mattermost.ex", "defmodule App.Mattermost do\n  def send_message(client, params) do\n    Tesla.post(client, \"/api/v4/posts\", params)\n  end\nend\n")]
    [InlineData("hcaptcha", "composer.json", "{\"name\":\"acme/app\",\"require\":{\"buzz/laravel-h-captcha\":\"^1.0.4\"}}")]
    [InlineData("hcaptcha", "app/Http/Controllers/RegisterController.php", "<?php\nclass RegisterController\n{\n    public function rules(): array\n    {\n        return ['h-captcha-response' => 'required|captcha'];\n    }\n}\n")]
    [InlineData("slack", "config/logging.php", "<?php\nreturn [\n    'channels' => [\n        'slack' => [\n            'driver' => 'slack',\n            'url' => env('LOG_SLACK_WEBHOOK_URL'),\n        ],\n    ],\n];\n")]
    [InlineData("matomo", "app/analytics.js", "export function matomo(url, siteId) {\n  const _paq = (window._paq = window._paq || []);\n  _paq.push([\"setSiteId\", siteId]);\n  const g = document.createElement(\"script\");\n  g.src = url + \"matomo.js\";\n}\n")]
    [InlineData("signoz", "k8s/values.yaml", "otelCollectorEndpoint: https://ingest.us.signoz.cloud:443\notelInsecure: false\n")]
    [InlineData("spike-sh", "app/alerts.py", "import requests\n\ndef alert(payload):\n    requests.post(\"https://hooks.spike.sh/abc123/push-events\", json=payload)\n")]
    [InlineData("signal", "app/settings.py", "import os\n\nSIGNAL_CLI_SOCKET = os.getenv(\"SIGNAL_CLI_SOCKET\")\n")]
    [InlineData("mastodon-oauth", "app/Services/RemoteAuth.php", "<?php\nclass RemoteAuth\n{\n    public static function register($domain)\n    {\n        $url = 'https://' . $domain . '/api/v1/apps';\n        return Http::asForm()->post($url, ['client_name' => 'app']);\n    }\n}\n")]
    [InlineData("debounce-io", "lib/verify.js", "export async function verify(email) {\n  return fetch(\"https://api.debounce.io/v1/?email=\" + email);\n}\n")]
    public void Scan_VendorSignal_DetectsTheVendor(string id, string path, string content)
    {
        using var repo = new TempRepository("vendor").With(path, content);

        var registry = Scans.Run(repo);

        registry.Entry(id).Evidence.ShouldContain(e => e.File == path);
    }

    [Theory]
    [InlineData("mattermost", "lib/gitlab.js", "export const projects = (base) => fetch(`${base}/api/v4/projects`);\n")]
    [InlineData("aws-sns", "app/Mail/SubscriptionConfirmation.php", "<?php\nclass SubscriptionConfirmation extends Mailable\n{\n}\n")]
    [InlineData("slack", "config/logging.php", "<?php\nreturn [\n    'channels' => [\n        'daily' => ['driver' => 'daily', 'path' => storage_path('logs/laravel.log')],\n    ],\n];\n")]
    public void Scan_LookalikeOfAVendorSignal_IsNotThatVendor(string id, string path, string content)
    {
        using var repo = new TempRepository("lookalike").With(path, content);

        Scans.Run(repo).Has(id).ShouldBeFalse();
    }
}
