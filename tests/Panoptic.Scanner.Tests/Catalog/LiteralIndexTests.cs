using FsCheck;
using FsCheck.Fluent;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Tests.Catalog;

public class LiteralIndexTests
{
    private static readonly string[] Literals = ["://", "sk-", "api.openai.com", "api.openrouter.ai", ".supabase.co", "UseNpgsql(", "client('s3'", "gpt-4o", "gpt-4", "AKIA", "aaaa", "aaab"];
    private static readonly LiteralIndex Index = new(Literals.Select(l => new LiteralTarget(l, LiteralKind.Code, null)));

    private static List<(string, int)> Naive(string text)
    {
        var hits = new List<(string, int)>();
        foreach (var literal in Literals)
        {
            for (var i = text.IndexOf(literal, StringComparison.Ordinal); i >= 0; i = text.IndexOf(literal, i + 1, StringComparison.Ordinal)) hits.Add((literal, i));
        }
        return hits;
    }

    private static List<(string, int)> Indexed(string text)
    {
        var hits = new List<LiteralHit>();
        Index.FindAll(text, hits);
        return [.. hits.Select(h => (h.Target.Literal, h.Position))];
    }

    [Fact]
    public void FindAll_FindsOverlappingAndAdjacentLiterals() =>
        Indexed("x = 'gpt-4o' + \"https://api.openai.com\"; aaaab; o.UseNpgsql(cs); boto3.client('s3')")
            .OrderBy(h => h.Item2).ThenBy(h => h.Item1, StringComparer.Ordinal)
            .ShouldBe(Naive("x = 'gpt-4o' + \"https://api.openai.com\"; aaaab; o.UseNpgsql(cs); boto3.client('s3')").OrderBy(h => h.Item2).ThenBy(h => h.Item1, StringComparer.Ordinal));

    [Fact]
    public void FindAll_AgreesWithNaiveSearchOnAnyText()
    {
        var pieces = Gen.Elements(Literals.Concat(["a", "k", "-", " ", "\n", "api.", ".co", "gpt", "ü", "😀"]).ToArray());
        var texts = Gen.ListOf(pieces).Select(p => string.Concat(p));
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var expected = Naive(text).OrderBy(h => h.Item2).ThenBy(h => h.Item1, StringComparer.Ordinal).ToList();
            var actual = Indexed(text).OrderBy(h => h.Item2).ThenBy(h => h.Item1, StringComparer.Ordinal).ToList();
            return expected.SequenceEqual(actual);
        }).QuickCheckThrowOnFailure();
    }
}
