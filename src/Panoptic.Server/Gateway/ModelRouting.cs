using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// Which provider key serves a model: the first of the workspace's provider keys (oldest first) with a pattern that
/// matches — an exact name, or a prefix ending in <c>*</c> — and the pool it belongs to. A provider key created without models serves its provider's
/// usual names (gpt-*, o1*, o3*, o4*, text-embedding-* for OpenAI; claude-* for Anthropic).
/// </summary>
internal static class ModelRouting
{
    public static readonly string[] Kinds = ["openai", "anthropic", "openai_compatible"];

    public static IReadOnlyList<string> DefaultModels(string provider) => provider switch
    {
        "openai" => ["gpt-*", "o1*", "o3*", "o4*", "chatgpt-*", "text-embedding-*"],
        "anthropic" => ["claude-*"],
        _ => ["*"],
    };

    public static string DefaultBaseUrl(string provider) => provider switch
    {
        "openai" => "https://api.openai.com/v1",
        "anthropic" => "https://api.anthropic.com/v1",
        _ => "",
    };

    public static bool Matches(string pattern, string model) => pattern.EndsWith('*')
        ? model.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.OrdinalIgnoreCase)
        : string.Equals(pattern, model, StringComparison.OrdinalIgnoreCase);

    public static bool Allows(IReadOnlyList<string>? allowed, string model) => allowed is null || allowed.Any(p => Matches(p, model));

    public static ProviderKey? Route(IReadOnlyList<ProviderKey> keys, string model) => keys.FirstOrDefault(k => k.Models.Any(p => Matches(p, model)));

    /// <summary>
    /// The keys that serve a model as one pool: the routed key and every other key of its provider at its base URL that
    /// matches the model (several keys or deployments of one account). Keys elsewhere that match stay out: they are
    /// other services, reached through an alias.
    /// </summary>
    public static IReadOnlyList<ProviderKey> Pool(IReadOnlyList<ProviderKey> keys, string model) => Route(keys, model) is not { } first ? []
        : [.. keys.Where(k => k.Provider == first.Provider && string.Equals(k.BaseUrl, first.BaseUrl, StringComparison.OrdinalIgnoreCase) && k.Models.Any(p => Matches(p, model)))];
}
