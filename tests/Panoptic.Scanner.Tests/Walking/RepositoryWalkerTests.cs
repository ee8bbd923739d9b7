using Panoptic.Scanner.Walking;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Walking;

public class RepositoryWalkerTests
{
    [Fact]
    public void Walk_VendoredAndBuildFolders_AreSkippedAndListed()
    {
        using var repo = new TempRepository()
            .With("src/app.py", "import redis")
            .With("node_modules/pg/index.js", "x")
            .With(".venv/lib/site.py", "x")
            .With("bin/Debug/app.dll.config", "x")
            .With("services/api/obj/project.assets.json", "{}");

        var result = new RepositoryWalker(repo.Root, 1024).Walk();

        result.Files.Select(f => f.Path).ShouldBe(["src/app.py"]);
        result.Skipped.ShouldContain(new SkippedEntry("node_modules", SkipReason.VendoredOrBuildFolder));
        result.Skipped.ShouldContain(new SkippedEntry(".venv", SkipReason.VendoredOrBuildFolder));
        result.Skipped.ShouldContain(new SkippedEntry("bin", SkipReason.VendoredOrBuildFolder));
        result.Skipped.ShouldContain(new SkippedEntry("services/api/obj", SkipReason.VendoredOrBuildFolder));
    }

    [Fact]
    public void Walk_NestedGitIgnores_AreHonouredWithNegation()
    {
        using var repo = new TempRepository()
            .With(".gitignore", "*.secret\nlocal/\n")
            .With("a.secret", "x")
            .With("local/notes.txt", "x")
            .With("svc/.gitignore", "!keep.secret\n/tmp-*\n")
            .With("svc/keep.secret", "x")
            .With("svc/tmp-1.txt", "x")
            .With("svc/main.go", "package main");

        var result = new RepositoryWalker(repo.Root, 1024).Walk();

        result.Files.Select(f => f.Path).ShouldBe([".gitignore", "svc/.gitignore", "svc/keep.secret", "svc/main.go"]);
        result.Skipped.Where(s => s.Reason == SkipReason.Gitignored).Select(s => s.Path).ShouldBe(["a.secret", "local", "svc/tmp-1.txt"]);
    }

    [Fact]
    public void Walk_BinaryGeneratedAndOversizedFiles_AreSkippedWithReasons()
    {
        using var repo = new TempRepository()
            .WithBytes("logo.png", [0x89, 0x50])
            .With("api/service.pb.go", "package api")
            .With("web/app.min.js", "x")
            .With("big.json", new string('x', 2000))
            .With("small.json", "{}");

        var result = new RepositoryWalker(repo.Root, 1000).Walk();

        result.Files.Select(f => f.Path).ShouldBe(["small.json"]);
        result.Skipped.ShouldBe(
        [
            new SkippedEntry("api/service.pb.go", SkipReason.Generated),
            new SkippedEntry("big.json", SkipReason.TooLarge),
            new SkippedEntry("logo.png", SkipReason.Binary),
            new SkippedEntry("web/app.min.js", SkipReason.Generated),
        ]);
    }

    [Fact]
    public void Walk_SymlinkLoop_IsListedNeverFollowed()
    {
        using var repo = new TempRepository().With("a/file.txt", "x");
        Directory.CreateSymbolicLink(repo.PathOf("a/loop"), repo.Root);
        File.CreateSymbolicLink(repo.PathOf("a/link.txt"), repo.PathOf("a/file.txt"));

        var result = new RepositoryWalker(repo.Root, 1024).Walk();

        result.Files.Select(f => f.Path).ShouldBe(["a/file.txt"]);
        result.Skipped.ShouldBe([new SkippedEntry("a/link.txt", SkipReason.SymbolicLink), new SkippedEntry("a/loop", SkipReason.SymbolicLink)]);
    }

    [Fact]
    public void Walk_UnreadableFolder_IsReportedAndTheRestIsWalked()
    {
        using var repo = new TempRepository().With("locked/secret.py", "x").With("open/app.py", "x");
        // Tests run as root, where permissions do not bite, so the file system's refusal is simulated at its edge.
        var walker = new RepositoryWalker(repo.Root, 1024)
        {
            ListDirectory = dir => dir.Name == "locked" ? throw new UnauthorizedAccessException("denied") : dir.GetFileSystemInfos(),
        };

        var result = walker.Walk();

        result.Files.Select(f => f.Path).ShouldBe(["open/app.py"]);
        result.Skipped.ShouldBe([new SkippedEntry("locked", SkipReason.Unreadable)]);
    }

    [Fact]
    public void Walk_FolderDeletedMidScan_IsReportedAsVanished()
    {
        using var repo = new TempRepository().With("gone/a.py", "x").With("kept/b.py", "x");
        var walker = new RepositoryWalker(repo.Root, 1024)
        {
            ListDirectory = dir => dir.Name == "gone" ? throw new DirectoryNotFoundException(dir.FullName) : dir.GetFileSystemInfos(),
        };

        var result = walker.Walk();

        result.Files.Select(f => f.Path).ShouldBe(["kept/b.py"]);
        result.Skipped.ShouldBe([new SkippedEntry("gone", SkipReason.Vanished)]);
    }

    [Fact]
    public void Walk_ConfigIgnoreList_SkipsAsIgnoredByConfig()
    {
        using var repo = new TempRepository().With("legacy/old.py", "x").With("app.py", "x");

        var result = new RepositoryWalker(repo.Root, 1024, GitIgnore.Parse("", ["legacy/"], isConfig: true)).Walk();

        result.Files.Select(f => f.Path).ShouldBe(["app.py"]);
        result.Skipped.ShouldBe([new SkippedEntry("legacy", SkipReason.Ignored)]);
    }

    [Fact]
    public void Walk_NamesThatAreNotUtf8_AreReportedAsSuchNotAsVanished()
    {
        using var repo = new TempRepository().With("app.py", "x");
        // .NET cannot write such a name (it encodes every string as UTF-8); bash can, byte by byte.
        using (var touch = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", "touch $'bad\\xffname.py' && mkdir $'dir\\xfe'"]) { WorkingDirectory = repo.Root })!)
        {
            touch.WaitForExit();
            touch.ExitCode.ShouldBe(0);
        }

        var result = new RepositoryWalker(repo.Root, 1024).Walk();

        result.Files.Select(f => f.Path).ShouldBe(["app.py"]);
        result.Skipped.Select(s => s.Reason).ShouldBe([SkipReason.NameNotUtf8, SkipReason.NameNotUtf8]);
        result.Skipped.ShouldNotContain(s => s.Reason == SkipReason.Vanished);
    }
}
