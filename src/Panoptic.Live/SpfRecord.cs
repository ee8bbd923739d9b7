using System.Net;
using System.Text.RegularExpressions;

namespace Panoptic.Live;

/// <summary>A parsed SPF record: its terms in order, or the first term that is not valid SPF.</summary>
public sealed partial record SpfRecord(IReadOnlyList<SpfTerm> Terms, string? Invalid)
{
    /// <summary>The mechanisms and modifiers that cost a DNS lookup, counted against the limit of 10 (RFC 7208 section 4.6.4).</summary>
    public static readonly string[] LookupTerms = ["include", "a", "mx", "ptr", "exists", "redirect"];

    public static bool IsSpf(string txt) => txt.Equals("v=spf1", StringComparison.OrdinalIgnoreCase) || txt.StartsWith("v=spf1 ", StringComparison.OrdinalIgnoreCase);

    public SpfTerm? All => Terms.LastOrDefault(t => !t.IsModifier && t.Name == "all");
    public string? Redirect => Terms.FirstOrDefault(t => t.IsModifier && t.Name == "redirect")?.Value;
    public IEnumerable<SpfTerm> Lookups => Terms.Where(t => LookupTerms.Contains(t.Name) && (t.Name != "redirect" || t.IsModifier));

    public static SpfRecord Parse(string text)
    {
        var terms = new List<SpfTerm>();
        foreach (var raw in text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1))
        {
            var modifier = ModifierPattern().Match(raw);
            if (modifier.Success)
            {
                var name = modifier.Groups[1].Value.ToLowerInvariant();
                if (name is "redirect" or "exp" && !IsDomainSpec(modifier.Groups[2].Value)) return new SpfRecord(terms, raw);
                terms.Add(new SpfTerm('+', name, modifier.Groups[2].Value, true));
                continue;
            }
            var term = raw;
            var qualifier = term[0] is '+' or '-' or '~' or '?' ? term[0] : '+';
            if (term[0] is '+' or '-' or '~' or '?') term = term[1..];
            var colon = term.IndexOfAny([':', '/']);
            var mechanism = (colon < 0 ? term : term[..colon]).ToLowerInvariant();
            var value = colon < 0 ? null : term[colon] == ':' ? term[(colon + 1)..] : term[colon..];
            var valid = mechanism switch
            {
                "all" => value is null,
                "include" or "exists" => value is not null && IsDomainSpec(value),
                "a" or "mx" => value is null || IsDomainAndCidr(value),
                "ptr" => value is null || IsDomainSpec(value),
                "ip4" => value is not null && IsAddress(value, System.Net.Sockets.AddressFamily.InterNetwork, 32),
                "ip6" => value is not null && IsAddress(value, System.Net.Sockets.AddressFamily.InterNetworkV6, 128),
                _ => false,
            };
            if (!valid) return new SpfRecord(terms, raw);
            terms.Add(new SpfTerm(qualifier, mechanism, value, false));
        }
        return new SpfRecord(terms, null);
    }

    private static bool IsDomainSpec(string value) => value.Length > 0 && DomainSpecPattern().IsMatch(value);

    private static bool IsDomainAndCidr(string value)
    {
        if (value.StartsWith('/')) return CidrPattern().IsMatch(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? IsDomainSpec(value) : IsDomainSpec(value[..slash]) && CidrPattern().IsMatch(value[slash..]);
    }

    private static bool IsAddress(string value, System.Net.Sockets.AddressFamily family, int maxPrefix)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? value : value[..slash];
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != family) return false;
        return slash < 0 || (int.TryParse(value[(slash + 1)..], out var prefix) && prefix >= 0 && prefix <= maxPrefix);
    }

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9_.-]*)=(.*)$")]
    private static partial Regex ModifierPattern();

    // Macros (%{d}, %{i}, ...) and ordinary labels; a domain-spec is not checked further than its characters.
    [GeneratedRegex(@"^([A-Za-z0-9_.-]|%\{[slodiphcrtv][0-9]*r?[.\-+,/_=]*\}|%%|%_|%-)+$")]
    private static partial Regex DomainSpecPattern();

    [GeneratedRegex(@"^(/\d{1,2})?(//\d{1,3})?$")]
    private static partial Regex CidrPattern();
}
