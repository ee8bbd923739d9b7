namespace Panoptic.Scanner.Registry;

/// <summary>Something the scan could not read or understand; the scan goes on without it.</summary>
public sealed record Problem(string File, int? Line, string Message);
