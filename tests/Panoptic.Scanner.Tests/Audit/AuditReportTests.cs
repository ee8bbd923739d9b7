using System.Text.Json;
using Panoptic.Scanner.Audit;
using Panoptic.Scanner.Reports;
using Panoptic.Scanner.Tests.Reports;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Audit;

public class AuditReportTests
{
    private static readonly JsonElement SarifSchema = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Audit", "sarif-essentials.schema.json"))).RootElement;

    [Fact]
    public void Sarif_MatchesTheEssentialsGitHubReads()
    {
        using var repo = AuditFixtures.Monorepo();
        var sarif = JsonDocument.Parse(SarifReport.Write(Scans.Run(repo, clones: true), "1.2.3")).RootElement;

        SchemaValidator.Validate(SarifSchema, sarif).ShouldBeEmpty();
        var run = sarif.GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        rules.GetArrayLength().ShouldBe(AuditEngine.Rules.Count);
        foreach (var result in run.GetProperty("results").EnumerateArray())
        {
            var index = result.GetProperty("ruleIndex").GetInt32();
            rules[index].GetProperty("id").GetString().ShouldBe(result.GetProperty("ruleId").GetString());
        }
        var conflict = run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("ruleId").GetString() == "ports.host_port_conflict");
        conflict.GetProperty("level").GetString().ShouldBe("error");
        conflict.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString().ShouldBe("docker-compose.yml");
        conflict.GetProperty("relatedLocations").GetArrayLength().ShouldBe(1);
        rules.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "sec.tls_verification_disabled").GetProperty("properties").GetProperty("security-severity").GetString().ShouldBe("7.5");
    }

    [Fact]
    public void Sarif_UrisAreEscapedAndRelative()
    {
        using var repo = new TempRepository("odd")
            .With("svc a/requirements.txt", "flask\n")
            .With("svc a/app.py", "import requests\nrequests.get('https://x', verify=False)\n");
        var sarif = SarifReport.Write(Scans.Run(repo), "1.0.0");
        sarif.ShouldContain("\"uri\": \"svc%20a/app.py\"");
        SchemaValidator.Validate(SarifSchema, JsonDocument.Parse(sarif).RootElement).ShouldBeEmpty();
    }

    [Fact]
    public void Table_ShowsTheHeadlineThenFindings()
    {
        using var repo = AuditFixtures.Monorepo();
        var text = AuditTableReport.Write(Scans.Run(repo, clones: true), markdown: false);
        var lines = text.Split('\n');
        lines[0].ShouldStartWith("scope");
        lines[2].ShouldStartWith("repository (3 services)");
        text.ShouldContain("error   ports.host_port_conflict  Host port 8000 is published by orders, payments in docker-compose.yml; only one of them can start.  [docker-compose.yml:10]");
        AuditTableReport.Write(Scans.Run(repo), markdown: true).ShouldStartWith("## Panoptic audit: mono-");
    }

    [Fact]
    public void PortPlan_ResolvesConflictsWithFreePorts()
    {
        using var repo = AuditFixtures.Monorepo();
        var plan = PortPlanner.Plan(Scans.Run(repo).Audit!);
        plan.Services.Select(r => (r.Service, r.Proposed, r.Conflicting, r.MovedFrom)).ShouldBe([("orders", (int?)8000, true, (int?)null), ("payments", (int?)8001, true, (int?)8000), ("users", (int?)3000, false, (int?)null)]);
        plan.Conflicts.ShouldBe([8000]);
        var yaml = PortPlanner.ToYaml(plan);
        yaml.ShouldContain("  \"payments\":\n    port: 8001\n    moved_from: 8000\n");
        new YamlDotNet.RepresentationModel.YamlStream().Load(new StringReader(yaml));
    }
}

public class ScanMarkdownAuditTests
{
    [Fact]
    public void ScanMarkdown_ListsTheAuditsErrorsAndWarnings()
    {
        using var repo = AuditFixtures.Monorepo();
        var markdown = MarkdownReport.Write(Scans.Run(repo));
        markdown.ShouldContain("### Architecture audit: 2 errors, ");
        markdown.ShouldContain("- **error** `ports.host_port_conflict` Host port 8000 is published by orders, payments in docker-compose.yml; only one of them can start. (`docker-compose.yml:10`)");
    }
}
