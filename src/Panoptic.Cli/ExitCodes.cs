namespace Panoptic.Cli;

/// <summary>What `panoptic` exit codes mean; documented in the README.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>An unexpected failure inside Panoptic; the message on stderr says what happened.</summary>
    public const int Failure = 1;
    /// <summary>Bad arguments or an invalid panoptic.yaml: nothing was scanned.</summary>
    public const int InvalidInput = 2;
    /// <summary>The path to scan does not exist or is not a folder.</summary>
    public const int PathNotFound = 3;
    /// <summary>`panoptic audit --fail-on LEVEL` found at least one finding that severe.</summary>
    public const int FindingsAtThreshold = 4;
    /// <summary>`panoptic advise --fail-over USD`: the advisor's potential savings exceed that many dollars.</summary>
    public const int SavingsOverThreshold = 5;
    /// <summary>`panoptic advise` could not read the server: unreachable, the key refused, or not the advisor's answer.</summary>
    public const int ServerUnreadable = 6;
    /// <summary>Interrupted with Ctrl+C.</summary>
    public const int Cancelled = 130;
}
