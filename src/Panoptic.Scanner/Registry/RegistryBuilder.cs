using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Config;
using Panoptic.Scanner.Walking;

namespace Panoptic.Scanner.Registry;

/// <summary>Combines the per-file reports into the registry: services, connections, external APIs, secrets, skipped files.</summary>
internal sealed class RegistryBuilder(TechnologyCatalog catalog, ProjectConfig config)
{
    private const int EvidenceLimit = 100;
    private const int SkippedListLimit = 500;

    /// <param name="root">The scanned folder, to look up the callers of a module (<see cref="Callers"/>); null skips that step.</param>
    public RegistryDocument Build(ProjectInfo project, IReadOnlyList<FileReport> reports, IReadOnlyList<SkippedEntry> skipped, bool readiness = false, string? root = null)
    {
        var unread = skipped.Where(s => s.Reason is SkipReason.TooLarge or SkipReason.Binary).Select(s => s.Path).ToList();
        // Two independent lines of work run side by side: the services with everything that depends only on them and
        // the reports (the service entries, the audit's facts), and the evidence passes that decide each technology.
        var detected = Task.Run(() =>
        {
            var services = new ServiceDetector(catalog, project.Name).Detect(reports);
            var usage = new UsageMap(services, reports);
            return (services, usage);
        });
        var described = detected.ContinueWith(t =>
        {
            var (services, usage) = t.GetAwaiter().GetResult();
            List<ServiceEntry> entries = [.. Services(services, ServiceDetector.OwnerLookup(services), reports)];
            return (entries, Audit.AuditEngine.Prepare(services, reports, entries, catalog, usage, unread));
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var listed = Task.Run(() => (
            Secrets: reports.SelectMany(r => r.Secrets).Distinct().OrderBy(s => s.File, StringComparer.Ordinal).ThenBy(s => s.Line).ThenBy(s => s.Rule, StringComparer.Ordinal).ToList(),
            Problems: reports.SelectMany(r => r.Problems).OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line).ToList()));

        // Documentation illustrates; it is never evidence of use.
        var signals = Callers.Mark(Switched.Mark(OperatorCommands.Mark(Integrations.Mark(Alternatives.Mark(SignIn.Reassign(DefaultOnSettings.Unguard(Placed(reports), reports), catalog), reports, catalog), catalog)), reports, catalog), reports, root);
        var dependsOn = reports.SelectMany(r => r.ComposeServices)
            .GroupBy(c => c.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(c => c.DependsOn).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var (detectedServices, usageMap) = detected.GetAwaiter().GetResult();
        // Each technology's entry is independent work over its own evidence; big repositories have tens of thousands.
        // The biggest go first, handed out one at a time, so two big technologies never queue behind each other on one core.
        var groups = signals
            .Where(s => catalog[s.TechnologyId]!.Section is RegistrySection.Connection or RegistrySection.ExternalApi or RegistrySection.Tooling)
            .GroupBy(s => s.TechnologyId, StringComparer.Ordinal)
            .Select(g => (Tech: catalog[g.Key]!, Signals: g.ToList()))
            .OrderByDescending(g => g.Signals.Count)
            .ToList();
        var entries = System.Collections.Concurrent.Partitioner.Create(groups, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering)
            .AsParallel()
            .Select(g => Entry(g.Tech, g.Signals, detectedServices, usageMap, dependsOn))
            .Where(e => e.Entry.Status != ProjectConfig.Ignored)
            .OrderBy(e => e.Entry.Id, StringComparer.Ordinal)
            .ToList();
        entries = LinkBrokers(WithoutExplainedUmbrellas(entries));

        var (serviceEntries, prepared) = described.GetAwaiter().GetResult();
        var (secrets, problems) = listed.GetAwaiter().GetResult();
        var document = new RegistryDocument
        {
            Project = project,
            Services = serviceEntries,
            BackendConnections = [.. entries.Where(e => e.Section == RegistrySection.Connection).Select(e => e.Entry)],
            ExternalApis = [.. entries.Where(e => e.Section == RegistrySection.ExternalApi).Select(e => e.Entry)],
            DevTooling = [.. entries.Where(e => e.Section == RegistrySection.Tooling).Select(e => e.Entry)],
            Secrets = secrets,
            Skipped = Skipped(skipped),
            Problems = problems,
        };
        // The readiness evaluator reads the audit's service facts (their routes), not its findings: it runs beside the rules.
        Task<Readiness.ReadinessSection>? evaluated = null;
        if (readiness && catalog.Readiness is { } checks && catalog.ReadinessPatterns is { } patterns)
        {
            var withFacts = document with { Audit = new Audit.AuditSection { Summary = [], Services = prepared.Facts, Findings = [], Clones = prepared.Clones } };
            var paths = reports.Select(r => r.Path).Concat(unread).Concat(skipped.Where(s => s.Reason is SkipReason.Gitignored or SkipReason.Generated).Select(s => s.Path));
            evaluated = Task.Run(() => new Readiness.ReadinessEvaluator(checks, patterns).Evaluate(reports, paths, withFacts, config.Readiness));
        }
        document = document with { Audit = Audit.AuditEngine.Run(prepared, reports, document, catalog) };
        if (evaluated is not null) document = document with { CommercialReadiness = evaluated.GetAwaiter().GetResult() };
        return document;
    }

    private (RegistrySection Section, TechnologyEntry Entry) Entry(
        Technology tech, List<Signal> signals, List<ServiceDetector.DetectedService> services, UsageMap usage, Dictionary<string, HashSet<string>> dependsOn)
    {
        var product = signals.Where(s => StatusRule.PlaceOf(s) == Place.Product).ToList();
        var ordered = StatusRule.Order(signals);
        var decision = StatusRule.DecideOrdered(ordered);
        var (status, reason) = tech.Section == RegistrySection.Tooling ? (Statuses.Tooling, "tooling: a developer tool, never a production connection") : (decision.Status, decision.Reason);
        if (config.Overrides.TryGetValue(tech.Id, out var forced)) (status, reason) = (forced, $"{forced}: set in panoptic.yaml (the evidence says {decision.Status})");

        var usedBy = new SortedSet<string>(StringComparer.Ordinal);
        string? lastFile = null;
        foreach (var signal in product)
        {
            // A compose-declared dependency is used by the services whose compose entries depend on it (or by the only service).
            if (signal.ComposeService is { } composeName)
            {
                foreach (var dependent in services.Where(s => services.Count == 1 || s.ComposeNames.Any(n => dependsOn.TryGetValue(n, out var deps) && deps.Contains(composeName))))
                    usedBy.Add(dependent.Id);
            }
            else if (signal.Kind is not (SignalKind.ContainerImage or SignalKind.Terraform or SignalKind.PlatformFile))
            {
                // A file's evidence sits together and its users are the same for each piece: asked once per run of it.
                if (string.Equals(signal.File, lastFile, StringComparison.Ordinal)) continue;
                lastFile = signal.File;
                foreach (var user in usage.UsersOf(signal.File)) usedBy.Add(user.Id);
            }
        }

        var evidence = OrderedEvidence(ordered, decision.Deciding);

        var models = tech.Section == RegistrySection.ExternalApi && tech.Models.Count > 0
            ? signals.Where(s => s.Model is not null).Select(s => s.Model!).Distinct().Order(StringComparer.Ordinal).ToList()
            : null;

        var entry = new TechnologyEntry
        {
            Id = tech.Id,
            Name = tech.Name,
            Category = tech.Category,
            Provider = tech.Section == RegistrySection.ExternalApi ? tech.Provider ?? tech.Name : null,
            Status = status,
            StatusReason = reason,
            Confidence = Evidence.Confidence(product.Count > 0 ? product : signals),
            UsedBy = [.. usedBy],
            EnvVars = [.. signals.Where(s => s.EnvVar is not null).Select(s => s.EnvVar!).Distinct().Order(StringComparer.Ordinal)],
            ModelsSeen = models,
            Budget = config.Budgets.GetValueOrDefault(tech.Id),
            EvidenceTotal = evidence.Count,
            Evidence = [.. Limit(evidence).Select(s => new EvidenceEntry(s.File, s.Line, Evidence.Label(s), s.Detail))],
        };
        return (tech.Section, entry);
    }

    /// <summary>Every known technology's evidence with where its file sits, decided once per file; documentation illustrates and is never evidence.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private List<Signal> Placed(IReadOnlyList<FileReport> reports)
    {
        var own = OwnNamespaces(reports);
        var declared = DeclaredSettings(reports);
        var generators = Source.GoGenerators.Directories(reports);
        var signals = new List<Signal>();
        foreach (var report in reports)
        {
            if (report.Signals.Count == 0 || Source.SourceFiles.IsDocsPath(report.Path)) continue;
            // A code generator's calls run on a developer's machine, not in production.
            var generator = Source.GoGenerators.IsGenerator(report, generators);
            foreach (var original in report.Signals)
            {
                var signal = generator && original.FilePlace is null or Place.Product ? original with { FilePlace = Place.Dev } : original;
                if (catalog[signal.TechnologyId] is null || (signal.Kind == SignalKind.Import && IsOwn(signal.Detail, own))) continue;
                // A host that is only the fallback of a setting the deployment sets is not where it connects.
                if (signal.DefaultOf is { } setting && declared.Contains(setting)) continue;
                signals.Add(signal);
            }
        }
        signals.AddRange(Integrations.Folders(reports, catalog));
        return signals;
    }

    /// <summary>Env vars a committed env file, compose file or manifest gives a value.</summary>
    private static HashSet<string> DeclaredSettings(IReadOnlyList<FileReport> reports) =>
        reports.SelectMany(r => r.EnvVars).Where(e => e.Declared && Source.SourceFiles.PlaceOf(e.File) == Place.Product && !Source.SourceFiles.IsDocsPath(e.File))
            .Select(e => e.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The repository's own .NET project names: `using Exceptionless.Core.Configuration;` inside the Exceptionless
    /// repository imports its own code, not the Exceptionless client package.
    /// </summary>
    private static HashSet<string> OwnNamespaces(IReadOnlyList<FileReport> reports) =>
        reports.Where(r => r.Path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) || r.Path.EndsWith(".fsproj", StringComparison.OrdinalIgnoreCase))
            .Select(r => Path.GetFileNameWithoutExtension(r.Path)).ToHashSet(StringComparer.Ordinal);

    private static bool IsOwn(string module, HashSet<string> own)
    {
        if (own.Count == 0) return false;
        // Asked of every import: the prefixes are looked up as spans, not cut into strings.
        var lookup = own.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var end = module.Length; end > 0; end = module.LastIndexOf('.', end - 1))
        {
            var prefix = module.AsSpan(0, end);
            if (lookup.Contains(prefix) && prefix.Contains('.')) return true;
            if (end <= 0) break;
        }
        return false;
    }

    /// <summary>A general SDK entry ("AWS (general SDK)") says nothing a specific service of the same provider in the registry does not.</summary>
    private List<(RegistrySection Section, TechnologyEntry Entry)> WithoutExplainedUmbrellas(List<(RegistrySection Section, TechnologyEntry Entry)> entries)
    {
        var providers = entries.Where(e => catalog[e.Entry.Id] is { } t && !t.Traits.Contains("umbrella") && t.Provider is not null)
            .Select(e => catalog[e.Entry.Id]!.Provider!).ToHashSet(StringComparer.Ordinal);
        return entries.FindAll(e => !(catalog[e.Entry.Id] is { } t && t.Traits.Contains("umbrella") && t.Provider is { } p && providers.Contains(p)));
    }

    /// <summary>A job or message library names the brokers it runs on that the registry also lists (Celery on Redis, Sidekiq on Redis).</summary>
    private List<(RegistrySection Section, TechnologyEntry Entry)> LinkBrokers(List<(RegistrySection Section, TechnologyEntry Entry)> entries)
    {
        var present = entries.Where(e => e.Section == RegistrySection.Connection).Select(e => e.Entry.Id).ToHashSet(StringComparer.Ordinal);
        return [.. entries.Select(e => catalog[e.Entry.Id]?.RunsOn is { Count: > 0 } brokers
            ? (e.Section, e.Entry with { RunsOn = [.. brokers.Where(present.Contains)] })
            : e)];
    }

    /// <summary>Distinct evidence, the deciding piece first and the rest strongest first (already in StatusRule.Order's order).</summary>
    private static List<Signal> OrderedEvidence(List<Signal> ordered, Signal deciding)
    {
        var seen = new HashSet<Signal>(ordered.Count, SameEvidence.Instance);
        var unique = new List<Signal>(ordered.Count) { deciding };
        seen.Add(deciding);
        foreach (var signal in ordered)
        {
            if (seen.Add(signal)) unique.Add(signal);
        }
        return unique;
    }

    /// <summary>
    /// The same piece of evidence: file, line, kind, detail and whether it is in a test. The hash reads the numbers and
    /// lengths only (tens of thousands of pieces per technology; hashing every path and detail in full cost more than the rest).
    /// </summary>
    private sealed class SameEvidence : IEqualityComparer<Signal>
    {
        public static readonly SameEvidence Instance = new();

        public bool Equals(Signal? x, Signal? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && x.Line == y.Line && x.Kind == y.Kind && x.InTest == y.InTest
                && string.Equals(x.File, y.File, StringComparison.Ordinal) && string.Equals(x.Detail, y.Detail, StringComparison.Ordinal));

        public int GetHashCode(Signal obj) =>
            HashCode.Combine(obj.Line, obj.Kind, obj.InTest, obj.File.Length, obj.File.Length > 0 ? obj.File[^1] : ' ', obj.Detail.Length,
                string.GetHashCode(obj.File.AsSpan(Math.Max(0, obj.File.Length - 24)), StringComparison.Ordinal));
    }

    /// <summary>Keeps the list readable: a sample across every kind of evidence when there is too much of it.</summary>
    private static List<Signal> Limit(List<Signal> evidence)
    {
        if (evidence.Count <= EvidenceLimit) return evidence;
        var kept = new HashSet<Signal>(ReferenceEqualityComparer.Instance);
        // The first ten of each label, in one pass: grouping tens of thousands of pieces cost more than the rest of the entry.
        var taken = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var signal in evidence)
        {
            ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(taken, Evidence.Label(signal), out _);
            if (count++ < 10) kept.Add(signal);
        }
        foreach (var signal in evidence)
        {
            if (kept.Count >= EvidenceLimit) break;
            kept.Add(signal);
        }
        return [.. evidence.Where(kept.Contains)];
    }

