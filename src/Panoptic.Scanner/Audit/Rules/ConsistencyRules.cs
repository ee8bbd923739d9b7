namespace Panoptic.Scanner.Audit.Rules;

/// <summary>Configuration styles, stacks per concern, the common service skeleton, and code copied between services.</summary>
internal static class ConsistencyRules
{
    /// <summary>Three or more configuration approaches across services, or within one service.</summary>
    public static IEnumerable<AuditFinding> ConfigApproachMixing(AuditContext context)
    {
        var all = context.Services.SelectMany(s => s.ConfigApproaches).Distinct().Order(StringComparer.Ordinal).ToList();
        if (all.Count >= 3 && context.Services.Count > 1)
        {
            var listing = string.Join("; ", all.Select(a => $"{a}: {string.Join(", ", context.Services.Where(s => s.ConfigApproaches.Contains(a)).Select(s => s.Id))}"));
            yield return context.Finding("config.approach_mixing", $"Services load configuration in {all.Count} ways — {listing}.",
                context.Services.Where(s => s.ConfigApproaches.Count > 0).Select(s => s.Id), context.Services.Where(s => s.ConfigApproaches.Count > 0).Take(5).Select(AuditContext.Anchor), "repository");
        }
        foreach (var service in context.Services.Where(s => s.ConfigApproaches.Count >= 3))
            yield return context.Finding("config.approach_mixing", $"{service.Id} alone loads configuration in {service.ConfigApproaches.Count} ways: {string.Join(", ", service.ConfigApproaches)}.",
                [service.Id], [AuditContext.Anchor(service)], service.Id);
    }

    /// <summary>Two or more structured logging libraries, or three or more web frameworks, in one language.</summary>
    public static IEnumerable<AuditFinding> StackFragmentation(AuditContext context)
    {
        foreach (var language in context.Services.Where(s => s.Language is not null).GroupBy(s => s.Language!))
        {
            // Output formatters (a JSON console, a JSON layout) configure a logger; they are not another logging library.
            var loggers = language.SelectMany(s => s.Logging.Where(l => context.Catalog.Technologies.Any(t => t.Name == l && t.Traits.Contains("structured") && !t.Traits.Contains("formatter")))).Distinct().Order(StringComparer.Ordinal).ToList();
            if (loggers.Count >= 2)
                yield return context.Finding("consistency.stack_fragmentation", $"{language.Key} services use {loggers.Count} logging libraries: {string.Join(", ", loggers)}.",
                    language.Select(s => s.Id), language.Take(3).Select(AuditContext.Anchor), language.Key, "logging");
            var web = context.Catalog.Technologies.Where(t => t.Traits.Contains("web")).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var frameworks = language.SelectMany(s => s.Frameworks).Where(web.Contains).Distinct().Order(StringComparer.Ordinal).ToList();
            if (frameworks.Count >= 3)
                yield return context.Finding("consistency.stack_fragmentation", $"{language.Key} services use {frameworks.Count} web frameworks: {string.Join(", ", frameworks)}.",
                    language.Select(s => s.Id), language.Take(3).Select(AuditContext.Anchor), language.Key, "framework");
        }
    }

    /// <summary>Parts most services have (a Dockerfile, tests, a lockfile, a health endpoint, a contract, an .env example); a service missing two or more of them.</summary>
    public static IEnumerable<AuditFinding> InconsistentSkeleton(AuditContext context)
    {
        if (context.Services.Count < 3) yield break;
        var features = new (string Name, Func<ServiceFacts, bool> Has)[]
        {
            ("Dockerfile", s => s.Dockerfile is not null), ("tests", s => s.TestFiles > 0), ("lockfile", s => s.HasLockfile),
            ("health endpoint", s => s.HealthEndpoints.Count > 0 || s.Probes.Count > 0), ("API contract", s => s.HasApiContract), (".env example", s => s.HasEnvExample),
        };
        var house = features.Where(f => context.Services.Count(f.Has) * 10 >= context.Services.Count * 6).ToList();
        foreach (var service in context.Services)
        {
            var missing = house.Where(f => !f.Has(service)).Select(f => f.Name).ToList();
            if (missing.Count >= 2)
                yield return context.Finding("layout.inconsistent_service_skeleton", $"{service.Id} lacks what most services have: {string.Join(", ", missing)}.",
                    [service.Id], [AuditContext.Anchor(service)], service.Id, string.Join(",", missing));
        }
    }

    /// <summary>Each group of code copied across services, and the repository when cross-service duplication passes 3%.</summary>
    public static IEnumerable<AuditFinding> CrossServiceClone(AuditContext context)
    {
        foreach (var group in context.Clones.Groups.Where(g => g.CrossService && g.Lines >= 10))
        {
            var places = group.Locations;
            yield return context.Finding("dup.cross_service_clone",
                $"{group.Lines} lines copied across {places.Select(p => p.Service).OfType<string>().Distinct().Count()} services: {string.Join(", ", places.Select(p => $"{p.File}:{p.StartLine}-{p.EndLine}"))}.",
                places.Select(p => p.Service).OfType<string>(), places.Select(p => new FindingLocation(p.File, p.StartLine)), [.. places.Select(p => p.File)]);
        }
    }
}
