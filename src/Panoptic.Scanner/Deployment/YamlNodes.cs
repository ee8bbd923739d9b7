using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;
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

    /// <summary>
    /// Parses every document. YamlDotNet fails with a bare InvalidOperationException ("Operation is not valid due to
    /// the current state of the object.") or ArgumentException on some malformed input, an unclosed "[" for one;
    /// that becomes a YamlException saying where and what.
    /// </summary>
    public static List<YamlDocument> LoadAll(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // ArgumentException ("The current event is of an unsupported type") for a key left empty, found by fuzzing.
            throw Explain(text, e);
        }
        return [.. stream.Documents];
    }

    /// <summary>Re-reads the tokens to find the flow collection left open, or else the last place the reader got to.</summary>
    private static YamlException Explain(string text, Exception cause)
    {
        var open = new Stack<(Token Token, char Bracket)>();
        Mark last = Mark.Empty;
        var scanner = new YamlDotNet.Core.Scanner(new StringReader(text));
        try
        {
            while (scanner.MoveNext())
            {
                var token = scanner.Current!;
                last = token.Start;
                if (token is FlowSequenceStart) open.Push((token, '['));
                else if (token is FlowMappingStart) open.Push((token, '{'));
                else if (token is FlowSequenceEnd or FlowMappingEnd && open.Count > 0) open.Pop();
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // The scanner stops where the parser did; what was read until then is enough to explain.
        }
        if (open.TryPeek(out var unclosed))
        {
            var start = unclosed.Token.Start;
            return new YamlException(start, last, $"'{unclosed.Bracket}' opened at line {start.Line}, column {start.Column} is never closed", cause);
        }
        return new YamlException(last, last, $"the YAML cannot be read past line {last.Line}, column {last.Column}", cause);
    }
}
