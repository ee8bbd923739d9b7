using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Panoptic.Scanner.Walking;
using Panoptic.TestUtilities;

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

    [Fact]
    public async Task Match_TwentyDoubleStarSegments_AnswersOnADeepPathWithoutBacktracking()
    {
        // As a regex per pattern this ran for minutes (exponential in the number of `**/`); the matcher is linear.
        var ignore = Parse(string.Concat(Enumerable.Repeat("**/", 20)) + "nomatch", string.Concat(Enumerable.Repeat("**/", 20)) + "leaf.txt");
        var deep = string.Join('/', Enumerable.Range(0, 25).Select(i => $"level{i}"));

        var verdicts = await Task.Run(() => (Miss: ignore.Match(deep + "/nomatch.txt", false), Hit: ignore.Match(deep + "/leaf.txt", false)))
            .WaitAsync(TimeSpan.FromSeconds(5));

        verdicts.Miss.ShouldBeNull();
        verdicts.Hit.ShouldBe(true);
    }

    [Fact]
    public async Task Walk_GitIgnoreOfTwentyDoubleStars_ScansADeepTreeWithoutHanging()
    {
        var deep = string.Join('/', Enumerable.Range(0, 25).Select(i => $"d{i}"));
        using var repo = new TempRepository()
            .With(".gitignore", string.Concat(Enumerable.Repeat("**/", 20)) + "nomatch\n")
            .With(deep + "/app.py", "import redis")
            .With(deep + "/nomatch", "x");

        using var hangGuard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await Task.Run(() => new RepositoryWalker(repo.Root, 1024).Walk(hangGuard.Token)).WaitAsync(TimeSpan.FromSeconds(10));

        result.Files.Select(f => f.Path).ShouldContain(deep + "/app.py");
        result.Skipped.ShouldContain(new SkippedEntry(deep + "/nomatch", SkipReason.Gitignored));
    }

    [Fact]
    public void Match_TwentyThousandPlainPatterns_AreLookedUpAndKeepLastMatchWins()
    {
        var lines = Enumerable.Range(0, 20_000).Select(i => i % 2 == 0 ? $"name{i}" : $"/dir{i}/file").ToList();
        lines.Add("*.log");
        lines.Add("!name10");
        var ignore = Parse([.. lines]);

        ignore.Match("a/b/name4", false).ShouldBe(true);
        ignore.Match("dir3/file", false).ShouldBe(true);
        ignore.Match("x/dir3/file", false).ShouldBeNull();
        ignore.Match("a/name10", false).ShouldBe(false);
        ignore.Match("name10.log", false).ShouldBe(true);
        ignore.Match("a/other", false).ShouldBeNull();
    }

    [Fact]
    public void Match_PlainPatternBeforeANegatingGlob_LetsTheLaterGlobWin()
    {
        var ignore = Parse("build", "!bui*", "/keep", "!/kee?");
        ignore.Match("x/build", true).ShouldBe(false);
        ignore.Match("keep", false).ShouldBe(false);
    }

    /// <summary>The matcher keeps the semantics the regex translation had, on globs and paths small enough to backtrack.</summary>
    [Fact]
    public void Match_AgreesWithTheRegexTranslation_OnSmallGlobs()
    {
        var glob = Gen.Elements("a", "b", "/", "*", "**", "**/", "?", "[ab]", "[!a]").ListOf().Select(parts => string.Concat(parts)).Where(g => g.Trim('/').Length > 0);
        var path = Gen.Elements("a", "b", "c", "ab", "/").ListOf().Select(parts => string.Concat(parts)).Where(p => p.Length > 0 && !p.StartsWith('/') && !p.EndsWith('/') && !p.Contains("//", StringComparison.Ordinal));
        Prop.ForAll(glob.ToArbitrary(), path.ToArbitrary(), (g, p) =>
        {
            var anchored = g.TrimEnd('/').Contains('/');
            var body = ReferenceRegex(g.TrimEnd('/').TrimStart('/'));
            var expected = new Regex(anchored ? $"^{body}$" : $"^(?:.*/)?{body}$", RegexOptions.CultureInvariant | RegexOptions.Singleline).IsMatch(p);
            return (Parse(g).Match(p, isDirectory: true) == true) == expected;
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>The translation GitIgnore used before its matcher, kept as the oracle of the property above.</summary>
    private static string ReferenceRegex(string glob)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    var atStart = i == 0 || glob[i - 1] == '/';
                    var atEnd = i + 2 == glob.Length;
                    var slashAfter = i + 2 < glob.Length && glob[i + 2] == '/';
                    if (atStart && slashAfter) { sb.Append("(?:.*/)?"); i += 2; }
                    else if (atStart && atEnd) { sb.Append(".*"); i += 1; }
                    else { sb.Append("[^/]*"); i += 1; }
                    break;
                case '*': sb.Append("[^/]*"); break;
                case '?': sb.Append("[^/]"); break;
                case '[':
                    var close = glob.IndexOf(']', i + 1);
                    var set = glob[(i + 1)..close];
                    sb.Append('[').Append(set.StartsWith('!') ? "^/" + set[1..] : set).Append(']');
                    i = close;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.ToString();
    }
}
