namespace Panoptic.Scanner.Registry;

/// <summary>Where a piece of evidence lives: only product code and the default deployment can make an entry core.</summary>
public enum Place
{
    Product,
    /// <summary>Local development: tooling scripts, dev compose overrides, dev containers, agent folders, dev dependencies.</summary>
    Dev,
    Test,
    Ci,
}
