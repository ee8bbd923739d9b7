namespace Panoptic.Scanner.Audit;

/// <summary>Code copied between files: groups of identical regions, and duplicated lines per service and overall.</summary>
public sealed record CloneReport
{
    public static CloneReport Empty { get; } = new() { Groups = [], ByService = new Dictionary<string, DuplicationFigures>(), Overall = new DuplicationFigures(0, 0) };

    /// <summary>True when fingerprints were computed; `panoptic scan` skips clone detection unless asked.</summary>
    public bool Computed { get; init; }
    public required IReadOnlyList<CloneGroup> Groups { get; init; }
    public required IReadOnlyDictionary<string, DuplicationFigures> ByService { get; init; }
    public required DuplicationFigures Overall { get; init; }
}

/// <summary>One piece of code found at several places; <see cref="CrossService"/> when the places belong to different services.</summary>
public sealed record CloneGroup(int Lines, bool CrossService, IReadOnlyList<CloneLocation> Locations);

public sealed record CloneLocation(string File, int StartLine, int EndLine, string? Service);

/// <summary>Lines of code and how many of them are also found elsewhere.</summary>
public sealed record DuplicationFigures(int CodeLines, int DuplicatedLines)
{
    public double Percent => CodeLines == 0 ? 0 : Math.Round(100.0 * DuplicatedLines / CodeLines, 1);
}
