using Panoptic.Scanner.Catalog;
using Panoptic.Sdk.Http;
using Panoptic.Sdk.Pricing;
using Panoptic.Sdk.Providers;
using Panoptic.Server.CostSources;

namespace Panoptic.Server.Tests.Providers;

/// <summary>providers.json joins every name of a provider: the scanner catalog's ids, hosts, spans' names, invoices and the rate card.</summary>
public class ProviderIdentityTests
{
    private static readonly TechnologyCatalog Catalog = TechnologyCatalog.LoadEmbedded();

    [Fact]
    public void EveryCatalogLlm_ResolvesToAProviderTheLedgerKnows()
    {
        var llms = Catalog.Technologies.Where(t => t.Section == RegistrySection.ExternalApi && t.Category == "llm").ToList();
        llms.Count.ShouldBeGreaterThan(20);
        llms.Where(t => ProviderIdentity.Find(t.Id) is null).Select(t => t.Id).ShouldBeEmpty("catalog LLM ids with no entry in providers.json");
    }

    [Fact]
    public void ACatalogEntryAndTheSdk_NameTheSameHostTheSameProvider()
    {
        // The SDK records a call to a host under a provider; the registry lists the catalog entry of that host: the
        // registry's spend join needs both to be one id.
        var checkedHosts = 0;
        foreach (var tech in Catalog.Technologies.Where(t => t.Section is RegistrySection.ExternalApi or RegistrySection.Connection))
        {
            foreach (var host in tech.Hosts)
            {
                var concrete = host.StartsWith('.') || host.StartsWith('-') ? "example" + host : host;
                if (new ProviderHosts().Match(new Uri($"https://{concrete}/")) is not { } recorded) continue;
                checkedHosts++;
                ProviderNames.OfRegistryApi(tech.Id, tech.Provider).ShouldBe(recorded.Provider, $"{tech.Id} ({host})");
            }
        }
        checkedHosts.ShouldBeGreaterThan(20);
    }

    [Fact]
    public void EveryProviderTheRateCardPrices_IsReachedFromACatalogId()
    {
        var card = RateCard.Embedded;
        // Storage is a backend connection in the registry (aws-s3, cloudflare-r2), APIs are external APIs: both count.
        var ledgerOfCatalog = Catalog.Technologies.Where(t => t.Section is RegistrySection.ExternalApi or RegistrySection.Connection).Select(t => ProviderNames.OfRegistryApi(t.Id, t.Provider))
            .Select(ProviderIdentity.PricingId).ToHashSet(StringComparer.Ordinal);
        card.PricedProviders.Where(p => !ledgerOfCatalog.Contains(p)).ShouldBeEmpty("rate-card providers no catalog entry resolves to");
    }

    [Theory]
    [InlineData("gcp.gemini", "gemini")]
    [InlineData("gcp.vertex_ai", "vertex_ai")]
    [InlineData("az.ai.openai", "azure_openai")]
    [InlineData("azure.ai.openai", "azure_openai")]
    [InlineData("mistral_ai", "mistral")]
    [InlineData("x_ai", "xai")]
    [InlineData("Google-Gemini", "gemini")]
    [InlineData("together-ai", "together")]
    [InlineData("Open AI", "openai")]
    [InlineData("some-new-vendor", "some-new-vendor")]
    public void Names_OfSpansInvoicesAndRegistries_ResolveToTheLedgersId(string name, string id) =>
        ProviderNames.Provider(name).ShouldBe(id);

    [Theory]
    [InlineData("azure_openai", "openai")]
    [InlineData("vertex_ai", "gemini")]
    [InlineData("gemini", "gemini")]
    [InlineData("aws.s3", "s3")]
    public void PricingId_PricesCloudHostedModelsAtTheirVendorsCard(string name, string priced) =>
        ProviderIdentity.PricingId(name).ShouldBe(priced);
}
