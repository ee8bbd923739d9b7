using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// What the savings advisor counts of a request whose workspace logs bodies: a hash of the whole request (exact
/// duplicates) and of its cacheable prefix — tools, system prompt and every message but the last — when that prefix
/// is at least <see cref="MinPrefixChars"/> characters, about the 1,024 tokens providers need before they cache.
/// </summary>
internal static class RequestFingerprint
{
    public const int MinPrefixChars = 4096;

    // Who asked does not change the answer a response cache would give.
    private static readonly string[] Ignored = ["user", "metadata"];

    public static GatewayLog With(GatewayLog log, JsonObject request)
    {
        var whole = new JsonObject();
        foreach (var (name, value) in request)
            if (!Ignored.Contains(name)) whole[name] = value?.DeepClone();
        var prefix = new StringBuilder();
        if (request["tools"] is { } tools) prefix.Append(tools.ToJsonString());
        if (request["system"] is { } system) prefix.Append(system.ToJsonString());
        if (request["messages"] is JsonArray messages)
            for (var i = 0; i < messages.Count - 1; i++) prefix.Append(messages[i]?.ToJsonString());
        var cacheable = prefix.Length >= MinPrefixChars;
        return log with
        {
            RequestHash = Hash(whole.ToJsonString()),
            PrefixHash = cacheable ? Hash(prefix.ToString()) : null,
            PrefixChars = cacheable ? prefix.Length : 0,
        };
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
