using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using Panoptic.Scanner.Audit;
using Panoptic.Scanner.Readiness;
using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Reports;

namespace Panoptic.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project benchmarks/Panoptic.Benchmarks -- html-report`: writes the HTML report of a large
/// registry (80 services, 300 connections and external APIs with 5 pieces of evidence each, every readiness check,
/// 400 audit findings), prints its size, and times how long headless Chromium takes to load and lay it out.
/// </summary>
public static class HtmlReportBenchmark
{
    public static async Task RunAsync()
    {
        var document = LargeRegistry();
        var watch = Stopwatch.StartNew();
        var html = HtmlReport.Write(document);
        var writeMs = watch.Elapsed.TotalMilliseconds;
        var file = Path.Combine(Path.GetTempPath(), "panoptic-large-report.html");
        await File.WriteAllTextAsync(file, html);
        var bytes = new FileInfo(file).Length;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
        var times = new List<double>();
        for (var run = 0; run < 6; run++)
        {
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
            watch.Restart();
            await page.GotoAsync(new Uri(file).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
            // Force style and layout of the whole page, then wait for a frame to be produced.
            await page.EvaluateAsync("() => new Promise(r => { document.body.getBoundingClientRect(); requestAnimationFrame(() => requestAnimationFrame(r)); })");
            if (run > 0) times.Add(watch.Elapsed.TotalMilliseconds);
            await page.CloseAsync();
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"html report: {bytes / 1024.0 / 1024.0:0.00} MB, written in {writeMs:0} ms; Chromium load + layout + 2 frames: median {times[times.Count / 2]:0} ms, max {times[^1]:0} ms over {times.Count} warm runs ({file})"));
    }

    private static RegistryDocument LargeRegistry()
    {
        var random = new Random(7);
        var services = Enumerable.Range(0, 80).Select(i => new ServiceEntry
        {
            Id = $"service-{i:00}", Path = $"services/service-{i:00}", Language = (i % 4) switch { 0 => "csharp", 1 => "python", 2 => "typescript", _ => "go" },
            Frameworks = ["http"], Ports = [8000 + i], Manifests = [$"services/service-{i:00}/manifest"], EnvVars = ["DATABASE_URL", "API_KEY"],
        }).ToList();
        TechnologyEntry Entry(int i, string category) => new()
        {
            Id = $"{category}-{i:000}", Name = $"{category} technology {i:000}", Category = category, Status = "core", Confidence = 0.9,
            UsedBy = [.. Enumerable.Range(0, random.Next(1, 9)).Select(_ => services[random.Next(services.Count)].Id).Distinct()],
            EnvVars = [$"{category.ToUpperInvariant()}_{i}_URL"], ModelsSeen = category == "llm" ? ["gpt-4o", "claude-sonnet-4"] : null,
            EvidenceTotal = 12,
            Evidence = [.. Enumerable.Range(0, 5).Select(e => new EvidenceEntry($"services/service-{random.Next(80):00}/src/module{e}.cs", random.Next(1, 400), "import", $"using Vendor{i}.Client{e};"))],
        };
        string[] connectionKinds = ["database", "cache", "queue", "object_storage", "search"];
        string[] apiKinds = ["llm", "payments", "email", "analytics", "auth", "cloud"];
        var connections = Enumerable.Range(0, 150).Select(i => Entry(i, connectionKinds[i % connectionKinds.Length])).ToList();
        var apis = Enumerable.Range(0, 150).Select(i => Entry(i, apiKinds[i % apiKinds.Length])).ToList();
        var catalog = ReadinessCatalog.LoadEmbedded();
        string[] statuses = ["pass", "fail", "partial", "needs_manual_confirmation", "not_applicable"];
        var checks = catalog.Checks.Select((c, i) => new CheckResult
        {
            Id = c.Id, Category = c.Category, Title = c.Title, Status = statuses[i % statuses.Length], Blocking = c.Blocking, Risk = c.Risk,
            Evidence = [.. Enumerable.Range(0, i % 3).Select(e => new EvidenceEntry($"services/service-{e:00}/src/auth.cs", 10 + e, "code", "app.UseAuthentication()"))],
            LookedFor = ["dependencies: next-auth, passport", "code: AddAuthentication\\("],
        }).ToList();
        var readiness = new ReadinessSection
        {
            Verdict = "not_ready_to_sell", Score = 61.5, Coverage = 80, Profile = "b2b-saas", Blocking = [.. checks.Where(c => c.Blocking && c.Status == "fail").Select(c => c.Id)],
            Categories = [.. catalog.Categories.Select((c, i) => new CategoryScore(c.Id, c.Title, 10 * i, 3, 1, 2, 1, 0))],
            Checks = checks,
        };
        var findings = Enumerable.Range(0, 400).Select(i => new AuditFinding
        {
            Rule = $"rule.number_{i % 31}", Severity = (i % 3) switch { 0 => "error", 1 => "warning", _ => "note" },
            Message = $"service-{i % 80:00} breaks rule {i % 31}: a sentence of the usual length explaining what is wrong and why it matters.",
            Services = [$"service-{i % 80:00}"], Locations = [new FindingLocation($"services/service-{i % 80:00}/Dockerfile", 1)], Fingerprint = $"{i:x32}",
        }).ToList();
        return new RegistryDocument
        {
            Project = new ProjectInfo { Name = "large-registry", Files = 20000, Bytes = 200_000_000, DurationMs = 1900, ScannedAt = DateTimeOffset.UnixEpoch },
            Services = services, BackendConnections = connections, ExternalApis = apis, DevTooling = [], Secrets = [],
            Skipped = new SkippedSummary(0, new Dictionary<string, int>(), []), Problems = [],
            CommercialReadiness = readiness,
            Audit = new AuditSection { Summary = [], Services = [], Findings = findings, Clones = CloneReport.Empty },
        };
    }
}
