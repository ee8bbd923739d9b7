using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Panoptic.Scanner.Catalog;

/// <summary>
/// Finds every catalog literal (API hosts, client code, model prefixes, secret and env-read triggers, "://") in a
/// text. Hundreds of literals defeat vectorized multi-string search, so each literal of four or more characters is
/// found through one "anchor": its four-character slice that is rarest among the literals and least like plain
/// words. One scalar pass tests every four-character window against a 64K-bit filter of the anchors and verifies the
/// few windows that pass. Literals of two or three characters go through a small vectorized search.
/// </summary>
internal sealed class LiteralIndex
{
    private const int FilterBits = 1 << 16;
    private readonly ulong[] _filter = new ulong[FilterBits / 64];
    private readonly Dictionary<ulong, Anchored[]> _anchors = [];
    private readonly SearchValues<string>? _shortSearch;
    private readonly Dictionary<string, LiteralTarget[]> _short = new(StringComparer.Ordinal);

    public LiteralIndex(IEnumerable<LiteralTarget> targets)
    {
        var all = targets.Where(t => t.Literal.Length >= 2).ToList();
        var longOnes = all.Where(t => t.Literal.Length >= 4).ToList();
        var sharing = longOnes.SelectMany(t => Grams(t.Literal).Distinct()).GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count());
        var anchored = new Dictionary<ulong, List<Anchored>>();
        foreach (var target in longOnes)
        {
            var (gram, offset) = ChooseAnchor(target.Literal, sharing);
            var key = Pack(gram);
            if (!anchored.TryGetValue(key, out var list)) anchored[key] = list = [];
            list.Add(new Anchored(target, offset));
            var bit = Bucket(key);
            _filter[bit >> 6] |= 1UL << (bit & 63);
        }
        foreach (var (key, list) in anchored) _anchors[key] = [.. list.OrderByDescending(a => a.Target.Literal.Length)];

        foreach (var group in all.Where(t => t.Literal.Length < 4).GroupBy(t => t.Literal)) _short[group.Key] = [.. group];
        if (_short.Count > 0) _shortSearch = SearchValues.Create([.. _short.Keys], StringComparison.Ordinal);
    }

    // The hot loop of a scan: compiled fully optimized on first call, never from ReadyToRun code (which cannot
    // inline the span helpers across assemblies and measured slower), whatever the rest of the program uses.
    /// <summary>Adds every literal occurrence to <paramref name="hits"/>: long literals in text order, then short ones in text order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FindAll(ReadOnlySpan<char> span, List<LiteralHit> hits)
    {
        if (span.Length >= 4)
        {
            // The hot loop of every scan: locals and unchecked reads keep it at a few instructions per character.
            ref var chars = ref MemoryMarshal.GetReference(span);
            ref var filter = ref MemoryMarshal.GetArrayDataReference(_filter);
            ulong window = ((ulong)chars << 32) | ((ulong)Unsafe.Add(ref chars, 1) << 16) | Unsafe.Add(ref chars, 2);
            for (var i = 3; i < span.Length; i++)
            {
                window = (window << 16) | Unsafe.Add(ref chars, i);
                var bit = Bucket(window);
                if ((Unsafe.Add(ref filter, bit >> 6) & (1UL << bit)) == 0) continue;
                Verify(span, i - 3, window, hits);
            }
        }
        if (_shortSearch is null) return;
        var offset = 0;
        while (offset < span.Length)
        {
            var found = span[offset..].IndexOfAny(_shortSearch);
            if (found < 0) return;
            var position = offset + found;
            foreach (var (literal, targets) in _short)
            {
                if (span[position..].StartsWith(literal, StringComparison.Ordinal))
                {
                    foreach (var target in targets) hits.Add(new LiteralHit(target, position));
                }
            }
            offset = position + 1;
        }
    }

    private void Verify(ReadOnlySpan<char> span, int gramStart, ulong window, List<LiteralHit> hits)
    {
        if (!_anchors.TryGetValue(window, out var candidates)) return;
        foreach (var candidate in candidates)
        {
            var start = gramStart - candidate.Offset;
            if (start >= 0 && span[start..].StartsWith(candidate.Target.Literal, StringComparison.Ordinal)) hits.Add(new LiteralHit(candidate.Target, start));
        }
    }

    private static (string Gram, int Offset) ChooseAnchor(string literal, Dictionary<string, int> sharing)
    {
        var best = (Gram: literal[..4], Offset: 0);
        var bestScore = double.MinValue;
        for (var i = 0; i + 4 <= literal.Length; i++)
        {
            var gram = literal.Substring(i, 4);
            // Rare characters make rare windows in code; a slice shared by many literals is verified often.
            var score = gram.Sum(Rarity) - 0.5 * (sharing[gram] - 1);
            if (score > bestScore)
            {
                bestScore = score;
                best = (gram, i);
            }
        }
        return best;
    }

    private static double Rarity(char c) => c switch
    {
        ' ' => 0.2,
        '.' => 1.5,
        _ when char.IsAsciiLetterLower(c) => 1,
        _ when char.IsAsciiLetterUpper(c) => 2,
        _ when char.IsAsciiDigit(c) => 2.5,
        _ => 2,
    };

    private static IEnumerable<string> Grams(string literal)
    {
        for (var i = 0; i + 4 <= literal.Length; i++) yield return literal.Substring(i, 4);
    }

    private static ulong Pack(string gram) => ((ulong)gram[0] << 48) | ((ulong)gram[1] << 32) | ((ulong)gram[2] << 16) | gram[3];

    private static int Bucket(ulong window) => (int)((window * 0x9E3779B97F4A7C15UL) >> 48);

    private sealed record Anchored(LiteralTarget Target, int Offset);
}

/// <summary>A literal found at a position of a text.</summary>
internal readonly record struct LiteralHit(LiteralTarget Target, int Position);
