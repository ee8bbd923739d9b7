using System.Text.RegularExpressions;
using Panoptic.Live;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Live.Tests;

public sealed partial class DkimSelectorsTests
{
    private static readonly string[] MailHosts = ["google-workspace", "microsoft-365", "zoho"];

    [Fact]
    public void Embedded_EveryEntry_IsValid()
    {
        var providers = DkimSelectors.All;
        providers.Count.ShouldBeGreaterThanOrEqualTo(10);
        providers.Select(p => p.Id).ShouldBeUnique();
        var catalog = TechnologyCatalog.LoadEmbedded();
        foreach (var provider in providers)
        {
            (provider.Selectors.Count > 0 || provider.Note is not null).ShouldBeTrue(provider.Id);
            provider.Selectors.ShouldAllBe(s => Label().IsMatch(s), provider.Id);
            if (!MailHosts.Contains(provider.Id))
                catalog.Technologies.ShouldContain(t => t.Id == provider.Id && t.Category == "email", $"{provider.Id} is an email API of the catalog");
        }
        providers.Single(p => p.Id == "sendgrid").Selectors.ShouldBe(["s1", "s2"]);
        providers.Single(p => p.Id == "microsoft-365").Selectors.ShouldBe(["selector1", "selector2"]);
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex Label();
}
