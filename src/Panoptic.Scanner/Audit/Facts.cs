namespace Panoptic.Scanner.Audit;

/// <summary>An HTTP route declared in code.</summary>
public sealed record RouteFact(string Method, string Path, string File, int Line);

/// <summary>A language runtime version a service is pinned to (node 20, python 3.12, dotnet 8.0).</summary>
public sealed record RuntimeVersion(string Runtime, string Version, string File, int Line);

/// <summary>A health probe declared by the deployment (Kubernetes liveness/readiness/startup, compose or Dockerfile healthcheck).</summary>
public sealed record ProbeFact(string Kind, string? Path, string File, int Line);

/// <summary>What a Dockerfile says about the container it builds.</summary>
public sealed record DockerfileFact(string File, bool RunsAsRoot, int UserLine, bool HasHealthcheck, int Stages);

/// <summary>A window of code tokens, for clone detection: its hash and the lines it spans.</summary>
public readonly record struct CodeFingerprint(ulong Hash, int StartLine, int EndLine);
