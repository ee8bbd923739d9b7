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
    /// <summary>The name's bytes are not UTF-8: .NET cannot spell the path back to open it.</summary>
    NameNotUtf8,
}
