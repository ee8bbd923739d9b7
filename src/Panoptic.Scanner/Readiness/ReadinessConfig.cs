namespace Panoptic.Scanner.Readiness;

/// <summary>panoptic.yaml's readiness settings: the product profile, waived checks with their reasons, and what the live checks add.</summary>
public sealed record ReadinessConfig(string Profile, IReadOnlyDictionary<string, string> Waivers)
{
    public static readonly IReadOnlyList<string> Profiles = ["b2b-saas", "shop", "api-only", "internal-tool"];

    public static ReadinessConfig Default { get; } = new("b2b-saas", new Dictionary<string, string>());

    /// <summary>readiness.live.health: health endpoint paths `check --live` checks on every URL.</summary>
    public IReadOnlyList<string> LiveHealth { get; init; } = [];

    /// <summary>readiness.live.status_pages: status page URLs `check --live` checks.</summary>
    public IReadOnlyList<string> LiveStatusPages { get; init; } = [];

    /// <summary>Checks a profile leaves out: an API has no UI to make accessible, an internal tool sells nothing.</summary>
    public static bool ProfileExcludes(string profile, ReadinessCheck check) => profile switch
    {
        "api-only" => check.Category == "ux" || check.AppliesIf == "has_web_ui",
        "internal-tool" => check.Category is "payments" or "legal" or "support" or "analytics",
        _ => false,
    };
}
