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
