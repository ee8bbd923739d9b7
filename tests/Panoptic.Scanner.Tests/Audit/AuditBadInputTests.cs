using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Audit;

public class AuditBadInputTests
{
    [Fact]
    public void Audit_HostileInputs_CompleteWithNotes()
    {
        using var repo = new TempRepository("hostile-audit")
            .With("docker-compose.yml", "services:\n  a:\n    build: ./a\n    extends: { service: b }\n  b:\n    extends: { service: a }\n    ports: [\"9000:9000\"]\n")
            .With("docker-compose.broken.yml", "services:\n  x: [\n")
            .With("k8s/broken.yaml", "apiVersion: v1\nkind: Deployment\nspec: {containers: [\n")
            .With("a/Dockerfile", "FROM node:20\n")
            .With("noman/main.py", "print('no manifest here')\n")
            .With("a/bundle.js", "var x=" + new string('1', 900_000) + ";app.get('/x',f);\n");

        var registry = Scans.Run(repo, clones: true);

        registry.Audit.ShouldNotBeNull();
        registry.Problems.ShouldContain(p => p.File == "docker-compose.broken.yml");
        registry.Problems.ShouldContain(p => p.File == "k8s/broken.yaml" && p.Message.StartsWith("invalid YAML", StringComparison.Ordinal));
        registry.Audit!.Services.Select(s => s.Id).ShouldContain("a");
    }

    [Fact]
    public void Audit_EmptyRepository_HasOnlyTheRepositoryRow()
    {
        using var repo = new TempRepository("empty");
        var audit = Scans.Audit(repo);
        audit.Services.ShouldBeEmpty();
        audit.Findings.ShouldBeEmpty();
        audit.Summary.ShouldHaveSingleItem().Scope.ShouldBe("repository");
    }
}
