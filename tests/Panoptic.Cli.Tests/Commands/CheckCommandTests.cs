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
}
