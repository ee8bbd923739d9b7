using System.Text;
using System.Text.Json;

namespace Panoptic.Scanner.Manifests;

/// <summary>Reads a JSON manifest together with the line of each second-level property ("dependencies" → "pg").</summary>
internal static class JsonLines
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static (JsonDocument Document, Dictionary<string, int> Lines) Parse(string text)
    {
        var document = JsonDocument.Parse(text, DocumentOptions);
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        string? section = null;
        var lineStart = 0;
        var line = 1;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth > 2) continue;
            var index = (int)reader.TokenStartIndex;
            line += bytes.AsSpan(lineStart, index - lineStart).Count((byte)'\n');
            lineStart = index;
            var name = reader.GetString()!;
            if (reader.CurrentDepth == 1)
            {
                section = name;
                lines.TryAdd(name, line);
            }
            else if (section is not null)
            {
                lines.TryAdd(section + "/" + name, line);
            }
        }
        return (document, lines);
    }

    public static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
