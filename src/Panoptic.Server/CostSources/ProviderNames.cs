using System.Text.RegularExpressions;
using Panoptic.Sdk.Providers;

namespace Panoptic.Server.CostSources;

/// <summary>
/// The ledger's names for providers and models, from what sources and invoices call them: "OpenAI" and "open ai" are
/// openai; a model's dated snapshot (gpt-4o-2024-08-06, claude-3-5-haiku-20241022) reconciles with its alias.
/// </summary>
internal static partial class ProviderNames
{
    /// <summary>The ledger's provider name: lower case, spaces turned into '-', the names of providers.json folded ("Open AI" → openai).</summary>
    public static string Provider(string name) => ProviderIdentity.Resolve(Separators().Replace(name.Trim().ToLowerInvariant(), "-").Trim('-'));

    /// <summary>
    /// The ledger's provider for an external API of a registry: by its catalog id when providers.json knows it
    /// (google-gemini → gemini, azure-openai → azure_openai), else by the provider the registry names.
    /// </summary>
    public static string OfRegistryApi(string id, string? provider) => ProviderIdentity.Find(id)?.Id ?? Provider(provider ?? id);

    /// <summary>The model as reconciliation compares it: lower case, a trailing snapshot date removed.</summary>
    public static string Model(string model) => DateSuffix().Replace(model.Trim().ToLowerInvariant(), "");

    /// <summary>The provider a model name belongs to, for sources (Langfuse) that name only the model; "unknown" when it cannot tell.</summary>
    public static string ProviderOfModel(string model)
    {
        var m = model.Trim().ToLowerInvariant();
        if (m.StartsWith("gpt-", StringComparison.Ordinal) || m.StartsWith("chatgpt", StringComparison.Ordinal) || OpenAiReasoning().IsMatch(m)
            || m.StartsWith("text-embedding", StringComparison.Ordinal) || m.StartsWith("dall-e", StringComparison.Ordinal) || m.StartsWith("whisper", StringComparison.Ordinal)
            || m.StartsWith("tts-", StringComparison.Ordinal))
            return "openai";
        if (m.StartsWith("claude", StringComparison.Ordinal)) return "anthropic";
        if (m.StartsWith("gemini", StringComparison.Ordinal)) return "gemini";
        if (m.StartsWith("mistral", StringComparison.Ordinal) || m.StartsWith("mixtral", StringComparison.Ordinal) || m.StartsWith("codestral", StringComparison.Ordinal))
            return "mistral";
        if (m.StartsWith("deepseek", StringComparison.Ordinal)) return "deepseek";
        return "unknown";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Separators();

    [GeneratedRegex(@"-(\d{4}-\d{2}-\d{2}|\d{8})$")]
    private static partial Regex DateSuffix();

    [GeneratedRegex(@"^o\d(-|$)")]
    private static partial Regex OpenAiReasoning();
}
