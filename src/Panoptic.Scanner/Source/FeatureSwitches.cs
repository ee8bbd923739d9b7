using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Source;

/// <summary>
/// A feature defined as on only when its setting is present: <c>EnableBilling => !String.IsNullOrEmpty(StripeApiKey)</c>,
/// <c>SENTRY_ENABLED = bool(os.getenv("SENTRY_DSN"))</c>, <c>enabled: !!env.INTERCOM_APP_ID</c>,
/// <c>def stripe_enabled? = ENV["STRIPE_KEY"].present?</c>. The vendor the switch names is optional wherever it is used.
/// </summary>
internal static partial class FeatureSwitches
{
    public static void Find(ReadOnlySpan<char> text, SourceLanguage language, string path, List<FeatureSwitch> found)
    {
        // Most files define no switch; the regex runs only where one of its words is.
        if (text.IndexOf("nable", StringComparison.Ordinal) < 0 && text.IndexOf("onfigured", StringComparison.Ordinal) < 0) return;
        var regex = language switch
        {
            SourceLanguage.CSharp => CSharp(),
            SourceLanguage.Python => Python(),
            SourceLanguage.JavaScript => JavaScript(),
            SourceLanguage.Ruby => Ruby(),
            _ => null,
        };
        if (regex is null) return;
        foreach (var match in regex.EnumerateMatches(text))
        {
            var value = text.Slice(match.Index, match.Length).ToString();
            var parts = regex.Match(value);
            var line = 1 + text[..match.Index].Count('\n');
            found.Add(new FeatureSwitch(parts.Groups["flag"].Value, parts.Groups["setting"].Value, path, line, value.Trim()));
        }
    }

    /// <summary>The technologies a switch is about: named by its flag or setting, or used in the file that defines it.</summary>
    public static IEnumerable<string> Vendors(FeatureSwitch feature, TechnologyCatalog catalog, IReadOnlyDictionary<string, string> tokens, IEnumerable<string> inFile)
    {
        var words = (feature.Flag + " " + feature.Setting).ToLowerInvariant();
        var named = tokens.Where(t => words.Contains(t.Key, StringComparison.Ordinal)).Select(t => t.Value).ToList();
        return named.Count > 0 ? named : inFile;
    }

    /// <summary>Vendor names a switch may carry: each catalog id's first word, where it names one technology (stripe, intercom, slack).</summary>
    public static Dictionary<string, string> Tokens(TechnologyCatalog catalog)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in catalog.Technologies.Where(t => t.Section is RegistrySection.ExternalApi or RegistrySection.Connection)
                     .GroupBy(t => t.Id.Split('-')[0], StringComparer.Ordinal))
        {
            if (group.Key.Length < 5) continue;
            var exact = group.FirstOrDefault(t => t.Id == group.Key);
            if (exact is not null) result[group.Key] = exact.Id;
            else if (group.Count() == 1) result[group.Key] = group.First().Id;
        }
        return result;
    }

    [GeneratedRegex(@"\b(?<flag>Enable\w*|Is\w*(?:Enabled|Configured|Available))\s*=>\s*!\s*[Ss]tring\.IsNullOrWhite[Ss]pace\(\s*(?<setting>[\w.]+)\s*\)|\b(?<flag>Enable\w*|Is\w*(?:Enabled|Configured|Available))\s*=>\s*!\s*[Ss]tring\.IsNullOrEmpty\(\s*(?<setting>[\w.]+)\s*\)")]
    private static partial Regex CSharp();

    [GeneratedRegex(@"^\s*(?<flag>\w*(?:ENABLED|enabled|CONFIGURED|configured))\s*=\s*bool\(\s*(?<setting>[^)\n]+?)\s*\)", RegexOptions.Multiline)]
    private static partial Regex Python();

    [GeneratedRegex(@"\b(?<flag>\w*(?:[Ee]nabled|ENABLED|[Cc]onfigured))\w*\s*[:=]\s*(?:!!\s*|Boolean\(\s*)(?<setting>[\w.$\[\]'""]+)")]
    private static partial Regex JavaScript();

    [GeneratedRegex(@"def\s+(?<flag>\w*(?:enabled|configured)\?)\s*(?:=|\n)\s*(?<setting>ENV\[[^\]\n]+\]|[\w.]+)\.present\?")]
    private static partial Regex Ruby();
}

/// <summary>A flag defined by the presence of a setting, where it is defined.</summary>
public sealed record FeatureSwitch(string Flag, string Setting, string File, int Line, string Text);
