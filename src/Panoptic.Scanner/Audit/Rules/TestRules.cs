namespace Panoptic.Scanner.Audit.Rules;

/// <summary>Services without tests, and tests that no CI definition runs.</summary>
internal static class TestRules
{
    private static readonly string[] RecursiveTestCommands =
    [
        "go test ./...", "dotnet test", "npm test", "npm run test", "pnpm test", "pnpm -r", "yarn test", "turbo run test", "turbo test", "nx run-many", "nx affected",
        "pytest", "python -m pytest", "tox", "mvn test", "mvn verify", "./mvnw", "gradle test", "./gradlew", "cargo test", "bundle exec rspec", "make test",
    ];

    public static IEnumerable<AuditFinding> ServiceWithoutTests(AuditContext context) =>
        context.Services
            .Where(s => s.TestFiles == 0 && s.SourceFiles > 0 && !s.Frameworks.Contains(".NET Aspire AppHost"))
            .Select(s => context.Finding("test.service_without_tests", $"{s.Id} has {s.SourceFiles} source files and no test file.", [s.Id], [AuditContext.Anchor(s)], s.Id));

    /// <summary>Services with tests that no CI definition mentions, by path or through a command that recurses over the repository.</summary>
    public static IEnumerable<AuditFinding> TestsNotInCi(AuditContext context)
    {
        var ci = context.Reports.Where(r => r.CiText is not null).ToList();
        foreach (var service in context.Services.Where(s => s.TestFiles > 0))
        {
            var covered = ci.Any(r => (service.Path != "." && r.CiText!.Contains(service.Path, StringComparison.Ordinal))
                || r.CiText!.Contains(service.Id, StringComparison.OrdinalIgnoreCase)
                || RecursiveTestCommands.Any(c => r.CiText.Contains(c, StringComparison.Ordinal)));
            if (covered) continue;
            var why = ci.Count == 0 ? "the repository has no CI definition" : "no CI job runs them";
            yield return context.Finding("test.tests_not_in_ci", $"{service.Id} has {service.TestFiles} test files but {why}.", [service.Id], [AuditContext.Anchor(service)], service.Id);
        }
    }
}
