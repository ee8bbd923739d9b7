namespace Panoptic.Scanner.Registry;

/// <summary>How much each kind of signal says on its own, and how signals combine into status and confidence.</summary>
internal static class Evidence
{
    public static double Weight(SignalKind kind) => kind switch
    {
        SignalKind.Aspire => 0.7,
        SignalKind.Import or SignalKind.Code or SignalKind.Autoconfigured or SignalKind.ConnectionString or SignalKind.Terraform or SignalKind.ContainerImage or SignalKind.PlatformFile => 0.6,
        SignalKind.ApiHost or SignalKind.OutboundCall => 0.5,
        SignalKind.Dependency or SignalKind.Model or SignalKind.Selected => 0.4,
        SignalKind.EnvVar => 0.3,
        SignalKind.OptionalDependency => 0.2,
        _ => 0.1,
    };

    private static readonly string[] Labels = [.. Enum.GetValues<SignalKind>().SelectMany(k => new[] { Name(k), Name(k) + "_in_dev", Name(k) + "_in_test", Name(k) + "_in_ci" })];

    /// <summary>
    /// The evidence kind as the registry spells it; evidence outside the product carries where it was seen:
    /// "_in_dev", "_in_test" or "_in_ci" (a dev dependency says so by its name).
    /// </summary>
    public static string Label(Signal signal)
    {
        var place = StatusRule.PlaceOf(signal);
        if (signal.Kind == SignalKind.DevDependency && place == Place.Dev) place = Place.Product;
        return Labels[(int)signal.Kind * 4 + (int)place];
    }

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
        SignalKind.OutboundCall => "outbound_call",
        SignalKind.EnvVar => "env_var",
        SignalKind.ContainerImage => "deployment",
        SignalKind.Terraform => "terraform",
        SignalKind.PlatformFile => "platform_file",
        SignalKind.Aspire => "aspire_resource",
        SignalKind.Model => "model_name",
        SignalKind.Selected => "selected_by_config",
        SignalKind.IntegrationFolder => "integration_folder",
        SignalKind.Autoconfigured => "autoconfigured",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Independent kinds of evidence multiply doubt away: 1 - Π(1 - weight) over distinct kinds.</summary>
    public static double Confidence(IEnumerable<Signal> signals)
    {
        var doubt = signals.Select(s => s.Kind).Distinct().Aggregate(1.0, (d, kind) => d * (1 - Weight(kind)));
        return Math.Round(1 - doubt, 2);
    }
}
