using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Panoptic.Server.CostSources;

/// <summary>Paging through a provider's report, and reading its JSON leniently (a missing field is zero or null, not a crash).</summary>
internal static class Paging
{
    /// <summary>Most pages one report may have; past it the provider's cursor is taken to be looping.</summary>
    public const int MaxPages = 1_000;

    /// <summary>Pages linked by has_more and next_page (OpenAI and Anthropic): the first without a cursor, then each with the previous page's next_page.</summary>
    public static async IAsyncEnumerable<JsonElement> CursorAsync(CostSourceHttp http, string provider, Func<string?, Uri> url, Action<HttpRequestHeaders> authorize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var n = 0; n < MaxPages; n++)
        {
            var page = await http.GetAsync(provider, url(cursor), authorize, cancellationToken);
            yield return page;
            cursor = page.Bool("has_more") ? page.Text("next_page") : null;
            if (cursor is null) yield break;
            if (!seen.Add(cursor)) throw new CostSourceException($"{provider} returned the same next_page twice");
        }
        throw new CostSourceException($"{provider} returned more than {MaxPages} pages");
    }

    /// <summary>A base URL and a relative path, with exactly one slash between.</summary>
    public static string Join(string baseUrl, string path) => baseUrl.TrimEnd('/') + "/" + path.TrimStart('/');

    public static IEnumerable<JsonElement> Array(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    public static string? Text(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool Bool(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static long Long(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;

    /// <summary>A number, or a number written as a string (Anthropic's amounts are decimal strings).</summary>
    public static decimal Decimal(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value)) return 0;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)) return number;
        if (value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        return 0;
    }
}
