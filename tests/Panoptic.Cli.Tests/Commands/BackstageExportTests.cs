using System.Diagnostics;
using Panoptic.TestUtilities;

namespace Panoptic.Cli.Tests.Commands;

public class BackstageExportTests
{
    [Fact]
    public async Task Backstage_ExportOfHostileNames_IsAcceptedByBackstagesCatalogModel()
    {
        var longName = new string('x', 90);
        using var repo = new TempRepository("backstage-cli")
            .With("services/billing api/package.json", "{ \"name\": \"@acme/billing api!!\", \"dependencies\": { \"pg\": \"8.11.0\", \"openai\": \"4.0.0\", \"express\": \"4.19.0\" } }")
            .With("services/billing api/index.js", "const { Pool } = require('pg');\nconst OpenAI = require('openai');\n")
            .With($"services/{longName}/requirements.txt", "redis==5.0.0\n").With($"services/{longName}/Dockerfile", "FROM python:3.12\n")
            .With("services/pay ment/requirements.txt", "redis==5.0.0\n").With("services/pay ment/Dockerfile", "FROM python:3.12\n")
            .With("services/pay-ment/requirements.txt", "stripe==9.0.0\n").With("services/pay-ment/Dockerfile", "FROM python:3.12\n")
            .With("services/ünïcødé/go.mod", "module example.com/x\n\ngo 1.22\n\nrequire github.com/jackc/pgx/v5 v5.5.0\n");
        var file = Path.Combine(repo.Root, "catalog-info.yaml");
        var run = await CliRun.Of("scan", repo.Root, "--format", "backstage", "--out", file, "--no-progress");
        run.ExitCode.ShouldBe(ExitCodes.Success);
        var yaml = await File.ReadAllTextAsync(file);
        yaml.ShouldContain("kind: Component");
        yaml.ShouldContain("kind: Resource");
        yaml.ShouldContain("kind: API");
        yaml.ShouldContain("- api:default/openai");
        yaml.ShouldContain("name: pay-ment-2");
        yaml.ShouldContain($"name: {new string('x', 60)}\n");

        var (code, output) = await Validate(file);
        code.ShouldBe(0, output);
        output.ShouldContain(" entities, 0 problems");
    }

    [Fact]
    public async Task Validator_RejectsAnInvalidEntity()
    {
        using var repo = new TempRepository("backstage-bad").With("catalog-info.yaml",
            "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: \"bad name!\"\nspec:\n  type: service\n");
        var (code, output) = await Validate(repo.PathOf("catalog-info.yaml"));
        code.ShouldBe(1);
        output.ShouldContain("\"metadata.name\" is not valid");
    }

    /// <summary>Runs tests/backstage/validate.mjs (Backstage's @backstage/catalog-model; test.sh installs it).</summary>
    private static async Task<(int Code, string Output)> Validate(string file)
    {
        var root = RepositoryRoot.Path;
        var script = Path.Combine(root, "tests", "backstage", "validate.mjs");
        Directory.Exists(Path.Combine(root, "tests", "backstage", "node_modules")).ShouldBeTrue("run ./test.sh, which installs tests/backstage with npm ci");
        using var node = Process.Start(new ProcessStartInfo("node", [script, file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await node.StandardOutput.ReadToEndAsync() + await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        return (node.ExitCode, output);
    }
}
