namespace Panoptic.Cli.Commands;

/// <summary>The arguments of `panoptic scan`.</summary>
public sealed record ScanSettings(string Path, string Format, string? OutFile, long MaxFileSize, bool NoProgress)
{
    public bool Clones { get; init; }
}
