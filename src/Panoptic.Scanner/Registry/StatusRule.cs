namespace Panoptic.Scanner.Registry;

/// <summary>The status of an entry and the one-line reason for it, with the piece of evidence that decided it.</summary>
public sealed record StatusDecision(string Status, string Reason, Signal Deciding);

/// <summary>
/// The status rule, one pure function over an entry's evidence (docs/scan.md#status). <c>core</c> needs a production
/// signal: a use in product code on a path no flag guards, the default deployment, or a committed setting that
/// selects the technology. Tests, CI, tooling and dev overrides can never make an entry core.
/// </summary>
public static class StatusRule
{
    public static StatusDecision Decide(IReadOnlyList<Signal> signals) => DecideOrdered(Order(signals));

    /// <summary>The decision over evidence already in <see cref="Order"/>'s order.</summary>
    public static StatusDecision DecideOrdered(List<Signal> ordered)
    {
        ArgumentOutOfRangeException.ThrowIfZero(ordered.Count);
        var production = ordered.Where(s => PlaceOf(s) == Place.Product).ToList();
        if (production.FirstOrDefault(s => IsProductionSignal(s.Kind) && !s.Optional) is { } core)
            return new(Statuses.Core, $"core: {Describe(core)}{(core.Kind is SignalKind.Import or SignalKind.Code or SignalKind.ApiHost or SignalKind.OutboundCall or SignalKind.Aspire ? " in product code" : "")}, {Where(core)}", core);
        if (production.FirstOrDefault(s => s.Optional && (IsProductionSignal(s.Kind) || s.Kind == SignalKind.OptionalDependency)) is { } guarded)
            return new(Statuses.Optional, $"optional: {Describe(guarded)} only with {guarded.Guard}, {Where(guarded)}", guarded);
        // An env var a deployment is told to set (.env.example, compose, manifests) makes an optional integration; one
        // only read in code is as weak as a bare dependency: frameworks' stock config files read every driver's variables.
        if (production.FirstOrDefault(s => s.Kind == SignalKind.EnvVar && Source.SourceFiles.LanguageOf(Path.GetFileName(s.File)) is null) is { } declared)
            return new(Statuses.Optional, $"optional: only the env var `{declared.Detail}` configures it, {Where(declared)}", declared);
        if (production.FirstOrDefault(s => s.Kind == SignalKind.Model) is { } model)
            return new(Statuses.Optional, $"optional: only the model name `{model.Detail}` names it, {Where(model)}", model);
        // A declared dependency whose only uses are in tooling, tests or CI is what those uses say, not a bare declaration.
        var use = ordered.FirstOrDefault(s => PlaceOf(s) != Place.Product && IsProductionSignal(s.Kind));
        if (production.Count > 0 && use is null)
            return new(Statuses.Unconfirmed, $"unconfirmed: {Describe(production[0])} with no {(production[0].Kind == SignalKind.EnvVar ? "use or declared setting" : "code, config or deployment")} behind it, {Where(production[0])}", production[0]);
        var first = use ?? ordered[0];
        return PlaceOf(first) switch
        {
            Place.Dev => new(Statuses.DevOnly, $"dev_only: only in local tooling or development set-up, {Where(first)}", first),
            Place.Ci => new(Statuses.CiOnly, $"ci_only: only in CI definitions, {Where(first)}", first),
            _ => new(Statuses.TestOnly, $"test_only: only in tests, {Where(first)}", first),
        };
    }

    /// <summary>Where the evidence sits: a dev guard or a dev dependency is local tooling, whatever the path says.</summary>
    public static Place PlaceOf(Signal signal)
    {
        var place = signal.FilePlace ?? Source.SourceFiles.PlaceOf(signal.File);
        if (place != Place.Product) return place;
        if (signal.DevGuard || signal.Kind == SignalKind.DevDependency) return Place.Dev;
        return signal.InTest ? Place.Test : Place.Product;
    }

    /// <summary>
    /// The evidence, strongest first: client construction in production source, then the default deployment, then
    /// configuration and committed env examples, then manifest dependencies, then development, tests and CI; an
    /// unguarded use before a guarded one of the same kind.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static List<Signal> Order(IEnumerable<Signal> signals)
    {
        var items = signals as Signal[] ?? [.. signals];
        // The rank (place, strength, guarded) is computed once per signal, not twice per comparison.
        var ranks = new int[items.Length];
        for (var i = 0; i < items.Length; i++) ranks[i] = ((int)PlaceOf(items[i]) << 8) | (Strength(items[i].Kind) << 1) | (items[i].Optional ? 1 : 0);
        var files = FileRanks(items);
        // (rank, file) and (line, kind) packed into two numbers each: the same comparisons, fewer reads per comparison.
        var first = new long[items.Length];
        var second = new long[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            first[i] = ((long)ranks[i] << 32) | (uint)files[i];
            second[i] = ((long)items[i].Line << 32) | (uint)(int)items[i].Kind;
        }
        var index = new int[items.Length];
        for (var i = 0; i < index.Length; i++) index[i] = i;
        Array.Sort(index, (x, y) =>
        {
            var order = first[x].CompareTo(first[y]);
            if (order == 0) order = second[x].CompareTo(second[y]);
            return order != 0 ? order : string.CompareOrdinal(items[x].Detail, items[y].Detail);
        });
        var ordered = new List<Signal>(items.Length);
        foreach (var i in index) ordered.Add(items[i]);
        return ordered;
    }

