using Panoptic.Scanner.Source;

namespace Panoptic.Scanner.Audit.Rules;

/// <summary>Committed credentials and risky settings: CORS wildcards, disabled TLS checks, debug mode in deploy files.</summary>
internal static class SecurityRules
{
    public static IEnumerable<AuditFinding> HardcodedSecret(AuditContext context)
    {
        foreach (var secret in context.Registry.Secrets.Where(s => !SourceFiles.IsTestPath(s.File)))
        {
            var service = context.ServiceOf(secret.File);
            var finding = context.Finding("sec.hardcoded_secret",
                $"{secret.Name} committed in {secret.File} ({secret.Masked}).",
                service is null ? [] : [service], [new FindingLocation(secret.File, secret.Line)], secret.File, secret.Rule, secret.Masked);
            // A database password in a compose file for a local-only container, or a value in example material, is a smell, not a leak.
            var name = Path.GetFileName(secret.File);
            var localCompose = secret.Rule == "connection-string-password" && Deployment.ComposeReader.IsComposeFile(name);
            yield return localCompose || SourceFiles.IsExamplePath(secret.File) ? finding with { Severity = "note" } : finding;
        }
    }

    public static IEnumerable<AuditFinding> CorsWildcard(AuditContext context) =>
        Smell(context, "smell-cors-wildcard", "sec.cors_wildcard", "allows requests from any origin", _ => true);

    public static IEnumerable<AuditFinding> TlsVerificationDisabled(AuditContext context) =>
        Smell(context, "smell-tls-disabled", "sec.tls_verification_disabled", "turns TLS certificate verification off", _ => true);

    /// <summary>Debug flags only count in files that ship: Dockerfiles, compose and Kubernetes/Helm files, production settings.</summary>
    public static IEnumerable<AuditFinding> DebugMode(AuditContext context) =>
        Smell(context, "smell-debug-mode", "sec.debug_mode_in_deploy_config", "enables debug or development mode in deployable configuration", IsDeployFile);

    private static IEnumerable<AuditFinding> Smell(AuditContext context, string smell, string rule, string what, Func<string, bool> counts)
    {
        var hits = context.SignalsOf[smell]
            .Where(s => !SourceFiles.IsTestPath(s.File) && counts(s.File))
            .OrderBy(s => s.File, StringComparer.Ordinal).ThenBy(s => s.Line);
        foreach (var hit in hits)
        {
            var service = context.ServiceOf(hit.File);
            yield return context.Finding(rule, $"{hit.File} {what}: {hit.Detail}.", service is null ? [] : [service], [new FindingLocation(hit.File, hit.Line)], hit.File, hit.Detail);
        }
    }

    private static bool IsDeployFile(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        return Deployment.DeploymentReader.IsDockerfile(Path.GetFileName(path)) || Deployment.ComposeReader.IsComposeFile(name)
            || path.Contains("k8s/", StringComparison.OrdinalIgnoreCase) || path.Contains("kubernetes", StringComparison.OrdinalIgnoreCase) || path.Contains("helm", StringComparison.OrdinalIgnoreCase)
            || path.Contains("charts/", StringComparison.OrdinalIgnoreCase) || name.Contains("prod", StringComparison.Ordinal) || name == "settings.py" || name == "app.yaml";
    }
}