    private IEnumerable<ServiceEntry> Services(List<ServiceDetector.DetectedService> services, Func<string, ServiceDetector.DetectedService?> owner, IReadOnlyList<FileReport> reports)
    {
        var byOwner = reports.Where(r => owner(r.Path) is not null).ToLookup(r => owner(r.Path)!);
        var ports = reports.SelectMany(r => r.Ports).ToList();
        // Ports in code and run configuration (launchSettings.json under Properties/, src/main.py, config/puma.rb) belong to the service that owns the file.
        var codeOwner = ports.Where(p => p.Source is "code" or "config" && !Source.SourceFiles.IsTestPath(p.File))
            .Select(p => p.File).Distinct(StringComparer.Ordinal).ToDictionary(f => f, owner, StringComparer.Ordinal);
        return services.Select(s => Service(s, [.. byOwner[s]], ports, codeOwner)).OrderBy(s => s.Path, StringComparer.Ordinal);
    }

    private ServiceEntry Service(ServiceDetector.DetectedService service, List<FileReport> owned, List<Deployment.PortDeclaration> allPorts,
        Dictionary<string, ServiceDetector.DetectedService?> codeOwner)
    {
        var frameworks = owned.Where(r => !r.IsTest)
            .SelectMany(r => r.Signals)
            .Where(s => s.Kind is SignalKind.Dependency or SignalKind.Import && catalog[s.TechnologyId]?.Section == RegistrySection.Framework)
            .Select(s => catalog[s.TechnologyId]!.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        var ports = allPorts
            .Where(p => p.ComposeService is { } c ? service.ComposeNames.Contains(c)
                : codeOwner.TryGetValue(p.File, out var by) ? by == service : p.Directory == service.Path)
            .Select(p => p.Port).Distinct().Order().ToList();
        return new ServiceEntry
        {
            Id = service.Id,
            Path = service.Path.Length == 0 ? "." : service.Path,
            Language = Languages.Dominant(owned),
            Frameworks = frameworks,
            Ports = ports,
            Manifests = [.. owned.Where(r => r.Manifests.Any(m => !m.PinsOnly) || r.IsDockerfile).Select(r => r.Path).Order(StringComparer.Ordinal)],
            EnvVars = [.. owned.SelectMany(r => r.EnvVars).Select(e => e.Name).Distinct().Order(StringComparer.Ordinal)],
        };
    }

    private static SkippedSummary Skipped(IReadOnlyList<SkippedEntry> skipped)
    {
        var byReason = skipped.GroupBy(s => ReasonName(s.Reason)).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        // Gitignored files are counted, not listed: they are the user's own choice and often thousands.
        var listed = skipped.Where(s => s.Reason != SkipReason.Gitignored).Take(SkippedListLimit).Select(s => new SkippedItem(s.Path, ReasonName(s.Reason))).ToList();
        return new SkippedSummary(skipped.Count, byReason, listed);
    }

    public static string ReasonName(SkipReason reason) => reason switch
    {
        SkipReason.Gitignored => "gitignored",
        SkipReason.Ignored => "ignored_by_config",
        SkipReason.VendoredOrBuildFolder => "vendored_or_build_folder",
        SkipReason.Generated => "generated",
        SkipReason.Binary => "binary",
        SkipReason.TooLarge => "too_large",
        SkipReason.SymbolicLink => "symbolic_link",
        SkipReason.Unreadable => "unreadable",
        SkipReason.Vanished => "vanished",
        SkipReason.NameNotUtf8 => "name_not_utf8",
        _ => reason.ToString().ToLowerInvariant(),
    };
}
