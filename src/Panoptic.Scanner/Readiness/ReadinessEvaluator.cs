using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Manifests;
using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Source;

namespace Panoptic.Scanner.Readiness;

/// <summary>
/// Answers every readiness check from direct evidence: product code and configuration (never tests), direct
/// dependencies of the product's services, routes, env var names and CI definitions. Verdict first, then score.
/// </summary>
internal sealed class ReadinessEvaluator(ReadinessCatalog checks, ReadinessPatterns patterns)
{
    private static readonly string[] FrontendPackages = ["react", "vue", "@angular/core", "svelte", "next", "nuxt", "@remix-run/react", "solid-js", "preact", "react-dom"];

    public ReadinessSection Evaluate(IReadOnlyList<FileReport> reports, IEnumerable<string> allPaths, RegistryDocument registry, ReadinessConfig config)
    {
        var product = reports.Where(r => !SourceFiles.IsTestPath(r.Path)).ToList();
        // Discovery counts CI folders (.github, .circleci, ...) as test code; for readiness they are the evidence.
        List<string> paths = [.. allPaths.Where(p => !SourceFiles.IsTestPath(p) || CiFolders.Any(f => p.StartsWith(f, StringComparison.Ordinal)))];
        var inputs = new Inputs(
            paths,
            checks.PathLiterals is { } literals ? [.. paths.Where(p => p.AsSpan().ContainsAny(literals))] : paths,
            registry.Audit?.Services.SelectMany(s => s.Routes).ToList() ?? [],
            [.. product.SelectMany(r => r.Manifests.Where(m => !m.IsTestProject && !m.PinsOnly).SelectMany(m => m.Dependencies
                .Where(d => d.Scope is DependencyScope.Direct or DependencyScope.Optional)
                .Select(d => (m.Ecosystem, Name: TechnologyCatalog.NormalizePackage(m.Ecosystem, d.Name), r.Path, d.Line))))],
            product.Where(r => r.ReadinessHits.Count > 0).SelectMany(r => r.ReadinessHits.Select(h => (h.Pattern, r.Path, h.Line))).ToLookup(h => h.Pattern),
            [.. product.SelectMany(r => r.EnvVars).DistinctBy(e => e.Name)],
            [.. reports.Where(r => r.CiText is not null)],
            [.. registry.Secrets.Where(f => !SourceFiles.IsTestPath(f.File) && !IsLocalDefault(f))]);

        // What a check forbids counts in the product, not in example material (a dev certificate in example/).
        var evidence = checks.Checks.ToDictionary(c => c.Id, c => (Detect: Find(c.Detect, inputs),
            Fail: Find(c.FailIf, inputs).Where(e => !SourceFiles.IsExamplePath(e.File)).ToList(), Delegated: Find(c.DelegatedIf, inputs)));
        bool Found(string id) => evidence.TryGetValue(id, out var e) && (e.Detect.Count > 0 || e.Delegated.Count > 0);
        var preconditions = new Dictionary<string, bool>(StringComparer.Ordinal)
        {
            ["has_web_ui"] = config.Profile != "api-only" && (inputs.Deps.Any(d => d.Ecosystem == Ecosystem.Npm && FrontendPackages.Contains(d.Name))
                || inputs.Paths.Any(p => p.EndsWith(".cshtml", StringComparison.Ordinal) || p.EndsWith(".razor", StringComparison.Ordinal) || p.Contains("/templates/", StringComparison.Ordinal) && p.EndsWith(".html", StringComparison.Ordinal))),
            ["has_user_accounts"] = Found("identity.authentication_present"),
            ["payments_detected"] = Found("payments.provider_integration"),
            ["sends_email"] = Found("email.transactional_provider"),
            ["uses_trackers"] = registry.ExternalApis.Any(a => a.Category == "analytics" && a.Status is Statuses.Core or Statuses.Optional),
            ["has_database"] = registry.BackendConnections.Any(c => c.Category == "database" && c.Status is Statuses.Core or Statuses.Optional),
            ["has_object_storage"] = registry.BackendConnections.Any(c => c.Category == "object_storage" && c.Status is Statuses.Core or Statuses.Optional),
        };

        var results = checks.Checks.Select(c => Result(c, evidence[c.Id], preconditions, config)).ToList();
        return ReadinessScoring.Summarize(config.Profile, [.. checks.Categories.Select(c => (c.Id, c.Title))], results);
    }

