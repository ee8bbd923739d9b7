namespace Panoptic.Scanner.Registry;

/// <summary>What the evidence says about a technology's place in production.</summary>
public static class Statuses
{
    /// <summary>Confirmed by product code or by the default deployment.</summary>
    public const string Core = "core";
    /// <summary>Enabled only by an env var, a plugin, a compose profile or an optional deployment component.</summary>
    public const string Optional = "optional";
    /// <summary>Declared as a dependency, with no code, config or deployment behind it.</summary>
    public const string Unconfirmed = "unconfirmed";
    /// <summary>Seen only in tests, fixtures, e2e or load-test harnesses.</summary>
    public const string TestOnly = "test_only";
    /// <summary>Seen only in CI definitions (workflows, pipelines).</summary>
    public const string CiOnly = "ci_only";
    /// <summary>Seen only in local development: tooling scripts, dev compose overrides, dev containers, dev dependencies.</summary>
    public const string DevOnly = "dev_only";
    /// <summary>Developer tooling: not a production connection.</summary>
    public const string Tooling = "tooling";

    public static readonly IReadOnlyList<string> All = [Core, Optional, Unconfirmed, DevOnly, TestOnly, CiOnly, Tooling];
}
