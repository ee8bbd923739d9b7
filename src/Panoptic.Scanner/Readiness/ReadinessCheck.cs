using System.Text.RegularExpressions;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Readiness;

/// <summary>One commercial-readiness check: what it asks, how much it weighs, and the signals that answer it.</summary>
public sealed record ReadinessCheck
{
    public required string Id { get; init; }
    public required string Category { get; init; }
    public required string Title { get; init; }
    public required string Why { get; init; }
    public required bool Blocking { get; init; }
    /// <summary>critical, high, medium or low (OpenSSF Scorecard weights 10, 7.5, 5, 2.5).</summary>
    public required string Risk { get; init; }
    public string? AppliesIf { get; init; }
    /// <summary>fail or needs_manual_confirmation: the status when no signal is found.</summary>
    public required string AbsenceMeans { get; init; }
    public required bool UnknowableFromCode { get; init; }
    public required SignalSet Detect { get; init; }
    public SignalSet? FailIf { get; init; }
    public SignalSet? DelegatedIf { get; init; }
    public string? ManualCheck { get; init; }
    /// <summary>Passes when its fail_if signals find nothing (no hard-coded secrets, no SQL built from strings).</summary>
    public bool Inverted { get; init; }

    public double Weight => WeightOf(Risk);

    public static double WeightOf(string risk) => risk switch { "critical" => 10, "high" => 7.5, "medium" => 5, _ => 2.5 };
}

/// <summary>The signals of one part of a check (detect, fail_if or delegated_if), compiled.</summary>
public sealed record SignalSet
{
    public static SignalSet Empty { get; } = new();

    public IReadOnlyList<PathGlob> Paths { get; init; } = [];
    public IReadOnlyList<Regex> Routes { get; init; } = [];
    public IReadOnlyDictionary<Ecosystem, IReadOnlyList<string>> Deps { get; init; } = new Dictionary<Ecosystem, IReadOnlyList<string>>();
    public IReadOnlyList<Regex> Code { get; init; } = [];
    public IReadOnlyList<Regex> ConfigKeys { get; init; } = [];
    public IReadOnlyList<Regex> EnvVars { get; init; } = [];
    public IReadOnlyList<Regex> Ci { get; init; } = [];
    public IReadOnlyList<Regex> Iac { get; init; } = [];
    /// <summary>Rule ids of the scan's secret scanner (secrets.yaml), whose findings are masked, placeholder-aware evidence.</summary>
    public IReadOnlyList<Regex> Secrets { get; init; } = [];

    public bool IsEmpty => Paths.Count + Routes.Count + Deps.Count + Code.Count + ConfigKeys.Count + EnvVars.Count + Ci.Count + Iac.Count + Secrets.Count == 0;
}
