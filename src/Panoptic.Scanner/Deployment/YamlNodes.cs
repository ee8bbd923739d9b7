using YamlDotNet.RepresentationModel;

namespace Panoptic.Scanner.Deployment;

/// <summary>Small helpers over YamlDotNet's node model.</summary>
internal static class YamlNodes
{
    public static YamlNode? Get(this YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Text(this YamlNode? node) => node is YamlScalarNode scalar ? scalar.Value : null;

    public static int Line(this YamlNode node) => (int)node.Start.Line;

    public static IEnumerable<YamlNode> Items(this YamlNode? node) => node is YamlSequenceNode seq ? seq.Children : [];

    public static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Pairs(this YamlNode? node) =>
        node is YamlMappingNode map ? map.Children : [];

    /// <summary>Parses every document. YamlDotNet can fail with InvalidOperationException on some malformed input; that becomes a FormatException.</summary>
    public static List<YamlDocument> LoadAll(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException("invalid YAML: " + e.Message, e);
        }
        return [.. stream.Documents];
    }
}
