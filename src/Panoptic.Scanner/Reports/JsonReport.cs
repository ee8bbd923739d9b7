using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Reports;

/// <summary>The registry as JSON with snake_case names, the shape docs/registry.schema.json describes.</summary>
public static class JsonReport
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = RegistryJsonContext.Default,
    };

    public static string Write(RegistryDocument document) => JsonSerializer.Serialize(document, Options) + "\n";

    public static JsonElement ToElement(RegistryDocument document) => JsonSerializer.SerializeToElement(document, Options);
}

[JsonSerializable(typeof(RegistryDocument))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
