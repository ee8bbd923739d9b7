using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Readiness;

namespace Panoptic.Scanner.Tests.Readiness;

public class ReadinessCatalogTests
{
    private static readonly ReadinessCatalog Catalog = ReadinessCatalog.LoadEmbedded();

    [Fact]
    public void LoadEmbedded_HasTenCategoriesAndAtLeast80ValidChecks()
    {
        Catalog.Categories.Select(c => c.Id).ShouldBe(["identity", "payments", "email", "support", "legal", "security", "observability", "infra", "ux", "analytics"]);
        Catalog.Checks.Count.ShouldBeGreaterThanOrEqualTo(80);
        Catalog.Checks.Select(c => c.Id).ShouldBeUnique();
        foreach (var check in Catalog.Checks)
        {
            check.Id.ShouldStartWith(check.Category + ".");
            (check.AppliesIf is null || Catalog.Preconditions.ContainsKey(check.AppliesIf)).ShouldBeTrue(check.Id);
            (!check.Detect.IsEmpty || check.UnknowableFromCode || check.Inverted || check.AbsenceMeans == "needs_manual_confirmation").ShouldBeTrue($"{check.Id} can never pass");
        }
        Catalog.Checks.Count(c => c.Blocking).ShouldBeGreaterThan(10);
    }

    [Fact]
    public void Parse_BadEntries_NameTheirKey()
    {
        const string head = "preconditions: { has_web_ui: x }\ncategories:\n  - id: identity\n    title: Identity\n    checks:\n";
        const string check = "      - { id: identity.a, title: A, why: W, blocking: true, risk: {0}, absence_means: fail, unknowable_from_code: false, detect: {1} }\n";
        Should.Throw<CatalogException>(() => ReadinessCatalog.Parse(head + check.Replace("{0}", "huge").Replace("{1}", "{ code: [x] }"))).Message.ShouldContain("identity.a.risk: 'huge'");
        Should.Throw<CatalogException>(() => ReadinessCatalog.Parse(head + check.Replace("{0}", "low").Replace("{1}", "{ code: ['(unclosed'] }"))).Message.ShouldContain("is not a valid regex");
        Should.Throw<CatalogException>(() => ReadinessCatalog.Parse(head + check.Replace("{0}", "low").Replace("{1}", "{ smells: [x] }"))).Message.ShouldContain("unknown signal kind 'smells'");
    }

    [Fact]
    public void UnanchoredPatterns_RunWholeFilesInLinearTime()
    {
        const string yaml = "preconditions: { has_web_ui: x }\ncategories:\n  - id: identity\n    title: Identity\n    checks:\n"
            + "      - { id: identity.a, title: A, why: W, blocking: true, risk: low, absence_means: fail, unknowable_from_code: false, detect: { code: ['(x+x+)+y', 'a(?!bcdef)'] } }\n";
        var patterns = new ReadinessPatterns(ReadinessCatalog.Parse(yaml));
        var hostile = new string('x', 5000);

        var nested = patterns.All[0];
        nested.Anchors.ShouldBeNull();
        Should.Throw<RegexMatchTimeoutException>(() => nested.Regex.IsMatch(hostile));
        nested.FileRegex.IsMatch(hostile).ShouldBeFalse();
        nested.FileRegex.IsMatch(hostile + "y").ShouldBeTrue();

        // Lookarounds need the backtracking engine; such a pattern keeps its catalog regex.
        patterns.All[1].FileRegex.ShouldBeSameAs(patterns.All[1].Regex);
    }

    [Fact]
    public void LineRegex_IsCompiledOnceItHasRunOftenEnough()
    {
        var pattern = new ReadinessPatterns(Catalog).All.First(p => p.Anchors is not null);
        for (var i = 1; i < ReadinessPatterns.Pattern.CompileAfter; i++) pattern.ForLine().ShouldBeSameAs(pattern.Regex);
        var compiled = pattern.ForLine();
        compiled.Options.HasFlag(RegexOptions.Compiled).ShouldBeTrue();
        compiled.ToString().ShouldBe(pattern.Regex.ToString());
        pattern.ForLine().ShouldBeSameAs(compiled);
    }

