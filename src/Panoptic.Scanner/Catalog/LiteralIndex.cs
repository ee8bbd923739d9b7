using System.Buffers;

namespace Panoptic.Scanner.Catalog;

/// <summary>
/// Finds every catalog literal (API hosts, client constructors, model prefixes, secret prefixes, env reads, "://")
/// in one vectorized pass per file, then tells which literals start at each hit.
/// </summary>
internal sealed class LiteralIndex
{
    private readonly SearchValues<string> _search;
    private readonly Dictionary<int, LiteralTarget[]> _byFirstTwo;

    public LiteralIndex(IEnumerable<LiteralTarget> targets)
    {
        var all = targets.Where(t => t.Literal.Length >= 2).ToList();
        _search = SearchValues.Create(all.Select(t => t.Literal).Distinct(StringComparer.Ordinal).ToArray(), StringComparison.Ordinal);
        _byFirstTwo = all
            .GroupBy(t => Key(t.Literal[0], t.Literal[1]))
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Literal.Length).ToArray());
    }

    /// <summary>Calls <paramref name="onHit"/> for every literal occurrence, in text order.</summary>
    public void FindAll(ReadOnlySpan<char> text, LiteralVisitor onHit)
    {
        var offset = 0;
        while (offset < text.Length)
        {
            var found = text[offset..].IndexOfAny(_search);
            if (found < 0) return;
            var position = offset + found;
            if (position + 1 < text.Length && _byFirstTwo.TryGetValue(Key(text[position], text[position + 1]), out var candidates))
            {
                var rest = text[position..];
                foreach (var target in candidates)
                {
                    if (rest.StartsWith(target.Literal, StringComparison.Ordinal)) onHit(target, position);
                }
            }
            offset = position + 1;
        }
    }

    private static int Key(char a, char b) => (a << 16) | b;
}

internal delegate void LiteralVisitor(LiteralTarget target, int position);
