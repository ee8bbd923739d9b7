using System.Text.Json;
using Panoptic.TestUtilities;

namespace Panoptic.Cli.Tests.Commands;

public class AuditCommandTests
{
    private static TempRepository Repo() => new TempRepository("audit-cli")
        .With("docker-compose.yml", "services:\n  a:\n    build: ./a\n    ports: [\"8000:8000\"]\n  b:\n    build: ./b\n    ports: [\"8000:8000\"]\n")
        .With("a/requirements.txt", "flask==3.0.0\n")
        .With("a/app.py", "from flask import Flask\napp = Flask(__name__)\n@app.route('/health')\ndef h():\n    return 'ok'\n")
        .With("b/requirements.txt", "flask==2.0.0\n")
        .With("b/app.py", "from flask import Flask\napp = Flask(__name__)\n@app.route('/healthz')\ndef h():\n    return 'ok'\n");

    [Fact]
    public async Task Audit_Table_IsTheDefault()
    {
        using var repo = Repo();
        var run = await CliRun.Of("audit", repo.Root);
        run.ExitCode.ShouldBe(ExitCodes.Success);
        run.Out.ShouldStartWith("scope");
        run.Out.ShouldContain("ports.host_port_conflict");
        run.Error.ShouldMatch(@"^2 services audited: 1 errors, \d+ warnings, \d+ notes; \d+\.\d s\n$");
    }

    [Fact]
    public async Task Audit_Sarif_IsSarif()
    {
        using var repo = Repo();
        var run = await CliRun.Of("audit", repo.Root, "--format", "sarif");
        using var sarif = JsonDocument.Parse(run.Out);
        sarif.RootElement.GetProperty("version").GetString().ShouldBe("2.1.0");
        sarif.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("version").GetString().ShouldBe("0.1.0");
    }

    [Theory]
    [InlineData("error", ExitCodes.FindingsAtThreshold)]
    [InlineData("none", ExitCodes.Success)]
    public async Task Audit_FailOn_SetsTheExitCode(string level, int expected)
    {
        using var repo = Repo();
        (await CliRun.Of("audit", repo.Root, "--fail-on", level)).ExitCode.ShouldBe(expected);
    }

    [Fact]
    public async Task Ports_WritesAConflictFreeAssignment()
    {
        using var repo = Repo();
        var target = repo.PathOf("ports.yaml");
        var run = await CliRun.Of("ports", repo.Root, "--write", target);
        run.ExitCode.ShouldBe(ExitCodes.Success);
        run.Out.ShouldContain("conflict");
        var yaml = File.ReadAllText(target);
        yaml.ShouldContain("port: 8000");
        yaml.ShouldContain("port: 8001");
        yaml.ShouldContain("moved_from: 8000");
    }
}
