using System.Text.RegularExpressions;

namespace Panoptic.Scanner.Source;

/// <summary>
/// A setting that belongs to a group whose on/off switch is off by default is used only when a deployment turns the
/// group on: vaultwarden's <c>push { push_enabled: bool, false, def, false; push_relay_uri: ..., "https://push.bitwarden.com" }</c>,
/// a YAML <c>push: { enabled: false, relay: https://... }</c>, a Laravel <c>'enabled' => env('CAPTCHA_ENABLED', false)</c>.
/// The switch is a sibling of the setting's line (same indentation, same block) named <c>enabled</c>, <c>enable</c>,
/// <c>is_enabled</c> or after the group (<c>push_enabled</c>, <c>enable_push</c>); at the top level of a file, where
/// there is no group, it must share the setting's prefix (<c>PUSH_ENABLED=false</c> beside <c>PUSH_RELAY_URI=...</c>).
/// </summary>
internal static partial class OffSwitch
{
    private const int Reach = 15;

    /// <summary>The switch that turns the setting on line <paramref name="line"/> off by default, as "`key`, path:line".</summary>
    public static string? Find(CodeText code, int line, string path)
    {
        var indent = code.Indent(line);
        if (indent < 0) return null;
        string? group = null;
        foreach (var l in Siblings(code, line, indent))
        {
            // Most settings have no switch beside them: a look for "enable" first, the group and the pattern only then.
            var text = code.Line(l);
            if (!text.Contains("nable", StringComparison.Ordinal) && !text.Contains("NABLE", StringComparison.Ordinal)) continue;
            group ??= (indent == 0 ? KeyOf(code.Line(line)) : GroupName(code, line, indent)) ?? "";
            if (group.Length < 3) return null;
            var match = Switch().Match(text.ToString());
            if (match.Success && Names(Normalize(match.Groups["key"].Value), group, topLevel: indent == 0))
                return $"`{match.Groups["key"].Value}` off by default ({path}:{l})";
        }
        return null;
    }

    /// <summary>
    /// A vendor's settings group in a settings file whose credential is read from an env var with no default
    /// (<c>'ipinfo' => ['token' => env('IPINFO_TOKEN'), 'endpoint' => 'https://api.ipinfo.io']</c>): the endpoint is
    /// called only where a deployment sets the credential. Returns "`IPINFO_TOKEN` set (path:line)".
    /// </summary>
    public static string? Credential(CodeText code, int line, string path)
    {
        if (!SettingsFile(path)) return null;
        var indent = code.Indent(line);
        if (indent <= 0) return null;
        foreach (var l in Siblings(code, line, indent))
        {
            var text = code.Line(l);
            if (text.IndexOf("env", StringComparison.OrdinalIgnoreCase) < 0) continue;
            var match = CredentialLine().Match(text.ToString());
            if (match.Success) return $"`{match.Groups["var"].Value}` set ({path}:{l})";
        }
        return null;
    }

    /// <summary>The lines of the same block at the same indentation as <paramref name="line"/>, nearest first above, then below.</summary>
    private static IEnumerable<int> Siblings(CodeText code, int line, int indent)
    {
        foreach (var step in new[] { -1, 1 })
        {
            for (var l = line + step; l >= 1 && l <= code.LineCount && Math.Abs(l - line) <= Reach; l += step)
            {
                var at = code.Indent(l);
                if (at < 0 || code.IsCommentOnly(l)) continue;
                if (at < indent) break;
                if (at == indent) yield return l;
            }
        }
    }

    /// <summary>A file of settings: Laravel's and Rails' config/, Django's settings modules, a config.py.</summary>
    private static bool SettingsFile(string path)
    {
        var name = Path.GetFileName(path);
        if (name is "settings.py" or "config.py") return true;
        return path.StartsWith("config/", StringComparison.Ordinal) || path.Contains("/config/", StringComparison.Ordinal) || path.Contains("/settings/", StringComparison.Ordinal);
    }

    // A credential read from an env var with no default: `'token' => env('IPINFO_TOKEN'),`, `"key": os.environ.get("X")`.
    [GeneratedRegex("""^\s*['"]?(?:key|token|secret|api_key|apikey|api_token|access_token|access_key|client_id|client_secret|app_id|license_key)['"]?\s*(?:=>|:|=)\s*(?:env\(\s*['"](?<var>\w+)['"]\s*\)|os\.environ\.get\(\s*['"](?<var>\w+)['"]\s*\)|os\.getenv\(\s*['"](?<var>\w+)['"]\s*\)|ENV\[['"](?<var>\w+)['"]\])\s*,?\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialLine();

    private static bool Names(string key, string group, bool topLevel)
    {
        if (!key.Contains("enable", StringComparison.Ordinal)) return false;
        if (topLevel) return key.StartsWith(group, StringComparison.Ordinal) || key.EndsWith(group, StringComparison.Ordinal);
        return key is "enabled" or "enable" or "isenabled" || key.Contains(group, StringComparison.Ordinal);
    }

    /// <summary>The group a nested line belongs to: the identifier of the nearest line above with less indentation.</summary>
    private static string? GroupName(CodeText code, int line, int indent)
    {
        for (var l = line - 1; l >= 1 && line - l <= Reach * 4; l--)
        {
            var at = code.Indent(l);
            if (at < 0 || at >= indent || code.IsCommentOnly(l)) continue;
            var opener = Opener().Match(code.Line(l).ToString());
            return opener.Success ? Normalize(opener.Groups["name"].Value) : null;
        }
        return null;
    }

    /// <summary>A top-level key's first segment: PUSH of PUSH_RELAY_URI, push of push.relay.</summary>
    private static string? KeyOf(ReadOnlySpan<char> line)
    {
        var match = TopKey().Match(line.ToString());
        return match.Success ? Normalize(match.Groups["head"].Value) : null;
    }

    private static string Normalize(string name)
    {
        Span<char> buffer = stackalloc char[Math.Min(name.Length, 128)];
        var n = 0;
        foreach (var c in name)
        {
            if (n == buffer.Length) break;
            if (char.IsAsciiLetterOrDigit(c)) buffer[n++] = char.ToLowerInvariant(c);
        }
        return new string(buffer[..n]);
    }

    // A key set to off: `enabled: false`, `'enabled' => env('X', false),`, `X_ENABLED=false`,
    // `push_enabled: bool, false, def, false;`, `ENABLED = env.bool("X", default=False)`.
    [GeneratedRegex("""^\s*['"]?(?<key>[A-Za-z_][\w.-]*)['"]?\s*(?:=>|:|=)\s*(?:(?:false|False|FALSE|no|off)\b\s*[,;]?\s*(?:#.*|//.*)?$|bool\s*,.*,\s*false\s*;|[\w.]*env[\w.]*\(\s*['"]\w+['"]\s*,\s*(?:default\s*=\s*)?(?:false|False|['"](?:false|False|0)['"])\s*\))""")]
    private static partial Regex Switch();

    // The line that opens a group: `push {`, `push:`, `'captcha' => [`, `[push]`, `push = {`.
    [GeneratedRegex("""^\s*\[?['"]?(?<name>[A-Za-z_][\w-]*)['"]?\]?\s*(?:=>\s*\[|=\s*\{|:\s*\{?|\{|\]|\()?\s*(?:#.*|//.*)?$""")]
    private static partial Regex Opener();

    [GeneratedRegex("""^(?:export\s+)?(?<head>[A-Za-z][A-Za-z0-9]*)[_.]""")]
    private static partial Regex TopKey();
}
