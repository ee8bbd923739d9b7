using YamlDotNet.RepresentationModel;

namespace Panoptic.Live;

/// <summary>The DKIM selector table, loaded from its embedded data file.</summary>
public static class DkimSelectors
{
    private static readonly Lazy<IReadOnlyList<DkimProvider>> Embedded = new(() =>
    {
        using var stream = typeof(DkimSelectors).Assembly.GetManifestResourceStream("Panoptic.Live.dkim-selectors.yaml")
            ?? throw new InvalidOperationException("the embedded dkim-selectors.yaml is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    });

    public static IReadOnlyList<DkimProvider> All => Embedded.Value;

    internal static IReadOnlyList<DkimProvider> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        return [.. ((YamlSequenceNode)root["providers"]).Cast<YamlMappingNode>().Select(entry => new DkimProvider(
            Scalar(entry, "id") ?? throw new InvalidOperationException("a DKIM provider has no id"),
            Scalar(entry, "name") ?? Scalar(entry, "id")!,
            entry.Children.TryGetValue("selectors", out var selectors) ? [.. ((YamlSequenceNode)selectors).Select(s => ((YamlScalarNode)s).Value!)] : [],
            Scalar(entry, "note")))];
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode { Value: { Length: > 0 } s } ? s : null;
}
