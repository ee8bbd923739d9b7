using System.Text.Json;
using System.Text.Json.Nodes;

namespace Panoptic.Scanner.Reports;

/// <summary>
/// Reading JSON someone else wrote — an uploaded registry, a file passed to <c>panoptic diff</c> — where any field may
/// be missing or of another kind: each accessor answers null or empty instead of throwing, so one odd field costs
/// that field, never the page or the command.
/// </summary>
public static class JsonRead
{
    /// <summary>The field of an object; null when the node is not an object or has no such field.</summary>
    public static JsonNode? Field(this JsonNode? node, string name) => node is JsonObject o ? o[name] : null;

    public static string? AsText(this JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static double? AsNumber(this JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;

    public static int? AsInt(this JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) ? i : null;

    public static bool IsTrue(this JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>The items of an array that are not null; nothing when the node is not an array.</summary>
    public static IEnumerable<JsonNode> Items(this JsonNode? node) => (node as JsonArray ?? []).OfType<JsonNode>();

    public static IEnumerable<JsonObject> Objects(this JsonNode? node) => node.Items().OfType<JsonObject>();

    public static List<string> Texts(this JsonNode? node) => [.. node.Items().Select(AsText).OfType<string>()];

    /// <summary>How many items an array has; 0 when the node is not an array.</summary>
    public static int Count(this JsonNode? node) => node is JsonArray a ? a.Count : 0;
}
