namespace Panoptic.Scanner.Walking;

/// <summary>A file or folder the scan did not read, and why.</summary>
public sealed record SkippedEntry(string Path, SkipReason Reason);

public enum SkipReason
{
    Gitignored,
    Ignored,
    VendoredOrBuildFolder,
    Generated,
    Binary,
    TooLarge,
    SymbolicLink,
    Unreadable,
    Vanished,
}
