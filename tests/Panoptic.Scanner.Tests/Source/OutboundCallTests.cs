using Panoptic.Scanner.Registry;
using Panoptic.TestUtilities;
using Shouldly;
using Xunit;

namespace Panoptic.Scanner.Tests.Source;

/// <summary>HTTP calls to hosts the catalog does not know: one external API per host, with the call as its evidence.</summary>
public class OutboundCallTests
{
    [Fact]
    public void Scan_UpdateCheckThroughAConstant_IsAnExternalApiNamedForItsHost_CitingTheCall()
    {
        using var repo = new TempRepository("updates")
            .With("go.mod", "module example.com/app\n\ngo 1.22\n")
            .With("cmd/updates.go", "package main\n\nimport \"net/http\"\n\nconst updateCheckURL = \"https://update.acme-app.io/update.json\"\n\nfunc check() {\n\tresp, err := http.Get(updateCheckURL)\n\t_ = resp\n\t_ = err\n}\n");

        var entry = Scans.Run(repo).Entry("update.acme-app.io");

        entry.Status.ShouldBe(Statuses.Core);
        entry.StatusReason.ShouldBe("core: an HTTP call to `update.acme-app.io` (through `updateCheckURL`) in product code, cmd/updates.go:8");
        (entry.Name, entry.Category, entry.Provider).ShouldBe(("update.acme-app.io", "saas", "acme-app.io"));
        entry.Evidence[0].Kind.ShouldBe("outbound_call");
        (entry.Evidence[0].File, entry.Evidence[0].Line).ShouldBe(("cmd/updates.go", 8));
    }

    [Theory]
    [InlineData("app/Services/Versions.php", "<?php\n$res = Http::timeout(5)\n    ->get('https://versions.acme-app.io/versions.json');\n", 3)]
    [InlineData("server/telemetry.ts", "export async function send(body: string) {\n  await fetch(\"https://telemetry.acme-app.io/v1\", { method: \"POST\", body });\n}\n", 2)]
    [InlineData("app/report.py", "import requests\n\ndef send(data):\n    return requests.post('https://telemetry.acme-app.io/v1', json=data)\n", 4)]
    [InlineData("Services/Report.cs", "class Report(HttpClient http)\n{\n    public Task Send() => http.PostAsJsonAsync(\"https://telemetry.acme-app.io/v1\", new { });\n}\n", 3)]
    public void AnalyzeFile_ALiteralUrlARequestCallTakes_IsAnOutboundCall(string path, string content, int line)
    {
        var signal = Scans.AnalyzeFile(path, content).Signals.Single(s => s.Kind == SignalKind.OutboundCall);

        (signal.TechnologyId, signal.Line).ShouldBe((path.EndsWith(".php") ? "versions.acme-app.io" : "telemetry.acme-app.io", line));
    }

    [Theory]
    // Links, redirects and documentation URLs are not connections.
    [InlineData("app/view.ts", "const help = \"https://docs.acme-app.io/start\";\nwindow.open(help);\n")]
    [InlineData("app/controllers/home_controller.rb", "class HomeController\n  def show\n    redirect_to 'https://www.acme-app.io', allow_other_host: true\n  end\nend\n")]
    // Ruby's fetch and a settings lookup read a value; the URL is the default of a setting.
    [InlineData("lib/app.rb", "module App\n  PRODUCT_URL = 'https://www.acme-app.io'\n  EMAIL_URL = ENV.fetch('EMAIL_URL', PRODUCT_URL)\nend\n")]
    [InlineData("app/settings.py", "import os\n\nAPI = os.environ.get(\"API_URL\", \"https://api.acme-app.io\")\n")]
    // Templated, local, reserved and vocabulary hosts are no third party.
    [InlineData("app/a.ts", "await fetch(`https://${region}.acme-app.io/v1`);\nawait fetch(\"http://localhost:8080/x\");\nawait fetch(\"https://api.example.com/x\");\nawait fetch(\"http://10.0.0.1/x\");\n")]
    [InlineData("app/b.php", "<?php\n$type = in_array($t, ['application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"']);\n")]
    // A plain `url` is reassigned too often to follow, and a name given two URLs says nothing about which one a call takes.
    [InlineData("app/c.js", "let url = 'https://one.acme-app.io/x';\nfetch(url);\n")]
    [InlineData("app/d.js", "let API_URL = 'https://one.acme-app.io';\nif (eu) API_URL = 'https://two.acme-app.io';\nfetch(API_URL);\n")]
    // Commented out.
    [InlineData("app/e.go", "package app\n\n// resp, _ := http.Get(\"https://update.acme-app.io\")\n")]
    public void Scan_UrlsThatAreNoCallToAThirdParty_AreNoEntry(string path, string content)
    {
        using var repo = new TempRepository("links").With(path, content);

        Scans.Run(repo).ExternalApis.Where(e => e.Id.Contains('.')).Select(e => e.Id).ShouldBeEmpty();
    }

    [Fact]
    public void Scan_AKnownProvidersHost_StaysItsCatalogEntry_AndATestsCallIsNoEntry()
    {
        using var repo = new TempRepository("known")
            .With("app/pay.ts", "await fetch(\"https://api.stripe.com/v1/charges\", { method: \"POST\" });\n")
            .With("test/update.test.ts", "await fetch(\"https://update.acme-app.io/update.json\");\n");

        var registry = Scans.Run(repo);

        registry.Has("stripe").ShouldBeTrue();
        registry.ExternalApis.Where(e => e.Id.Contains('.')).ShouldBeEmpty();
    }

    [Fact]
    public void Scan_ACallUnderAFlag_IsOptionalWithTheFlag()
    {
        using var repo = new TempRepository("flagged")
            .With("server/telemetry.ts", "const TELEMETRY_URL = \"https://telemetry.acme-app.io/v1\";\n\nexport async function send(body: string) {\n  if (process.env.ENABLE_TELEMETRY === \"true\") {\n    await fetch(TELEMETRY_URL, { method: \"POST\", body });\n  }\n}\n");

        var entry = Scans.Run(repo).Entry("telemetry.acme-app.io");

        entry.Status.ShouldBe(Statuses.Optional);
        entry.StatusReason!.ShouldContain("server/telemetry.ts:5");
    }

    [Fact]
    public void Scan_AGoGeneratorsDownload_IsDevTooling_AndItsPackageMainIsNoService()
    {
        const string generator = "// Command tagdata generates tables.\npackage main\n\nimport \"net/http\"\n\nconst derivedURL = \"https://www.unicode-data.org/Public/DerivedCoreProperties.txt\"\n\nfunc main() {\n\tresp, _ := http.Get(derivedURL)\n\t_ = resp\n}\n";
        using var repo = new TempRepository("generate")
            .With("go.mod", "module example.com/app\n\ngo 1.22\n")
            .With("cmd/server/main.go", "package main\n\nfunc main() {}\n")
            .With("internal/parser/tag.go", "package parser\n\n//go:generate go run ./tagdata -output tables.go\n")
            .With("internal/parser/tagdata/main.go", generator)
            .With("tools/gen.go", "//go:build ignore\n\npackage main\n\nimport \"net/http\"\n\nfunc main() { http.Get(\"https://schemas.acme-app.io/v1.json\") }\n");

        var registry = Scans.Run(repo);

        registry.Entry("www.unicode-data.org").Status.ShouldBe(Statuses.DevOnly);
        registry.Entry("schemas.acme-app.io").Status.ShouldBe(Statuses.DevOnly);
        registry.Services.Select(s => s.Path).ShouldNotContain("internal/parser/tagdata");
    }
}
