using System.Text.Json;
using Panoptic.Scanner.Registry;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Panoptic.Scanner.Reports;

/// <summary>The registry as YAML: the JSON document emitted as YAML, so both formats always hold the same data.</summary>
public static class YamlReport
{
    public static string Write(RegistryDocument document)
    {
        var writer = new StringWriter();
        var emitter = new Emitter(writer, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, indentSequences: true));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, JsonReport.ToElement(document));
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        var text = writer.ToString();
        return text.EndsWith('\n') ? text : text + "\n";
    }

    internal static void Emit(IEmitter emitter, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var empty = !element.EnumerateObject().Any();
                emitter.Emit(new MappingStart(null, null, true, empty ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var property in element.EnumerateObject())
                {
                    emitter.Emit(new Scalar(property.Name));
                    Emit(emitter, property.Value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonValueKind.Array:
                var flow = element.GetArrayLength() == 0 || element.EnumerateArray().All(e => e.ValueKind is JsonValueKind.Number);
                emitter.Emit(new SequenceStart(null, null, true, flow ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in element.EnumerateArray()) Emit(emitter, item);
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                // Strings that YAML would read back as another type (true, 1.0, null, ~) are quoted.
                var quoted = NeedsQuotes(text);
                emitter.Emit(new Scalar(null, null, text, quoted ? ScalarStyle.DoubleQuoted : ScalarStyle.Any, !quoted, quoted));
                break;
            case JsonValueKind.Null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            default:
                emitter.Emit(new Scalar(null, null, element.GetRawText(), ScalarStyle.Plain, true, false));
                break;
        }
    }

    private static bool NeedsQuotes(string text) =>
        text.Length == 0 || text is "true" or "false" or "null" or "~" or "yes" or "no" or "on" or "off" or "True" or "False" or "Yes" or "No"
        || double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
}
