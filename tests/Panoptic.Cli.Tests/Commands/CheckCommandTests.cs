using System.Text.Json;
using Panoptic.TestUtilities;

namespace Panoptic.Cli.Tests.Commands;

public class CheckCommandTests
{
    private static TempRepository Repo() => new TempRepository("check-cli")
        .With("requirements.txt", "fastapi==0.110\n")
        .With("main.py", "from fastapi import FastAPI\napp = FastAPI()\nKEY = 'AKIAIOSFODNN7EXAMPLE'\n");

    [Fact]
    public async Task Check_BlockingFailure_FailsTheGateByDefault()
    {
        using var repo = Repo();
        var run = await CliRun.Of("check", repo.Root);
        run.ExitCode.ShouldBe(ExitCodes.FindingsAtThreshold);
        run.Out.ShouldStartWith("Not ready to sell — score ");
        run.Out.ShouldContain("FAIL    blocking security.no_hardcoded_secrets");
        run.Error.ShouldStartWith("Not ready to sell: score ");
    }

    [Fact]
    public async Task Check_FailOnNone_PassesAndJsonCarriesTheSection()
    {
        using var repo = Repo();
        var run = await CliRun.Of("check", repo.Root, "--fail-on", "none", "--format", "json");
        run.ExitCode.ShouldBe(ExitCodes.Success);
        using var json = JsonDocument.Parse(run.Out);
        json.RootElement.GetProperty("commercial_readiness").GetProperty("verdict").GetString().ShouldBe("not_ready_to_sell");
    }

    [Fact]
    public async Task Check_MinScore_IsValidatedAndEnforced()
    {
        using var repo = Repo();
        (await CliRun.Of("check", repo.Root, "--fail-on", "none", "--min-score", "101")).ExitCode.ShouldBe(ExitCodes.InvalidInput);
        (await CliRun.Of("check", repo.Root, "--fail-on", "none", "--min-score", "100")).ExitCode.ShouldBe(ExitCodes.FindingsAtThreshold);
    }

    [Fact]
    public async Task Check_Sarif_IsItsOwnRunWithTheSecretOnItsLineAndAbsencesOnAFrontFile()
    {
        using var repo = Repo();
        var run = await CliRun.Of("check", repo.Root, "--fail-on", "none", "--format", "sarif", "--no-progress");
        run.ExitCode.ShouldBe(ExitCodes.Success);
        using var sarif = JsonDocument.Parse(run.Out);
        var only = sarif.RootElement.GetProperty("runs").EnumerateArray().ShouldHaveSingleItem();
        only.GetProperty("automationDetails").GetProperty("id").GetString().ShouldBe("panoptic/readiness/");
        var results = only.GetProperty("results").EnumerateArray().ToList();
        var rules = only.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        rules.Count.ShouldBe(results.Count);
        var secret = results.Single(r => r.GetProperty("ruleId").GetString() == "security.no_hardcoded_secrets");
        secret.GetProperty("level").GetString().ShouldBe("error");
        var location = secret.GetProperty("locations")[0].GetProperty("physicalLocation");
        location.GetProperty("artifactLocation").GetProperty("uri").GetString().ShouldBe("main.py");
        location.GetProperty("region").GetProperty("startLine").GetInt32().ShouldBe(3);
        // Absences (no rate limiting, no tracing, ...) land on the repository's front file.
        var uris = results.Select(r => r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()).ToList();
        uris.Count(u => u == "requirements.txt").ShouldBeGreaterThan(3);
        foreach (var result in results) rules[result.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString().ShouldBe(result.GetProperty("ruleId").GetString());
        run.Out.ShouldNotContain("AKIAIOSFODNN7EXAMPLE");
    }

    [Fact]
    public async Task Check_Markdown_LeadsWithTheVerdictAndListsBlockingGapsFirst()
    {
        using var repo = Repo();
        var run = await CliRun.Of("check", repo.Root, "--fail-on", "none", "--format", "markdown", "--no-progress");
        run.Out.ShouldStartWith("## Not ready to sell");
        run.Out.ShouldContain("| Security |");
        var missing = run.Out[run.Out.IndexOf("### What is missing", StringComparison.Ordinal)..].Split('\n').Where(l => l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        missing.ShouldContain(l => l.StartsWith("- **blocking** fail `security.no_hardcoded_secrets`: ", StringComparison.Ordinal));
        missing.First(l => l.Contains("no_hardcoded_secrets", StringComparison.Ordinal)).ShouldEndWith("(`main.py:3`)");
        missing.TakeWhile(l => l.StartsWith("- **blocking**", StringComparison.Ordinal)).Count().ShouldBe(missing.Count(l => l.StartsWith("- **blocking**", StringComparison.Ordinal)));
        run.Out.ShouldNotContain("AKIAIOSFODNN7EXAMPLE");
    }
}
