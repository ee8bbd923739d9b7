namespace Panoptic.Scanner.Registry;

/// <summary>How much each kind of signal says on its own, and how signals combine into status and confidence.</summary>
internal static class Evidence
{
    public static double Weight(SignalKind kind) => kind switch
    {
        SignalKind.Aspire => 0.7,
        SignalKind.Import or SignalKind.Code or SignalKind.ConnectionString or SignalKind.Terraform or SignalKind.ContainerImage or SignalKind.PlatformFile => 0.6,
        SignalKind.ApiHost => 0.5,
        SignalKind.Dependency or SignalKind.Model => 0.4,
        SignalKind.EnvVar => 0.3,
        SignalKind.OptionalDependency => 0.2,
        _ => 0.1,
    };

    public static bool IsStrong(SignalKind kind) => kind is SignalKind.Import or SignalKind.Code or SignalKind.ConnectionString
        or SignalKind.ApiHost or SignalKind.Aspire or SignalKind.Terraform or SignalKind.ContainerImage or SignalKind.PlatformFile;

    private static readonly string[] Labels = [.. Enum.GetValues<SignalKind>().SelectMany(k => new[] { Name(k), Name(k) + "_in_test" })];

    /// <summary>The evidence kind as the registry spells it; evidence from test paths carries "_in_test" (dev dependencies are test-only by nature).</summary>
    public static string Label(Signal signal) =>
        Labels[(int)signal.Kind * 2 + (signal.InTest && signal.Kind != SignalKind.DevDependency ? 1 : 0)];

    public static string Name(SignalKind kind) => kind switch
    {
        SignalKind.Dependency => "dependency",
        SignalKind.DevDependency => "dev_dependency",
        SignalKind.OptionalDependency => "optional_dependency",
        SignalKind.IndirectDependency => "indirect_dependency",
        SignalKind.PinnedVersion => "pinned_version",
        SignalKind.Import => "import",
        SignalKind.Code => "code",
        SignalKind.ConnectionString => "connection_string",
        SignalKind.ApiHost => "api_host",
        SignalKind.EnvVar => "env_var",
        SignalKind.ContainerImage => "deployment",
        SignalKind.Terraform => "terraform",
        SignalKind.PlatformFile => "platform_file",
        SignalKind.Aspire => "aspire_resource",
        SignalKind.Model => "model_name",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Independent kinds of evidence multiply doubt away: 1 - Π(1 - weight) over distinct kinds.</summary>
    public static double Confidence(IEnumerable<Signal> signals)
    {
        var doubt = signals.Select(s => s.Kind).Distinct().Aggregate(1.0, (d, kind) => d * (1 - Weight(kind)));
        return Math.Round(1 - doubt, 2);
    }

    public static string Status(IReadOnlyList<Signal> signals)
    {
        var product = signals.Where(s => !s.InTest).ToList();
        if (product.Count == 0) return Statuses.TestOnly;
        if (product.Any(s => IsStrong(s.Kind) && !s.Optional)) return Statuses.Core;
        if (product.Any(s => s.Optional || s.Kind is SignalKind.EnvVar or SignalKind.Model or SignalKind.OptionalDependency || IsStrong(s.Kind))) return Statuses.Optional;
        return Statuses.Unconfirmed;
    }
}