    [Fact]
    public void CodePatterns_MostHaveAnchorsForTheLiteralPass()
    {
        var patterns = Catalog.Checks.SelectMany(c => new[] { c.Detect, c.FailIf, c.DelegatedIf }).OfType<SignalSet>().SelectMany(s => s.Code).Select(r => r.ToString()).Distinct().ToList();
        var without = patterns.Where(p => RegexAnchor.Extract(p) is null).ToList();
        // Patterns without a literal of four characters run over whole files; keep them rare.
        (without.Count * 5).ShouldBeLessThan(patterns.Count, string.Join(" | ", without));
        // And the ones that remain should run on the linear-time engine: no lookarounds or backreferences.
        without.ShouldAllBe(p => !p.Contains("(?=") && !p.Contains("(?!") && !p.Contains("(?<") && !p.Contains("\\k<"), string.Join(" | ", without));
    }
}

public class RegexAnchorTests
{
    [Theory]
    [InlineData("GeneratePasswordResetTokenAsync", "GeneratePasswordResetTokenAsync")]
    [InlineData(@"bcrypt\.(hash|Hash|GenerateFromPassword)", "bcrypt.")]
    [InlineData(@"make_password\(", "make_password(")]
    [InlineData("BCryptPasswordEncoder|Argon2PasswordEncoder", "BCryptPasswordEncoder|Argon2PasswordEncoder")]
    [InlineData(@"(md5|sha1|sha256)\(.*password", "password")]
    [InlineData("a?bcdefg", "bcdefg")]
    [InlineData("abcd*efgh", "efgh")]
    [InlineData("x{0,3}yyyyy", "yyyyy")]
    [InlineData(@"Depends\(.*current_user", "current_user")]
    [InlineData(@"(execute|query|raw)\(", "execute|query|raw")]
    [InlineData(@"log(ger)?\.(info|error)\([^)]*(password|token)\b", "password|token")]
    [InlineData(@"(?:exec|run)\s*\(|unsafeQuery", "exec|run|unsafeQuery")]
    public void Extract_FindsTheRequiredLiteral(string pattern, string expected) =>
        string.Join("|", RegexAnchor.Extract(pattern)!).ShouldBe(expected);

    [Theory]
    [InlineData(@"\d+\.\d+")]
    [InlineData("(?i)password")]
    [InlineData("abc|defghij")]
    [InlineData("[A-Z]{20}")]
    [InlineData(@"(exec|run)?\(x\)")]
    [InlineData(@"(exec|ab)\(")]
    public void Extract_WithoutALongEnoughLiteral_IsNull(string pattern) => RegexAnchor.Extract(pattern).ShouldBeNull();

    [Fact]
    public void Extract_EveryMatchContainsAnAnchor()
    {
        string[] patterns = [@"bcrypt\.(hash|Hash)", @"(md5|sha1)\(.*password", "ab?cdef+g", "Stripe(Client|Signature)|constructEvent", @"verify_signature\(\s*payload", @"(hash|sign)\(x", @"(?:md5|Client)+ab", @"ab(md5|sign)\(.*(password|Client)"];
        var pieces = Gen.Elements("bcrypt", ".", "hash", "Hash", "md5", "sha1", "(", ")", "password", "a", "b", "cdef", "ff", "g", "Stripe", "Client", "Signature",
            "constructEvent", "verify_signature", " ", "payload", "x", "sign", "ab");
        var texts = Gen.ListOf(pieces).Select(p => string.Concat(p));
        Prop.ForAll(texts.ToArbitrary(), text => patterns.All(pattern =>
            !Regex.IsMatch(text, pattern) || RegexAnchor.Extract(pattern)!.Any(anchor => text.Contains(anchor, StringComparison.Ordinal))))
            .QuickCheckThrowOnFailure();
    }
}

public class PathGlobTests
{
    private static readonly string[] CatalogGlobs = [.. ReadinessCatalog.LoadEmbedded().Checks
        .SelectMany(c => new[] { c.Detect, c.FailIf, c.DelegatedIf }).OfType<SignalSet>().SelectMany(s => s.Paths).Select(g => g.Glob).Distinct()];

    [Theory]
    [InlineData("**/*forgot*password*", "password")]
    [InlineData("CHANGELOG*", "CHANGELOG")]
    [InlineData("docs/docs.json", "docs.json")]
    [InlineData("**/.vitepress/config.*", ".vitepress")]
    [InlineData("**/[Tt]erms*", null)]
    [InlineData("**", null)]
    public void RequiredLiteral_IsTheLongestPlainPiece(string glob, string? expected) =>
        PathGlob.RequiredLiteral(glob).ShouldBe(expected);

