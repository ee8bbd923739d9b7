using System.Buffers;
using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Readiness;

/// <summary>
/// Every text regex of the readiness checks (code, config_keys, iac), numbered, with the literal anchors that let
/// the scan's single literal pass decide where each one is worth running.
/// </summary>
public sealed class ReadinessPatterns
{
    public ReadinessPatterns(ReadinessCatalog catalog)
    {
        var all = new List<Pattern>();
        var index = new Dictionary<Regex, int>(ReferenceEqualityComparer.Instance);
        foreach (var check in catalog.Checks)
        {
            foreach (var set in new[] { check.Detect, check.FailIf, check.DelegatedIf }.OfType<SignalSet>())
            {
                foreach (var (kind, regexes) in new[] { (PatternScope.Code, set.Code), (PatternScope.Config, set.ConfigKeys), (PatternScope.Iac, set.Iac) })
                {
                    foreach (var regex in regexes)
                    {
                        index[regex] = all.Count;
                        // A pattern that spans lines ("kind: CronJob ... pg_dump") cannot be answered from one line: it runs over the whole file.
                        var anchors = regex.ToString().Contains(@"[\s\S]", StringComparison.Ordinal) ? null : RegexAnchor.Extract(regex.ToString());
                        all.Add(new Pattern(regex, kind, anchors, anchors is null ? WholeFile(regex) : regex));
                    }
                }
            }
        }
        All = all;
        IndexOf = index;

        var owners = new List<(string Literal, int Pattern)>();
        for (var i = 0; i < all.Count; i++)
        {
            if (all[i].Anchors is not null) continue;
            if (FileLiterals(all[i].Regex.ToString()) is { } literals) owners.AddRange(literals.Select(l => (l, i)));
            else _alwaysRun.Add(i);
        }
        _fileLiteralOwners = [.. owners];
        if (owners.Count > 0) _fileLiterals = SearchValues.Create([.. owners.Select(o => o.Literal).Distinct(StringComparer.OrdinalIgnoreCase)], StringComparison.OrdinalIgnoreCase);
    }

    private readonly List<int> _alwaysRun = [];
    private readonly (string Literal, int Pattern)[] _fileLiteralOwners = [];
    private readonly SearchValues<string>? _fileLiterals;

    public IReadOnlyList<Pattern> All { get; }
    public IReadOnlyDictionary<Regex, int> IndexOf { get; }

    internal IEnumerable<LiteralTarget> LiteralTargets() =>
        All.SelectMany((p, i) => (p.Anchors ?? []).Select(anchor => new LiteralTarget(anchor, LiteralKind.ReadinessAnchor, null) { Pattern = i }));

    /// <summary>
    /// Literals of which a whole-file regex needs one, looser than the line anchors: two characters are enough here
    /// ("G-" of a Google Analytics id), and a regex case-insensitive as a whole ("(?i)password=...") gets the
    /// literals of its body, which the file filter compares ignoring case anyway.
    /// </summary>
    private static IReadOnlyList<string>? FileLiterals(string pattern) =>
        RegexAnchor.Extract(pattern.StartsWith("(?i)", StringComparison.Ordinal) ? pattern[4..] : pattern, minimumLength: 2);

    /// <summary>
    /// The unanchored regexes in <paramref name="scopes"/> worth running over <paramref name="text"/>, in catalog
    /// order. One vectorized search for all their literals (ignoring case) replaces a pass of each regex over every
    /// file: most files hold none, and under invariant globalization a case-insensitive regex prefix search is a
    /// scalar loop, 14 times slower.
    /// </summary>
    internal List<int> UnanchoredToRun(ReadOnlySpan<char> text, PatternScope[] scopes)
    {
        var run = new List<int>();
        foreach (var i in _alwaysRun)
        {
            if (Array.IndexOf(scopes, All[i].Scope) >= 0) run.Add(i);
        }
        if (_fileLiterals is null) return run;
        var pending = _fileLiteralOwners.Where(o => Array.IndexOf(scopes, All[o.Pattern].Scope) >= 0).ToList();
        var offset = 0;
        while (pending.Count > 0)
        {
            var found = text[offset..].IndexOfAny(_fileLiterals);
            if (found < 0) break;
            offset += found;
            var rest = text[offset..];
            foreach (var (literal, pattern) in pending)
            {
                if (rest.StartsWith(literal, StringComparison.OrdinalIgnoreCase) && !run.Contains(pattern)) run.Add(pattern);
            }
            pending.RemoveAll(o => run.Contains(o.Pattern));
            offset++;
        }
        run.Sort();
        return run;
    }

    /// <summary>
    /// An unanchored regex runs over whole files, so it gets the linear-time engine: 10 to 40 times faster than
    /// backtracking on patterns like "(?i)(password|secret)\s*[:=]..." and immune to catastrophic backtracking on
    /// hostile input. Anchored regexes run on single lines, where the backtracking engine is as fast and its
    /// memory stays small. Lookarounds and backreferences need the backtracking engine.
    /// </summary>
    private static Regex WholeFile(Regex regex)
    {
        try
        {
            return new Regex(regex.ToString(), regex.Options | RegexOptions.NonBacktracking, regex.MatchTimeout);
        }
        catch (NotSupportedException)
        {
            return regex;
        }
    }

    /// <param name="Regex">The catalog's regex, for evidence and line runs.</param>
    /// <param name="FileRegex">The same regex built for whole-file runs.</param>
    public sealed record Pattern(Regex Regex, PatternScope Scope, IReadOnlyList<string>? Anchors, Regex FileRegex)
    {
        /// <summary>Line runs after which compiling the regex to IL pays for itself (about 2 ms to compile, 3 µs saved a run).</summary>
        internal const int CompileAfter = 500;

        private int _lineRuns;
        private Regex? _compiled;

        /// <summary>
        /// The regex for one line around an anchor: interpreted at first, compiled once it has run
        /// <see cref="CompileAfter"/> times, so small repositories skip the compile cost and large ones run 3x faster.
        /// </summary>
        public Regex ForLine()
        {
            if (_compiled is { } compiled) return compiled;
            if (Interlocked.Increment(ref _lineRuns) < CompileAfter) return Regex;
            return LazyInitializer.EnsureInitialized(ref _compiled, () => new Regex(Regex.ToString(), Regex.Options | RegexOptions.Compiled, Regex.MatchTimeout));
        }
    }
}

/// <summary>Which files a readiness regex reads.</summary>
public enum PatternScope
{
    /// <summary>Non-test source files.</summary>
    Code,
    /// <summary>Configuration files: json, yaml, toml, ini, properties, .env examples, appsettings.</summary>
    Config,
    /// <summary>Infrastructure as code: Terraform, Kubernetes and Helm files, compose, Dockerfiles.</summary>
    Iac,
}
