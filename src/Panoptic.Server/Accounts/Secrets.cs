using System.Security.Cryptography;
using System.Text;

namespace Panoptic.Server.Accounts;

/// <summary>
/// Tokens and keys: 32 random bytes, URL-safe, with a prefix that says what they are (pan_s_ for sessions, pan_ik_ for
/// ingestion keys). Their store form is a SHA-256: with 256 bits of entropy a fast hash is enough — a slow hash protects
/// guessable secrets (passwords), and would cost every API call.
/// </summary>
internal static class Secrets
{
    public const string SessionPrefix = "pan_s_";
    public const string IngestionKeyPrefix = "pan_ik_";

    public static string NewToken(string prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A short random id for rows (users, workspaces, keys).</summary>
    public static string NewId(string prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(12));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The part of a key safe to show in lists: its prefix and the first characters of its random part.</summary>
    public static string VisiblePrefix(string key) => key[..Math.Min(key.Length, IngestionKeyPrefix.Length + 6)];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
