namespace Panoptic.Scanner.Catalog;

/// <summary>What a literal found in text stands for.</summary>
internal enum LiteralKind
{
    Host,
    Code,
    Aspire,
    Model,
    Secret,
    EnvRead,
    SchemeSeparator,
    /// <summary>A fragment that can start a route declaration or a listen port: the line around it is read by the audit's extractors.</summary>
    LineMarker,
    /// <summary>A literal every match of a readiness regex contains; the regex runs on that line.</summary>
    ReadinessAnchor,
}

/// <summary>One literal of the multi-string search, with what it means when found.</summary>
internal sealed record LiteralTarget(string Literal, LiteralKind Kind, Technology? Technology, Secrets.SecretRule? Secret = null)
{
    /// <summary>For a readiness anchor, the index of its pattern in <see cref="Readiness.ReadinessPatterns"/>.</summary>
    public int Pattern { get; init; } = -1;
}