    [Theory]
    [InlineData("**/*forgot*password*", "src/auth/ForgotPassword.tsx", true)]
    [InlineData("**/*forgot*password*", "src/auth/forgot-PASSWORD.tsx", true)]
    [InlineData("**/*forgot*password*", "src/forgot-password/page.tsx", false)]
    [InlineData("**/*forgot*password*", "src/auth/reset.tsx", false)]
    [InlineData("CHANGELOG*", "changelog.md", true)]
    [InlineData("CHANGELOG*", "packages/a/CHANGELOG.md", false)]
    public void IsMatch_IsCaseInsensitiveAndAnchored(string glob, string path, bool expected) =>
        new PathGlob(glob).IsMatch(path).ShouldBe(expected);

    /// <summary>The literal pre-filter is only an optimization: it must never reject a path the glob's matcher accepts.</summary>
    [Fact]
    public void IsMatch_AgreesWithTheMatcher_ForEveryCatalogGlob()
    {
        var segment = Gen.Elements("a", "B", "src", "x-y", "Docs", "é").ListOf().Select(parts => string.Concat(parts));
        var cases = from glob in Gen.Elements(CatalogGlobs) from fill in segment from prefix in segment from upper in Gen.Elements(true, false) select (glob, fill, prefix, upper);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (glob, fill, prefix, upper) = c;
            // A path the glob matches by construction: wildcards filled in, then the case of everything flipped.
            var path = (prefix.Length > 0 ? prefix + "/" : "") + glob.TrimStart('*', '/').Replace("**", fill + "/" + fill, StringComparison.Ordinal).Replace("*", fill, StringComparison.Ordinal).Replace("?", "q", StringComparison.Ordinal);
            if (upper) path = path.ToUpperInvariant();
            return new PathGlob(glob).IsMatch(path) == Panoptic.Scanner.Walking.GlobMatcher.Compile(glob, ignoreCase: true).IsMatch(path);
        }).QuickCheckThrowOnFailure();
    }
}

public class UnanchoredPatternTests
{
    private static readonly ReadinessPatterns Patterns = new(ReadinessCatalog.LoadEmbedded());
    private static readonly PatternScope[] Code = [PatternScope.Code];

    private static List<string> Selected(string text) => [.. Patterns.UnanchoredToRun(text, Code).Select(i => Patterns.All[i].Regex.ToString())];

    [Theory]
    [InlineData("var cs = \"Server=db;PASSWORD=hunter2secret;\";", "(?i)Password=")]
    [InlineData("gtag('config', 'G-ABC1234XYZ');", "G-[A-Z0-9]")]
    [InlineData("title = _('Welcome back')", "gettext\\(")]
    public void UnanchoredToRun_SelectsThePatternWhoseLiteralTheFileHolds_InAnyCase(string text, string patternStart)
    {
        var selected = Selected(text);
        selected.ShouldContain(p => p.StartsWith(patternStart, StringComparison.Ordinal));
        // Whatever the filter selects, the regex itself decides: it does match here.
        Patterns.All.Single(p => p.Regex.ToString().StartsWith(patternStart, StringComparison.Ordinal)).FileRegex.IsMatch(text).ShouldBeTrue();
    }

    [Fact]
    public void UnanchoredToRun_SkipsPatternsWhoseLiteralsAreAbsent_ButNeverOnesWithoutLiterals()
    {
        var plain = Selected("def add(a, b):\n    return a + b\n");
        plain.ShouldNotContain(p => p.StartsWith("(?i)Password=", StringComparison.Ordinal));
        plain.ShouldNotContain(p => p.StartsWith("G-", StringComparison.Ordinal));
        var withoutLiterals = Patterns.All.Select((p, i) => (p, i)).Where(x => x.p.Anchors is null && x.p.Scope == PatternScope.Code
            && RegexAnchor.Extract(x.p.Regex.ToString().Replace("(?i)", "", StringComparison.Ordinal), minimumLength: 2) is null).Select(x => x.p.Regex.ToString()).ToList();
        withoutLiterals.ShouldNotBeEmpty();
        plain.ShouldBe(withoutLiterals);
    }

    [Fact]
    public void UnanchoredToRun_IgnoresPatternsOutsideTheFilesScopes() =>
        Patterns.UnanchoredToRun("ttl = 300", [PatternScope.Config]).ShouldAllBe(i => Patterns.All[i].Scope == PatternScope.Config);
}
