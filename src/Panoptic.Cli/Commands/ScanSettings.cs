namespace Panoptic.Cli.Commands;

/// <summary>The arguments of `panoptic scan`.</summary>
public sealed record ScanSettings(string Path, string Format, string? OutFile, long MaxFileSize, bool NoProgress)
{
    public bool Clones { get; init; }

    /// <summary>A Panoptic server to upload the registry to, with an ingestion key of the workspace.</summary>
    public string? Push { get; init; }

    public string? Key { get; init; }

    /// <summary>Pieces of evidence kept per entry, strongest first (null: all the registry keeps, up to 100).</summary>
    public int? Evidence { get; init; }
}
