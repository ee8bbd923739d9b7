namespace Panoptic.Scanner.Audit.Rules;

/// <summary>Port conflicts that stop services from running side by side, and ports declared inconsistently.</summary>
internal static class PortRules
{
    /// <summary>Compose services of one file (one project, one host) publishing the same host port; mutually exclusive profiles never run together.</summary>
    public static IEnumerable<AuditFinding> HostPortConflict(AuditContext context)
    {
        var published = context.Reports.SelectMany(r => r.Ports)
            .Where(p => p.Source == "compose" && p.HostPort is not null && p.ComposeService is not null && !Source.SourceFiles.IsTestPath(p.File))
            .GroupBy(p => (p.File, HostIp: p.HostIp ?? "0.0.0.0", Port: p.HostPort!.Value));
        foreach (var group in published)
        {
            var claims = group.DistinctBy(p => p.ComposeService).OrderBy(p => p.Line).ToList();
            if (claims.Count < 2) continue;
            var profiles = claims.Select(c => context.Compose.FirstOrDefault(s => s.File == c.File && s.Name == c.ComposeService)?.Profiles ?? []).ToList();
            if (profiles.All(p => p.Count > 0) && profiles.SelectMany(p => p).Distinct().Count() == profiles.Sum(p => p.Count)) continue;
            var names = claims.Select(c => c.ComposeService!).ToList();
            yield return context.Finding("ports.host_port_conflict",
                $"Host port {group.Key.Port} is published by {string.Join(", ", names)} in {group.Key.File}; only one of them can start.",
                names.Select(n => ServiceFor(context, n)),
                [new FindingLocation(claims[1].File, claims[1].Line), new FindingLocation(claims[0].File, claims[0].Line)],
                group.Key.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), group.Key.File, string.Join(",", names.Order(StringComparer.Ordinal)));
        }
    }

    /// <summary>Services whose code defaults to the same listen port, so they cannot run locally side by side.</summary>
    public static IEnumerable<AuditFinding> LocalDefaultCollision(AuditContext context)
    {
        var defaults = context.Services
            .SelectMany(s => s.Ports.Where(p => p.Source == "code").Select(p => (Service: s, Port: p)))
            .GroupBy(x => x.Port.Port);
        foreach (var group in defaults)
        {
            var members = group.DistinctBy(x => x.Service.Id).OrderBy(x => x.Service.Id, StringComparer.Ordinal).ToList();
            if (members.Count < 2) continue;
            yield return context.Finding("ports.local_default_collision",
                $"{members.Count} services default to port {group.Key} when run outside containers: {string.Join(", ", members.Select(m => m.Service.Id))}.",
                members.Select(m => m.Service.Id),
                members.Skip(1).Concat(members.Take(1)).Select(m => new FindingLocation(m.Port.File, m.Port.Line)),
                group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join(",", members.Select(m => m.Service.Id)));
        }
    }

    /// <summary>A service whose code listens on ports its Dockerfile or Kubernetes manifest never declares.</summary>
    public static IEnumerable<AuditFinding> DeclaredPortMismatch(AuditContext context)
    {
        foreach (var service in context.Services)
        {
            var code = service.Ports.Where(p => p.Source == "code").Select(p => p.Port).ToHashSet();
            var container = service.Ports.Where(p => p.Source is "dockerfile" or "kubernetes").ToList();
            if (code.Count == 0 || container.Count == 0) continue;
            if (container.Any(p => code.Contains(p.Port))) continue;
            var declared = container[0];
            yield return context.Finding("ports.declared_port_mismatch",
                $"{service.Id} listens on {string.Join(", ", code.Order())} in code but its {declared.Source} declares {string.Join(", ", container.Select(p => p.Port).Distinct().Order())}.",
                [service.Id],
                [new FindingLocation(declared.File, declared.Line), .. service.Ports.Where(p => p.Source == "code").Select(p => new FindingLocation(p.File, p.Line))],
                service.Id, string.Join(",", code.Concat(container.Select(p => p.Port)).Distinct().Order()));
        }
    }

    private static string ServiceFor(AuditContext context, string composeName) =>
        context.Services.FirstOrDefault(s => s.Id == composeName)?.Id ?? composeName;
}
