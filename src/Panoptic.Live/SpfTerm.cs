namespace Panoptic.Live;

/// <summary>One SPF term (RFC 7208 section 4.6.1): a mechanism with its qualifier, or a modifier (name=value).</summary>
public sealed record SpfTerm(char Qualifier, string Name, string? Value, bool IsModifier);
