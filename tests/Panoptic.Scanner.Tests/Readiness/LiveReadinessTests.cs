using System.Text.Json;
using Panoptic.Scanner.Readiness;
using Panoptic.Scanner.Reports;
using Panoptic.Scanner.Tests.Reports;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Readiness;

public sealed class LiveReadinessTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "registry.schema.json"))).RootElement;

    private static LiveResult Live(string check, string status, string message, string? readiness) =>
        new() { Check = check, Target = "example.test", Status = status, Message = message, CheckedAt = Scans.Now, Readiness = readiness };

    private static TempRepository Repo() => new TempRepository("live-readiness")
        .With("package.json", """{ "name": "shop", "dependencies": { "express": "4.19.0", "@sendgrid/mail": "8.1.0" } }""")
        .With("server.js", "const express = require('express');\nconst app = express();\napp.use(require('helmet')());\n");

    [Fact]
    public void Apply_WarningFailAndError_MakePartialFailAndLeaveTheStatus()
    {
        var before = Scans.Readiness(Repo());
        var after = LiveReadiness.Apply(before, [
            Live("dns.dmarc", "warn", "DMARC p=none", "email.dmarc"),
            Live("http.hsts", "fail", "no Strict-Transport-Security header", "security.tls_and_hsts"),
            Live("tls.chain", "pass", "certificate chain valid to R1", "security.tls_and_hsts"),
            Live("dns.mx", "error", "MX lookup failed: timeout", "email.spf_dkim"),
            Live("dns.caa", "warn", "no CAA record", null)]);
        CheckResult Of(string id) => after.Checks.Single(c => c.Id == id);
        Of("email.dmarc").Status.ShouldBe("partial");
        Of("email.dmarc").Evidence[0].Detail.ShouldBe("live: DMARC p=none on example.test at 2026-11-22 09:00 UTC");
        Of("security.tls_and_hsts").Status.ShouldBe("fail");
        Of("security.tls_and_hsts").Reason.ShouldBe("measured on the deployed product: no Strict-Transport-Security header");
        Of("email.spf_dkim").Status.ShouldBe(before.Checks.Single(c => c.Id == "email.spf_dkim").Status);
        Of("email.spf_dkim").Evidence[0].Kind.ShouldBe("live");
        after.Live!.Count.ShouldBe(5);
        after.Blocking.ShouldContain("security.tls_and_hsts");
    }

    [Fact]
    public void Apply_AllPass_PassesTheCheckAsLiveAndTheJsonMatchesTheSchema()
    {
        using var repo = Repo();
        var registry = new RepositoryScanner(Scans.Catalog).Scan(new ScanOptions(repo.Root) { Time = new FakeTimeProvider(Scans.Now), EvaluateReadiness = true });
        var after = LiveReadiness.Apply(registry.CommercialReadiness!, [Live("dns.dmarc", "pass", "DMARC p=reject, reports to mailto:d@example.test", "email.dmarc")]);
        var dmarc = after.Checks.Single(c => c.Id == "email.dmarc");
        dmarc.Status.ShouldBe("pass");
        dmarc.SatisfiedBy.ShouldBe("live");
        SchemaValidator.Validate(Schema, JsonReport.ToElement(registry with { CommercialReadiness = after })).ShouldBeEmpty();
    }
}
