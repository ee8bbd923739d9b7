namespace Panoptic.Scanner.Source;

/// <summary>A URL found around a "://" in text, with its password masked. The raw password is never kept.</summary>
internal sealed record ConnectionUrl(string Scheme, int Start, string Masked, bool HasHardCodedPassword)
{
    public static ConnectionUrl? Parse(ReadOnlySpan<char> text, int separator)
    {
        var start = separator;
        while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '+' or '-' or '.')) start--;
        if (start == separator || !char.IsAsciiLetter(text[start])) return null;
        var scheme = text[start..separator].ToString().ToLowerInvariant();

        var end = separator + 3;
        while (end < text.Length && !IsUrlEnd(text[end])) end++;
        // Query strings often carry credentials (?password=...), so they never appear in output.
        var query = text.Slice(separator + 3, end - separator - 3).IndexOfAny('?', '#');
        var shown = query < 0 ? end : separator + 3 + query;
        var rest = text.Slice(separator + 3, shown - separator - 3);
        var authorityEnd = rest.IndexOfAny('/', '?', '#');
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var at = authority.LastIndexOf('@');
        if (at < 0) return new ConnectionUrl(scheme, start, Truncate(text[start..shown].ToString() + Hidden(shown, end)), false);

        var userInfo = authority[..at];
        var colon = userInfo.IndexOf(':');
        if (colon < 0) return new ConnectionUrl(scheme, start, Truncate(text[start..shown].ToString() + Hidden(shown, end)), false);

        var password = userInfo[(colon + 1)..];
        var masked = string.Concat(text.Slice(start, separator + 3 + colon + 1 - start), "****", rest[at..]) + Hidden(shown, end);
        return new ConnectionUrl(scheme, start, Truncate(masked), !password.IsEmpty && !IsPlaceholder(password));
    }

    private static string Hidden(int shown, int end) => shown < end ? "?****" : "";

    private static bool IsUrlEnd(char c) => char.IsWhiteSpace(c) || c is '"' or '\'' or '`' or '<' or '>' or ')' or ']' or ',' or ';' or '\\';

    private static bool IsPlaceholder(ReadOnlySpan<char> password) =>
        password[0] is '$' or '{' or '<' or '%' or '*' or '[' || password.Contains("{{", StringComparison.Ordinal) || password.Contains("${", StringComparison.Ordinal)
        || password.Equals("password", StringComparison.OrdinalIgnoreCase) || password.Equals("pass", StringComparison.OrdinalIgnoreCase)
        || password.Equals("secret", StringComparison.OrdinalIgnoreCase) || password.Equals("xxx", StringComparison.OrdinalIgnoreCase)
        || password.StartsWith("your", StringComparison.OrdinalIgnoreCase) || password.Equals("changeme", StringComparison.OrdinalIgnoreCase);

    private static string Truncate(string value) => value.Length <= 200 ? value : value[..200] + "…";
}
