using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Panoptic.Storage;
using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// Opt-in body logging: the workspace's settings (cached for a few seconds, so turning it on or off takes effect on
/// every server within <see cref="Ttl"/>), the redaction applied before anything is stored — credentials that look
/// like API keys and bearer tokens always, and the workspace's own patterns — and the bound on what is kept.
/// </summary>
internal sealed class BodyLogging(PanopticStore store, TimeProvider time)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    public const int MaxChars = 64 * 1024;
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    // Always redacted: OpenAI/Anthropic-style keys, Panoptic's own tokens, bearer tokens, AWS access key ids.
    private static readonly Regex BuiltIn = new(@"sk-[A-Za-z0-9_\-]{16,}|pan_(?:gk|ik|s)_[A-Za-z0-9_\-]{16,}|Bearer\s+[A-Za-z0-9._\-]{16,}|AKIA[0-9A-Z]{16}",
        RegexOptions.Compiled | RegexOptions.CultureInvariant, MatchTimeout);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, GatewaySettings Settings, Regex[] Patterns)> _cache = new(StringComparer.Ordinal);

    public async Task<(bool Enabled, Regex[] Patterns)> ForAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(workspaceId, out var cached) && cached.Until > now) return (cached.Settings.LogBodies, cached.Patterns);
        var settings = await store.GatewaySettingsAsync(workspaceId, cancellationToken);
        var patterns = settings.Redact.Select(p => new Regex(p, RegexOptions.CultureInvariant, MatchTimeout)).ToArray();
        _cache[workspaceId] = (now + Ttl, settings, patterns);
        return (settings.LogBodies, patterns);
    }

    /// <summary>Drops a workspace's cached settings on this server (after it changes them here).</summary>
    public void Forget(string workspaceId) => _cache.TryRemove(workspaceId, out _);

    /// <summary>The problem with a redaction pattern, or null when it compiles.</summary>
    public static string? Problem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>The text as stored: truncated to <see cref="MaxChars"/>, credentials and the workspace's patterns replaced by [redacted].</summary>
    public static string Redact(string text, Regex[] patterns)
    {
        if (text.Length > MaxChars) text = text[..MaxChars] + "…[truncated]";
        try
        {
            text = BuiltIn.Replace(text, "[redacted]");
            foreach (var pattern in patterns) text = pattern.Replace(text, "[redacted]");
            return text;
        }
        catch (RegexMatchTimeoutException)
        {
            // A pattern too slow for this text: store nothing rather than something unredacted.
            return "[not stored: a redaction pattern timed out]";
        }
    }
}

/// <summary>What one request relayed, kept (up to a bound) for body logging.</summary>
internal sealed class BodyCapture(string request)
{
    private readonly System.Buffers.ArrayBufferWriter<byte> _response = new();

    public string Request { get; } = request;

    public void Add(ReadOnlySpan<byte> bytes)
    {
        var room = BodyLogging.MaxChars * 4 - _response.WrittenCount;
        if (room > 0) _response.Write(bytes[..Math.Min(room, bytes.Length)]);
    }

    public string Response => Encoding.UTF8.GetString(_response.WrittenSpan);
}