    private static CheckResult Result(ReadinessCheck check, (List<EvidenceEntry> Detect, List<EvidenceEntry> Fail, List<EvidenceEntry> Delegated) found,
        Dictionary<string, bool> preconditions, ReadinessConfig config)
    {
        var waived = config.Waivers.GetValueOrDefault(check.Id);
        CheckResult Make(string status, IReadOnlyList<EvidenceEntry> evidence, string? satisfiedBy = null, string? reason = null) => new()
        {
            Id = check.Id, Category = check.Category, Title = check.Title, Status = status, Blocking = check.Blocking, Risk = check.Risk,
            SatisfiedBy = satisfiedBy, Reason = reason, Waived = waived, Evidence = [.. evidence.Take(20)],
            ManualCheck = status == "needs_manual_confirmation" ? check.ManualCheck : null,
            LookedFor = status is "fail" or "needs_manual_confirmation" && evidence.Count == 0 ? LookedFor(check.Detect) : null,
        };

        if (ReadinessConfig.ProfileExcludes(config.Profile, check)) return Make("not_applicable", [], reason: $"not part of the {config.Profile} profile");
        if (check.AppliesIf is { } condition && !preconditions[condition]) return Make("not_applicable", [], reason: $"precondition {condition} is false");
        if (check.Inverted)
            return found.Fail.Count > 0 ? Make("fail", found.Fail, reason: "found what this check forbids") : Make("pass", found.Detect, satisfiedBy: "nothing found to fail");
        if (found.Fail.Count > 0) return Make("fail", found.Fail, reason: "found what this check forbids, beside any positive evidence");
        if (found.Detect.Any(e => e.Kind != "env_var")) return Make("pass", found.Detect, satisfiedBy: "evidence");
        if (found.Detect.Count > 0) return Make("partial", found.Detect, reason: "only environment variable names point to it");
        if (found.Delegated.Count > 0) return Make("pass", found.Delegated, satisfiedBy: "delegated");
        if (check.UnknowableFromCode) return Make("needs_manual_confirmation", [], reason: "code cannot show this");
        return Make(check.AbsenceMeans, [], reason: check.AbsenceMeans == "fail" ? "no evidence found" : "no evidence in the repository; it may live outside it");
    }