    /// <summary>
    /// Each signal's file as its place in the ordinal order of the files present, equal paths equal: comparing these
    /// orders exactly as comparing the paths does, without reading tens of thousands of long common prefixes per sort.
    /// </summary>
    private static int[] FileRanks(Signal[] items)
    {
        // A file's evidence sits together under one path string: the runs of it are sorted, equal text ranked equal.
        var runOf = new int[items.Length];
        var paths = new List<string>();
        for (var i = 0; i < items.Length; i++)
        {
            if (i == 0 || !ReferenceEquals(items[i].File, items[i - 1].File)) paths.Add(items[i].File);
            runOf[i] = paths.Count - 1;
        }
        var sorted = paths.ToArray();
        var runs = new int[sorted.Length];
        for (var i = 0; i < runs.Length; i++) runs[i] = i;
        Array.Sort(sorted, runs, StringComparer.Ordinal);
        var rankOfRun = new int[runs.Length];
        var rank = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i > 0 && !string.Equals(sorted[i], sorted[i - 1], StringComparison.Ordinal)) rank++;
            rankOfRun[runs[i]] = rank;
        }
        var result = new int[items.Length];
        for (var i = 0; i < items.Length; i++) result[i] = rankOfRun[runOf[i]];
        return result;
    }

    /// <summary>Rank of a kind of evidence, 0 the strongest.</summary>
    public static int Strength(SignalKind kind) => kind switch
    {
        SignalKind.Code or SignalKind.Aspire => 0,
        SignalKind.Import or SignalKind.Autoconfigured => 1,
        SignalKind.ConnectionString => 2,
        SignalKind.ApiHost or SignalKind.OutboundCall => 3,
        SignalKind.ContainerImage or SignalKind.Terraform or SignalKind.PlatformFile => 4,
        SignalKind.Selected => 5,
        SignalKind.IntegrationFolder => 5,
        SignalKind.Model => 6,
        SignalKind.EnvVar => 7,
        SignalKind.Dependency => 8,
        SignalKind.OptionalDependency => 9,
        SignalKind.PinnedVersion or SignalKind.IndirectDependency => 10,
        _ => 11,
    };

    /// <summary>Kinds that show the technology in use (not merely declared): enough for core when nothing guards them.</summary>
    public static bool IsProductionSignal(SignalKind kind) => kind is SignalKind.Import or SignalKind.Code or SignalKind.ConnectionString
        or SignalKind.ApiHost or SignalKind.OutboundCall or SignalKind.Aspire or SignalKind.Terraform or SignalKind.ContainerImage or SignalKind.PlatformFile or SignalKind.Selected
        or SignalKind.IntegrationFolder or SignalKind.Autoconfigured;

    private static string Where(Signal signal) => signal.Line > 0 ? $"{signal.File}:{signal.Line}" : signal.File;

    private static string Describe(Signal signal) => signal.Kind switch
    {
        SignalKind.EnvVar => $"code reading the env var `{signal.Detail}`",
        SignalKind.Import => $"imported (`{signal.Detail}`)",
        SignalKind.Code => $"client code `{signal.Detail}`",
        SignalKind.Aspire => $"Aspire resource `{signal.Detail}`",
        SignalKind.ConnectionString => $"connection string `{signal.Detail}`",
        SignalKind.ApiHost => $"API host `{signal.Detail}`",
        SignalKind.OutboundCall => signal.Detail == signal.TechnologyId ? $"an HTTP call to `{signal.Detail}`" : $"an HTTP call to `{signal.TechnologyId}` (through `{signal.Detail}`)",
        SignalKind.ContainerImage => $"deployed (`{signal.Detail}`)",
        SignalKind.Terraform => $"infrastructure resource `{signal.Detail}`",
        SignalKind.PlatformFile => $"platform file `{signal.Detail}`",
        SignalKind.Selected => $"selected by `{signal.Detail}`",
        SignalKind.IntegrationFolder => $"an integration module (`{signal.Detail}`)",
        SignalKind.Autoconfigured => $"auto-configured by Spring Boot (`{signal.Detail}`)",
        SignalKind.OptionalDependency => $"optional dependency `{signal.Detail}`",
        _ => $"declared dependency `{signal.Detail}`",
    };
}
