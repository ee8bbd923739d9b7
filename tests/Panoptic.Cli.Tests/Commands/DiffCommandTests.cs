using System.Text.Json;
using Panoptic.TestUtilities;

namespace Panoptic.Cli.Tests.Commands;

public class DiffCommandTests
{
    /// <summary>Two real registries of one repository: before, a hard-coded key; after, the key gone and OpenAI added.</summary>
    private static async Task<(TempRepository Repo, string Old, string New)> TwoRegistries()
    {
        var repo = new TempRepository("diff-cli")
            .With("requirements.txt", "fastapi==0.110\n")
            .With("main.py", "from fastapi import FastAPI\napp = FastAPI()\nKEY = 'AKIAIOSFODNN7EXAMPLE'\n");
        var old = Path.Combine(Path.GetTempPath(), $"panoptic-diff-{Guid.NewGuid():N}-old.json");
        var @new = old.Replace("-old.json", "-new.json", StringComparison.Ordinal);
        (await CliRun.Of("check", repo.Root, "--fail-on", "none", "--format", "json", "--no-progress", "--out", old)).ExitCode.ShouldBe(0);
        repo.With("requirements.txt", "fastapi==0.110\nopenai==1.40.0\n")
            .With("main.py", "import os\nfrom fastapi import FastAPI\nfrom openai import OpenAI\napp = FastAPI()\nclient = OpenAI(api_key=os.environ['OPENAI_API_KEY'])\n");
        (await CliRun.Of("check", repo.Root, "--fail-on", "none", "--format", "json", "--no-progress", "--out", @new)).ExitCode.ShouldBe(0);
        return (repo, old, @new);
    }

    [Fact]
    public async Task Diff_ShowsTheNewPaidApiTheFixedCheckAndTheScoreDelta()
    {
        var (repo, old, @new) = await TwoRegistries();
        using var _ = repo;
        using var cleanup = new DeleteOnDispose(old, @new);
        var run = await CliRun.Of("diff", old, @new);
        run.ExitCode.ShouldBe(ExitCodes.Success);
        run.Out.ShouldContain("+ added   OpenAI (openai, llm)");
        run.Out.ShouldMatch(@"readiness: score \d+\.\d → \d+\.\d \(\+\d+\.\d\)");
        run.Out.ShouldMatch(@"fail → pass \[blocking\] security\.no_hardcoded_secrets");

        var markdown = await CliRun.Of("diff", old, @new, "--format", "markdown");
        markdown.Out.ShouldStartWith("## Panoptic: what changed");
        markdown.Out.ShouldContain("- **added** OpenAI (`openai`, llm)");

        using var json = JsonDocument.Parse((await CliRun.Of("diff", old, @new, "--format", "json")).Out);
        json.RootElement.GetProperty("external_apis")[0].GetProperty("id").GetString().ShouldBe("openai");
        json.RootElement.GetProperty("external_apis")[0].GetProperty("change").GetString().ShouldBe("added");
        var readiness = json.RootElement.GetProperty("readiness");
        readiness.GetProperty("new_score").GetDouble().ShouldBeGreaterThan(readiness.GetProperty("old_score").GetDouble());

        // Reversed, the API is removed and the check regresses.
        var back = await CliRun.Of("diff", @new, old);
        back.Out.ShouldContain("- removed OpenAI (openai, llm)");
        back.Out.ShouldMatch(@"pass → fail \[blocking\] security\.no_hardcoded_secrets");
        (await CliRun.Of("diff", old, old)).Out.ShouldContain("no changes");
    }

    [Theory]
    [InlineData("{\"schema\": \"panoptic/registry@1\"", "not a JSON registry")]
    [InlineData("[1, 2]", "not a Panoptic registry")]
    [InlineData("{\"schema\": 7}", "not a Panoptic registry")]
    [InlineData("", "not a JSON registry")]
    public async Task Diff_BadRegistry_IsAClearErrorWithExitCode2(string content, string message)
    {
        var bad = Path.Combine(Path.GetTempPath(), $"panoptic-diff-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(bad, content);
        try
        {
            var run = await CliRun.Of("diff", bad, bad);
            run.ExitCode.ShouldBe(ExitCodes.InvalidInput);
            run.Error.ShouldStartWith($"panoptic: {bad}: {message}");
            run.Out.ShouldBeEmpty();
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public async Task Diff_HostileInput_MissingFileAndDeepNesting_AreClearErrors()
    {
        (await CliRun.Of("diff", "/nonexistent/old.json", "/nonexistent/new.json")).Error.ShouldBe("panoptic: /nonexistent/old.json: no such file\n");
        var deep = Path.Combine(Path.GetTempPath(), $"panoptic-diff-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(deep, new string('[', 100_000) + new string(']', 100_000));
        try
        {
            var run = await CliRun.Of("diff", deep, deep);
            run.ExitCode.ShouldBe(ExitCodes.InvalidInput);
            run.Error.ShouldStartWith($"panoptic: {deep}: not a JSON registry");
        }
        finally
        {
            File.Delete(deep);
        }
    }

    private sealed class DeleteOnDispose(params string[] files) : IDisposable
    {
        public void Dispose()
        {
            foreach (var file in files) File.Delete(file);
        }
    }
}
