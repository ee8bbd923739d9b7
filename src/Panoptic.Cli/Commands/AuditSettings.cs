namespace Panoptic.Cli.Commands;

/// <summary>The arguments of `panoptic audit`.</summary>
public sealed record AuditSettings(string Path, string Format, string? OutFile, long MaxFileSize, bool NoProgress, string FailOn);
