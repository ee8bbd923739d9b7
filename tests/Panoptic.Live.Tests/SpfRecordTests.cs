using FsCheck;
using FsCheck.Fluent;
using Panoptic.Live;

namespace Panoptic.Live.Tests;

public sealed class SpfRecordTests
{
    [Theory]
    [InlineData("v=spf1 include:_spf.google.com ~all", 2, null)]
    [InlineData("v=spf1 a mx/24 a:mail.example.com/28//64 ip6:2001:db8::/32 exists:%{i}._spf.%{d} -all", 6, null)]
    [InlineData("v=spf1 redirect=_spf.example.com", 1, null)]
    [InlineData("v=spf1 ip4:192.0.2.1/33 -all", 0, "ip4:192.0.2.1/33")]
    [InlineData("v=spf1 include -all", 0, "include")]
    [InlineData("v=spf1 all:x", 0, "all:x")]
    [InlineData("v=spf1 foo -all", 0, "foo")]
    public void Parse_Terms_AreReadOrTheFirstBadOneIsNamed(string text, int terms, string? invalid)
    {
        var record = SpfRecord.Parse(text);
        record.Invalid.ShouldBe(invalid);
        if (invalid is null) record.Terms.Count.ShouldBe(terms);
    }

    [Fact]
    public void Lookups_CountIncludeAMxPtrExistsAndRedirect_NotIpOrAll()
    {
        var record = SpfRecord.Parse("v=spf1 ip4:192.0.2.0/24 include:a.test a mx ptr exists:x.test ip6:::1 redirect=b.test");
        record.Lookups.Select(t => t.Name).ShouldBe(["include", "a", "mx", "ptr", "exists", "redirect"]);
        record.Redirect.ShouldBe("b.test");
        record.All.ShouldBeNull();
    }

    [Fact]
    public void Parse_AnyText_NeverThrows() =>
        Prop.ForAll(Gen.Elements("v=spf1", "v=spf1 ").SelectMany(head => ArbMap.Default.GeneratorFor<string>().Select(tail => head + (tail ?? ""))).ToArbitrary(),
            text => SpfRecord.Parse(text) is not null)
        .QuickCheckThrowOnFailure();

    [Fact]
    public void Parse_ValidTermsInAnyOrder_AreAllKept() =>
        Prop.ForAll(Gen.Elements("a", "mx", "ptr", "-all", "~all", "?all", "+all", "include:x.test", "exists:%{i}.y.test", "ip4:10.0.0.0/8", "ip6:2001:db8::1", "a:h.test/24", "exp=e.test")
                .ListOf().ToArbitrary(),
            terms => SpfRecord.Parse("v=spf1 " + string.Join(' ', terms)) is { Invalid: null } record && record.Terms.Count == terms.Count)
        .QuickCheckThrowOnFailure();
}
