namespace Panoptic.Scanner.Secrets;

/// <summary>A hard-coded credential. <see cref="Masked"/> is the only form of the value that ever leaves the scanner.</summary>
public sealed record SecretFinding(string Rule, string Name, string File, int Line, string Masked);
