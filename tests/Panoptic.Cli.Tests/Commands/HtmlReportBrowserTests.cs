using System.Text.Json;
using Microsoft.Playwright;
using Panoptic.TestUtilities;

namespace Panoptic.Cli.Tests.Commands;

/// <summary>The HTML report in real Chromium (Debian's /usr/bin/chromium, which test.sh installs).</summary>
public class HtmlReportBrowserTests
{
    private static TempRepository Repo() => new TempRepository("html-report")
        .With("api/requirements.txt", "fastapi==0.110\npsycopg2==2.9.9\nredis==5.0.0\nopenai==1.40.0\n")
        .With("api/main.py", "from fastapi import FastAPI\nimport openai\nKEY = 'AKIAIOSFODNN7EXAMPLE'\napp = FastAPI()\nopenai.chat.completions.create(model='gpt-4o-mini', messages=[])\n")
        .With("api/Dockerfile", "FROM python:3.12\n")
        .With("web/package.json", "{ \"name\": \"<img src=x onerror=alert(1)>\", \"scripts\": { \"start\": \"node server.js\" }, \"dependencies\": { \"express\": \"4.19.0\", \"stripe\": \"14.0.0\", \"pg\": \"8.11.0\" } }")
        .With("web/server.js", "const express = require('express');\nconst Stripe = require('stripe');\n");

    [Fact]
    public async Task Report_LoadsCleanShowsTheRegistrysNumbersAndExpandsEvidence()
    {
        using var repo = Repo();
        var page = repo.PathOf("report.html");
        (await CliRun.Of("check", repo.Root, "--format", "html", "--fail-on", "none", "--no-progress", "--out", page)).ExitCode.ShouldBe(0);
        using var registry = JsonDocument.Parse((await CliRun.Of("check", repo.Root, "--format", "json", "--fail-on", "none", "--no-progress")).Out);
        var root = registry.RootElement;

        await using var browser = await Chromium.LaunchAsync();
        var tab = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var problems = new List<string>();
        tab.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add($"console {message.Type}: {message.Text}"); };
        tab.PageError += (_, error) => problems.Add($"page error: {error}");
        tab.Dialog += (_, dialog) => problems.Add($"dialog: {dialog.Message}");
        tab.Request += (_, request) => { if (!request.Url.StartsWith("file://", StringComparison.Ordinal)) problems.Add($"fetch: {request.Url}"); };
        await tab.GotoAsync(new Uri(page).AbsoluteUri);

        (await tab.TextContentAsync("#count-services")).ShouldBe(root.GetProperty("services").GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await tab.TextContentAsync("#count-connections")).ShouldBe(root.GetProperty("backend_connections").GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await tab.TextContentAsync("#count-apis")).ShouldBe(root.GetProperty("external_apis").GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await tab.TextContentAsync("#score")).ShouldBe(root.GetProperty("commercial_readiness").GetProperty("score").GetDouble().ToString("0.#", System.Globalization.CultureInfo.InvariantCulture));
        (await tab.TextContentAsync("#verdict")).ShouldBe("Not ready to sell");
        (await tab.Locator("#connections details").CountAsync()).ShouldBe(root.GetProperty("backend_connections").GetArrayLength());
        (await tab.Locator("#topology svg path").CountAsync()).ShouldBeGreaterThan(0);
        (await tab.Locator("#audit").CountAsync()).ShouldBe(1);

        // The blocking secret check leads the list and opens to its evidence, by mouse and by keyboard.
        var first = tab.Locator("#readiness ul.checks > li").First;
        (await first.Locator("summary .badge").First.TextContentAsync()).ShouldBe("fail");
        (await first.Locator("summary .badge.blocking").CountAsync()).ShouldBe(1);
        var secret = tab.Locator("details[data-check='security.no_hardcoded_secrets']");
        var evidence = secret.Locator("ul.evidence li").First;
        (await evidence.IsVisibleAsync()).ShouldBeFalse();
        await secret.Locator("summary").ClickAsync();
        (await evidence.IsVisibleAsync()).ShouldBeTrue();
        (await evidence.TextContentAsync())!.ShouldContain("api/main.py:3");
        var postgres = tab.Locator("#connections details").First;
        await postgres.Locator("summary").FocusAsync();
        await tab.Keyboard.PressAsync("Enter");
        (await postgres.GetAttributeAsync("open")).ShouldNotBeNull();

        // The hostile package name is shown as text, never run.
        (await tab.ContentAsync()).ShouldNotContain("<img src=x");
        problems.ShouldBeEmpty();

        var shots = Path.Combine(RepositoryRoot.Path, ".artifacts", "screenshots");
        Directory.CreateDirectory(shots);
        await tab.ScreenshotAsync(new() { Path = Path.Combine(shots, "report-desktop.png"), FullPage = true });

        // A phone: nothing wider than the screen.
        await tab.SetViewportSizeAsync(390, 844);
        (await tab.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")).ShouldBeTrue();
        await tab.ScreenshotAsync(new() { Path = Path.Combine(shots, "report-phone.png"), FullPage = true });
    }
}
