using System.Text.Json;
using Panoptic.TestUtilities;

namespace Panoptic.Cli.Tests.Commands;

public class ScanCommandTests
{
    private static TempRepository Repo() => new TempRepository("cli")
        .With("requirements.txt", "redis\nfastapi\n")
        .With("main.py", "import redis\nURL = 'https://api.openai.com/v1'\n");

    [Fact]
    public async Task Scan_DefaultFormat_WritesYamlToStdoutAndSummaryToStderr()
    {
        using var repo = Repo();
        var run = await CliRun.Of("scan", repo.Root);
        run.ExitCode.ShouldBe(ExitCodes.Success);
        run.Out.ShouldStartWith("schema: panoptic/registry@1\n");
        run.Out.ShouldContain("  - id: redis\n");
        run.Error.ShouldMatch(@"^1 backend connection, 1 external API, 1 service in 2 files, \d+\.\d s\n$");
    }

    [Fact]
    public async Task Scan_JsonFormat_IsParseableJson()
    {
        using var repo = Repo();
        var run = await CliRun.Of("scan", repo.Root, "--format", "json");
        run.ExitCode.ShouldBe(ExitCodes.Success);
        using var json = JsonDocument.Parse(run.Out);
        json.RootElement.GetProperty("external_apis")[0].GetProperty("id").GetString().ShouldBe("openai");
        // The registry carries the readiness scorecard, as `panoptic check` computes it (pushes and diffs rely on it).
        json.RootElement.GetProperty("commercial_readiness").GetProperty("verdict").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Scan_EvidenceOption_KeepsTheStrongestPiecesAndTheTotal()
    {
        using var repo = Repo().With("worker.py", "import redis\nr = redis.Redis()\n").With(".env.example", "REDIS_URL=\n");
        var run = await CliRun.Of("scan", repo.Root, "--format", "json", "--evidence", "1");
        run.ExitCode.ShouldBe(ExitCodes.Success);
        using var json = JsonDocument.Parse(run.Out);
        var redis = json.RootElement.GetProperty("backend_connections")[0];
        redis.GetProperty("evidence").GetArrayLength().ShouldBe(1);
        redis.GetProperty("evidence_total").GetInt32().ShouldBe(4);
        // The piece kept is the strongest of the full list.
        using var full = JsonDocument.Parse((await CliRun.Of("scan", repo.Root, "--format", "json")).Out);
        var all = full.RootElement.GetProperty("backend_connections")[0].GetProperty("evidence");
        all.GetArrayLength().ShouldBe(4);
        redis.GetProperty("evidence")[0].GetRawText().ShouldBe(all[0].GetRawText());
        all[0].GetProperty("kind").GetString().ShouldBe("import");

        (await CliRun.Of("scan", repo.Root, "--evidence", "0")).ExitCode.ShouldBe(ExitCodes.InvalidInput);
    }

    [Fact]
    public async Task Scan_OutFile_WritesTheFileAndNothingToStdout()
    {
        using var repo = Repo();
        var target = repo.PathOf("registry.md");
        var run = await CliRun.Of("scan", repo.Root, "-f", "markdown", "--out", target);
        run.ExitCode.ShouldBe(ExitCodes.Success);
        run.Out.ShouldBeEmpty();
        File.ReadAllText(target).ShouldStartWith("## Panoptic scan: cli-");
        File.Exists(target + ".tmp").ShouldBeFalse();
    }

    [Fact]
    public async Task Scan_MissingPath_ExitsPathNotFound()
    {
        var run = await CliRun.Of("scan", "/nonexistent/panoptic");
        run.ExitCode.ShouldBe(ExitCodes.PathNotFound);
        run.Error.ShouldBe("panoptic: no such folder: /nonexistent/panoptic\n");
        run.Out.ShouldBeEmpty();
    }

    [Fact]
    public async Task Scan_InvalidConfig_ExitsInvalidInputNamingKeyAndLine()
    {
        using var repo = Repo().With("panoptic.yaml", "ignore: [x]\nbudgets:\n  openai: { monthly: -3 }\n");
        var run = await CliRun.Of("scan", repo.Root);
        run.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        run.Error.ShouldBe("panoptic: invalid configuration: panoptic.yaml:3: budgets.openai.monthly: '-3' is not a non-negative number\n");
        run.Out.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("scan", ".", "--format", "xml")]
    [InlineData("scan", ".", "--max-file-size", "lots")]
    [InlineData("scna")]
    public async Task BadArguments_ExitInvalidInput(params string[] args)
    {
        var run = await CliRun.Of(args);
        run.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        run.Error.ShouldContain("Run 'panoptic --help' for usage.");
    }

    [Fact]
    public async Task Scan_NonPositiveMaxFileSize_ExitsInvalidInput()
    {
        using var repo = Repo();
        (await CliRun.Of("scan", repo.Root, "--max-file-size", "0")).ExitCode.ShouldBe(ExitCodes.InvalidInput);
    }

    [Fact]
    public async Task VersionAndHelp_Work()
    {
        var version = await CliRun.Of("--version");
        version.ExitCode.ShouldBe(0);
        version.Out.Trim().ShouldBe("0.1.0");

        var help = await CliRun.Of("scan", "--help");
        help.ExitCode.ShouldBe(0);
        help.Out.ShouldContain("--format <backstage|html|json|markdown|yaml>");
        help.Out.ShouldContain("--out");
    }

    [Fact]
    public async Task Scan_NotATerminal_DrawsNoProgress()
    {
        using var repo = Repo();
        var run = await CliRun.Of("scan", repo.Root);
        run.Error.ShouldNotContain("\u001b[");
        run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1);
    }
}
