namespace Panoptic.Scanner.Registry;

/// <summary>An environment variable read by code or declared by a deployment or .env file. Never its value.</summary>
public sealed record EnvVarUse(string Name, string File, int Line, bool Declared);
