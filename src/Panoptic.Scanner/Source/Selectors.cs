using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;

namespace Panoptic.Scanner.Source;

/// <summary>
/// Settings that pick one of several backends by name: <c>FILESYSTEM_DISK=s3</c> committed in an env example, or the
/// default of <c>env('MAIL_MAILER', 'smtp')</c> in code. The value picked is a production signal; the alternatives the
/// same setting could name stay whatever their own evidence says.
/// </summary>
internal static partial class Selectors
{
    /// <summary>The catalog category a selector setting chooses within, by the words of its name (MAIL_MAILER: email).</summary>
    public static string? CategoryOf(string name)
    {
        foreach (var word in name.Split('_'))
        {
            switch (word)
            {
                case "MAIL" or "MAILER" or "EMAIL" or "SMTP": return "email";
                case "STORAGE" or "DISK" or "UPLOAD" or "UPLOADS" or "BLOB" or "MEDIA" or "ATTACHMENTS" or "FILESYSTEM": return "object_storage";
                case "DB" or "DATABASE": return "database";
                case "CACHE": return "cache";
                case "QUEUE" or "BROKER": return "queue";
                case "SEARCH" or "SCOUT": return "search";
                case "AUTH" or "LOGIN" or "SSO": return "auth";
            }
        }
        return null;
    }

    /// <summary>The value a committed NAME=value line or a code default gives a selector setting, mapped or not.</summary>
    public static SelectorSetting? Setting(string name, string value, string file, int line, bool isDefault)
    {
        if (!IsSelector(name)) return null;
        var clean = value.Trim().Trim('"', '\'').Trim();
        return clean.Length is > 0 and <= 40 && clean.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? new SelectorSetting(name, clean, file, line, isDefault) : null;
    }

    private static readonly string[] Suffixes =
        ["DRIVER", "MAILER", "DISK", "CONNECTION", "BACKEND", "PROVIDER", "STORE", "ADAPTER", "ENGINE", "TRANSPORT", "DIALECT", "STORAGE", "STORAGE_TYPE", "CACHE", "QUEUE", "BROKER", "DB_TYPE", "DATABASE_TYPE", "SEARCH", "AUTH_METHOD", "AUTH_TYPE", "AUTH_MODE", "LOGIN_METHOD"];

    /// <summary>A setting that names a backend: MAIL_MAILER, FILESYSTEM_DISK, DB_CONNECTION, STORAGE_BACKEND, CACHE_DRIVER...</summary>
    public static bool IsSelector(string name)
    {
        foreach (var suffix in Suffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && (name.Length == suffix.Length || name[^(suffix.Length + 1)] == '_')) return true;
        }
        return false;
    }

    /// <summary>The selected technology of a committed NAME=value line, when the name is a selector.</summary>
    public static Signal? FromAssignment(TechnologyCatalog catalog, string name, string value, string file, int line)
    {
        if (!IsSelector(name)) return null;
        var clean = value.Trim().Trim('"', '\'').Trim();
        return catalog.BySelector(clean) is { } tech ? new Signal(tech.Id, SignalKind.Selected, file, line, $"{name}={clean}") : null;
    }

    /// <summary>The default of an env read right after its name: <c>'NAME', 'smtp')</c>, <c>"NAME") || "s3"</c>, <c>"NAME") ?? "s3"</c>.</summary>
    public static Signal? FromDefault(TechnologyCatalog catalog, string name, ReadOnlySpan<char> after, string file, int line, List<SelectorSetting> settings)
    {
        if (!IsSelector(name)) return null;
        var window = after[..Math.Min(after.Length, 60)];
        var match = DefaultValue().Match(window.ToString());
        if (!match.Success) return null;
        var value = match.Groups["v"].Value;
        if (Setting(name, value, file, line, isDefault: true) is { } setting) settings.Add(setting);
        return catalog.BySelector(value) is { } tech ? new Signal(tech.Id, SignalKind.Selected, file, line, $"{name} defaults to {value}") : null;
    }

    [GeneratedRegex(@"^['""`]?\s*(?:\)?\s*(?:,|\|\||\?\?|or\b)\s*(?:default\s*=\s*)?)['""](?<v>[A-Za-z0-9_]+)['""]")]
    private static partial Regex DefaultValue();
}

/// <summary>A selector setting's value where the repository gives one: FILE_STORAGE=local in .env.sample, or a code default.</summary>
public sealed record SelectorSetting(string Name, string Value, string File, int Line, bool IsDefault);

/// <summary>
/// Defaults a program gives its own flags and settings: Go's <c>viper.SetDefault("driver", "sqlite")</c>,
/// <c>rootCmd.Flags().String("driver", "sqlite", "...")</c>, <c>flag.String("db-driver", "postgres", "...")</c>. A selector
/// setting's default names the backend a deployment runs unless it says otherwise.
/// </summary>
internal static partial class FlagDefaults
{
    public static void Find(TechnologyCatalog catalog, ReadOnlySpan<char> text, string file, FileReport report)
    {
        // x.String() is everywhere in Go; a flag or a default names its setting in quotes right after the parenthesis.
        if (text.IndexOf("SetDefault(\"", StringComparison.Ordinal) < 0 && text.IndexOf("String(\"", StringComparison.Ordinal) < 0
            && text.IndexOf("StringP(\"", StringComparison.Ordinal) < 0 && text.IndexOf("StringVar", StringComparison.Ordinal) < 0) return;
        var source = text.ToString();
        foreach (Match match in Default().Matches(source))
        {
            var name = match.Groups["name"].Value.ToUpperInvariant().Replace('-', '_').Replace('.', '_');
            var value = match.Groups["v"].Value;
            var line = 1 + source.AsSpan(0, match.Index).Count('\n');
            if (Selectors.Setting(name, value, file, line, isDefault: true) is not { } setting) continue;
            report.Settings.Add(setting);
            if (catalog.BySelector(value) is { } tech)
                report.Signals.Add(new Signal(tech.Id, SignalKind.Selected, file, line, $"{match.Groups["name"].Value} defaults to {value}"));
        }
    }

    [GeneratedRegex(@"(?:\bSetDefault|\.String|\bString|\.StringP|\.StringVar|\.StringVarP|\bStringVar)\(\s*(?:&[\w.]+\s*,\s*)?""(?<name>[\w.-]+)""\s*,\s*(?:""\w""\s*,\s*)?""(?<v>[\w-]+)""")]
    private static partial Regex Default();
}
