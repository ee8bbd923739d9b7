using Panoptic.Scanner.Registry;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Registry;

public class BadInputTests
{
    [Fact]
    public void Scan_MalformedManifests_CompletesAndSaysWhatItCouldNotRead()
    {
        using var repo = new TempRepository("bad")
            .With("js/package.json", "{ \"dependencies\": { \"pg\": ")
            .With("py/pyproject.toml", "[project]\ndependencies = [\"redis\"\n")
            .With("net/Api.csproj", "<Project><ItemGroup><PackageReference Include=\"Npgsql\"></ItemGroup>")
            .With("docker-compose.yml", "services:\n  api:\n    image: [redis\n")
            .With("go/go.mod", "module x\nrequire (\n  not-a-requirement\n")
            .With("ok/app.py", "import pika\n");

        var registry = Scans.Run(repo);

        registry.Problems.Select(p => p.File).ShouldBe(["docker-compose.yml", "go/go.mod", "go/go.mod", "js/package.json", "net/Api.csproj", "py/pyproject.toml"]);
        registry.Problems.Single(p => p.File == "js/package.json").Message.ShouldStartWith("could not parse:");
        registry.Problems.Single(p => p.File == "net/Api.csproj").Line.ShouldBe(1);
        registry.Problems.Where(p => p.File == "go/go.mod").Select(p => p.Message).ShouldBe(["cannot parse requirement 'not-a-requirement'", "require block is not closed"]);
        registry.Entry("rabbitmq").Status.ShouldBe(Statuses.Core);
    }

    [Fact]
    public void Scan_HugeBinaryInvalidAndLoopingInputs_Complete()
    {
        using var repo = new TempRepository("hostile")
            .WithBytes("bad-utf8.py", [0xFF, 0xFE, 0xC3, (byte)'\n', .. "import redis\n"u8.ToArray()])
            .WithBytes("blob.dat.txt", [0, 1, 2, 3, 0])
            .With("app.js", "const k = process.env.STRIPE_KEY;\n")
            .With("weird name 🚀 $(rm -rf).py", "import pymongo\n");
        using (var huge = File.Create(repo.PathOf("dist-bundle.js"))) huge.SetLength(100L * 1024 * 1024);
        Directory.CreateSymbolicLink(repo.PathOf("loop"), repo.Root);

        var registry = Scans.Run(repo);

        registry.Skipped.Entries.ShouldContain(new SkippedItem("dist-bundle.js", "too_large"));
        registry.Skipped.Entries.ShouldContain(new SkippedItem("loop", "symbolic_link"));
        registry.Problems.ShouldBe([new Problem("blob.dat.txt", null, "skipped: binary content")]);
        registry.Entry("redis").Evidence.Single().ShouldBe(new EvidenceEntry("bad-utf8.py", 2, "import", "redis"));
        registry.Entry("mongodb").Evidence.Single().File.ShouldBe("weird name 🚀 $(rm -rf).py");
        // Only read in code, declared nowhere: as weak as a bare dependency.
        registry.Entry("stripe").Status.ShouldBe(Statuses.Unconfirmed);
    }

    [Fact]
    public void Scan_MissingFolder_Throws() =>
        Should.Throw<DirectoryNotFoundException>(() => new RepositoryScanner(Scans.Catalog).Scan(new ScanOptions("/nonexistent/panoptic-repo")));

    [Fact]
    public void Scan_Cancelled_StopsWithCancellation()
    {
        using var repo = Fixtures.Shop();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Should.Throw<OperationCanceledException>(() => new RepositoryScanner(Scans.Catalog).Scan(new ScanOptions(repo.Root), cts.Token));
    }
}
