using FsCheck;
using FsCheck.Fluent;
using Panoptic.Scanner.Walking;

namespace Panoptic.Scanner.Tests.Walking;

public class GitIgnoreTests
{
    private static GitIgnore Parse(params string[] lines) => GitIgnore.Parse("", lines);

    [Theory]
    [InlineData("*.log", "app.log", false, true)]
    [InlineData("*.log", "deep/dir/app.log", false, true)]
    [InlineData("/build", "build", true, true)]
    [InlineData("/build", "src/build", true, null)]
    [InlineData("docs/", "docs", true, true)]
    [InlineData("docs/", "docs", false, null)]
    [InlineData("a/**/b", "a/x/y/b", true, true)]
    [InlineData("a/**/b", "a/b", true, true)]
    [InlineData("**/logs", "x/logs", true, true)]
    [InlineData("secret?.txt", "secret1.txt", false, true)]
    [InlineData("[abc].py", "b.py", false, true)]
    [InlineData("[!abc].py", "b.py", false, null)]
    [InlineData("\\#notes", "#notes", false, true)]
    [InlineData("# comment", "# comment", false, null)]
    public void Match_Pattern_GivesGitVerdict(string pattern, string path, bool isDirectory, bool? expected) =>
        Parse(pattern).Match(path, isDirectory).ShouldBe(expected);

    [Fact]
    public void Match_NegationAfterPattern_ReIncludes()
    {
        var ignore = Parse("*.env", "!example.env");
        ignore.Match("prod.env", false).ShouldBe(true);
        ignore.Match("example.env", false).ShouldBe(false);
    }

    [Fact]
    public void Match_NestedBasePath_OnlySpeaksOfItsFolder()
    {
        var ignore = GitIgnore.Parse("services/api", ["/generated"]);
        ignore.Match("services/api/generated", true).ShouldBe(true);
        ignore.Match("generated", true).ShouldBeNull();
        ignore.Match("services/web/generated", true).ShouldBeNull();
    }

    [Fact]
    public void Match_AnyPlainName_MatchesItselfAtAnyDepth() =>
        Prop.ForAll(
            Gen.Elements("alpha", "b-c", "d_e", "f.g", "h1").ToArbitrary(),
            Gen.Elements("", "x/", "x/y/").ToArbitrary(),
            (name, prefix) => Parse(name).Match(prefix + name, false) == true && Parse(name).Match(prefix + name + "z", false) is null)
        .QuickCheckThrowOnFailure();
}
