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
                        var anchors = RegexAnchor.Extract(regex.ToString());
                        all.Add(new Pattern(regex, kind, anchors, anchors is null ? WholeFile(regex) : regex));
                    }
                }
            }
        }
        All = all;
        IndexOf = index;
    }

    public IReadOnlyList<Pattern> All { get; }
    public IReadOnlyDictionary<Regex, int> IndexOf { get; }

    internal IEnumerable<LiteralTarget> LiteralTargets() =>
        All.SelectMany((p, i) => (p.Anchors ?? []).Select(anchor => new LiteralTarget(anchor, LiteralKind.ReadinessAnchor, null) { Pattern = i }));

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