    private List<EvidenceEntry> Find(SignalSet? set, Inputs inputs)
    {
        var found = new List<EvidenceEntry>();
        if (set is null) return found;
        foreach (var glob in set.Paths)
            found.AddRange(inputs.GlobCandidates.Where(p => glob.IsMatch(p)).Take(5).Select(p => new EvidenceEntry(p, 1, "path", glob.ToString())));
        foreach (var rule in set.Secrets)
            found.AddRange(inputs.Secrets.Where(f => rule.IsMatch(f.Rule)).Take(5).Select(f => new EvidenceEntry(f.File, f.Line, "secret", $"{f.Name} ({f.Masked})")));
        foreach (var route in set.Routes)
            found.AddRange(inputs.Routes.Where(r => route.IsMatch(r.Path)).Take(5).Select(r => new EvidenceEntry(r.File, r.Line, "route", $"{r.Method} {r.Path}")));
        foreach (var (ecosystem, names) in set.Deps)
        {
            var wanted = names.Select(n => TechnologyCatalog.NormalizePackage(ecosystem, n)).ToHashSet(StringComparer.Ordinal);
            found.AddRange(inputs.Deps.Where(d => d.Ecosystem == ecosystem && (wanted.Contains(d.Name) || (ecosystem == Ecosystem.Maven && wanted.Contains(d.Name[(d.Name.IndexOf(':') + 1)..]))))
                .Take(5).Select(d => new EvidenceEntry(d.File, d.Line, "dependency", d.Name)));
        }
        foreach (var regex in set.Code.Concat(set.ConfigKeys).Concat(set.Iac))
        {
            var kind = set.Code.Contains(regex) ? "code" : set.ConfigKeys.Contains(regex) ? "config" : "iac";
            found.AddRange(inputs.Hits[patterns.IndexOf[regex]].Take(5).Select(h => new EvidenceEntry(h.File, h.Line, kind, regex.ToString())));
        }
        foreach (var env in set.EnvVars)
            found.AddRange(inputs.EnvVars.Where(e => env.IsMatch(e.Name)).Take(5).Select(e => new EvidenceEntry(e.File, e.Line, "env_var", e.Name)));
        foreach (var ci in set.Ci)
        {
            foreach (var file in inputs.Ci)
            {
                var match = ci.Match(file.CiText!);
                if (match.Success) found.Add(new EvidenceEntry(file.Path, file.CiText!.AsSpan(0, match.Index).Count('\n') + 1, "ci", match.Value.Length > 60 ? match.Value[..60] : match.Value));
            }
        }
        return [.. found.Distinct().OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line)];
    }

    private static List<string> LookedFor(SignalSet set)
    {
        var looked = new List<string>();
        if (set.Deps.Count > 0) looked.Add("dependencies: " + string.Join(", ", set.Deps.SelectMany(d => d.Value).Take(8)));
        if (set.Code.Count > 0) looked.Add("code: " + string.Join(" | ", set.Code.Take(4).Select(r => r.ToString())));
        if (set.Routes.Count > 0) looked.Add("routes: " + string.Join(" | ", set.Routes.Take(3).Select(r => r.ToString())));
        if (set.Paths.Count > 0) looked.Add("files matching " + set.Paths.Count + " patterns");
        if (set.Secrets.Count > 0) looked.Add("credentials found by the secret scanner");
        if (set.EnvVars.Count > 0) looked.Add("env vars: " + string.Join(", ", set.EnvVars.Take(5).Select(r => r.ToString())));
        if (set.Ci.Count > 0) looked.Add("CI steps: " + string.Join(" | ", set.Ci.Take(3).Select(r => r.ToString())));
        return looked;
    }

    /// <summary>
    /// A connection string to localhost or to a container name (postgres://app:app@localhost/app, ...@db/app) is a
    /// development default, not a production credential (saleor's settings.py).
    /// </summary>
    internal static bool IsLocalDefault(Secrets.SecretFinding finding)
    {
        if (finding.Rule != "connection-string-password") return false;
        var at = finding.Masked.IndexOf('@', StringComparison.Ordinal);
        if (at < 0) return false;
        var host = finding.Masked[(at + 1)..];
        var end = host.IndexOfAny([':', '/', '?']);
        if (end >= 0) host = host[..end];
        return host is "localhost" or "127.0.0.1" or "[::1]" or "0.0.0.0" || (host.Length > 0 && !host.Contains('.', StringComparison.Ordinal));
    }

    private static readonly string[] CiFolders = [".github/", ".gitlab/", ".circleci/", ".buildkite/", ".tekton/"];

    /// <param name="GlobCandidates">The paths some path pattern may match, in the order of <paramref name="Paths"/>.</param>
    private sealed record Inputs(
        List<string> Paths,
        List<string> GlobCandidates,
        List<Audit.RouteFact> Routes,
        List<(Ecosystem Ecosystem, string Name, string File, int Line)> Deps,
        ILookup<int, (int Pattern, string File, int Line)> Hits,
        List<EnvVarUse> EnvVars,
        List<FileReport> Ci,
        List<Secrets.SecretFinding> Secrets);
}
