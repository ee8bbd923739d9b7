using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Panoptic.Server.CostSources;

namespace Panoptic.Server.Tests.CostSources;

public sealed class CsvCostImportTests
{
    [Fact]
    public void Parse_QuotedFieldsAcrossLines_KeepsTheLineNumbersOfLaterRows()
    {
        var result = CsvCostImport.Parse("\uFEFFDate,Provider,Cost_USD,Description\r\n2026-11-01,Open AI,1.50,\"fees,\nsecond line\"\r\n2026-11-02,Anthropic,oops,x\r\n");
        result.Errors.ShouldBe([new CsvCostImport.LineError(4, "cost_usd 'oops' is not an amount in dollars such as 12.34")]);
        result.Rows.ShouldBeEmpty();
        var good = CsvCostImport.Parse("date,provider,cost_usd,description\n2026-11-01,Open AI,1.50,\"fees, \"\"EU\"\"\"\n2026-11-02T23:30:00-02:00,Claude,-0.25,refund\n");
        good.Errors.ShouldBeEmpty();
        good.Rows.Select(r => (r.Day, r.Provider, r.CostNanos, r.Description)).ShouldBe([
            (new DateOnly(2026, 11, 1), "openai", 1_500_000_000L, "fees, \"EU\""), (new DateOnly(2026, 11, 3), "anthropic", -250_000_000L, "refund")]);
        CsvCostImport.Parse("date,provider,cost_usd\n2026-11-01,x,\"1\n").Errors.ShouldBe([new CsvCostImport.LineError(2, "a quoted field is never closed")]);
    }

    [Fact]
    public void Parse_AnyWrittenInvoice_ReadsBackEveryCent()
    {
        var row = from day in Gen.Choose(0, 400)
                  from cents in Gen.Choose(-100_000, 10_000_000)
                  from provider in Gen.Elements("openai", "Stripe", "Twilio SMS", "a,b", "say \"hi\"")
                  select (Day: new DateOnly(2026, 1, 1).AddDays(day), Cents: cents, Provider: provider);
        Prop.ForAll(row.ListOf().ToArbitrary(), rows =>
        {
            var list = rows.ToList();
            var csv = "date,provider,cost_usd\n" + string.Concat(list.Select(r =>
                $"{r.Day:yyyy-MM-dd},\"{r.Provider.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{(r.Cents / 100m).ToString(CultureInfo.InvariantCulture)}\n"));
            var parsed = CsvCostImport.Parse(csv);
            return parsed.Errors.Count == 0 && parsed.Rows.Count == list.Count
                && parsed.Rows.Zip(list).All(p => p.First.Day == p.Second.Day && p.First.CostNanos == p.Second.Cents * 10_000_000L
                    && p.First.Provider == ProviderNames.Provider(p.Second.Provider));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("claude-3-5-haiku-20241022", "claude-3-5-haiku")]
    [InlineData("GPT-4o-mini", "gpt-4o-mini")]
    public void Model_DropsTheSnapshotDate(string model, string expected) => ProviderNames.Model(model).ShouldBe(expected);

    [Theory]
    [InlineData("o3-mini", "openai")]
    [InlineData("claude-sonnet-4", "anthropic")]
    [InlineData("gemini-2.5-pro", "gemini")]
    [InlineData("llama-3", "unknown")]
    public void ProviderOfModel_FollowsTheModelsName(string model, string provider) => ProviderNames.ProviderOfModel(model).ShouldBe(provider);
}
