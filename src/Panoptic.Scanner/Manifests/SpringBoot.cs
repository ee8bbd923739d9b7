using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Manifests;

/// <summary>
/// Spring Boot configures what its starters bring at start, without a line of code: a direct dependency on a starter
/// (<c>spring-boot-starter-data-redis</c>, <c>spring-ai-starter-model-openai</c>, <c>spring-cloud-starter-*</c>) is a
/// use, and so is the embedded database (H2, HSQLDB, Derby) a module with a data starter runs on by default.
/// </summary>
internal static class SpringBoot
{
    private static readonly string[] EmbeddedDatabases = ["com.h2database:h2", "org.hsqldb:hsqldb", "org.apache.derby:derby", "org.apache.derby:derbyclient"];

    public static bool Autoconfigures(Manifest manifest, Dependency dependency)
    {
        if (manifest.Ecosystem != Ecosystem.Maven || dependency.Scope != DependencyScope.Direct) return false;
        if (IsStarter(dependency.Name)) return true;
        return Array.IndexOf(EmbeddedDatabases, dependency.Name) >= 0 && manifest.Dependencies.Any(d => d.Scope == DependencyScope.Direct && IsDataStarter(d.Name));
    }

    private static bool IsStarter(string name)
    {
        var artifact = name[(name.IndexOf(':') + 1)..];
        return artifact.Contains("-starter", StringComparison.Ordinal) || artifact.StartsWith("starter-", StringComparison.Ordinal);
    }

    private static bool IsDataStarter(string name) =>
        name.EndsWith(":spring-boot-starter-data-jpa", StringComparison.Ordinal) || name.EndsWith(":spring-boot-starter-jdbc", StringComparison.Ordinal)
        || name.EndsWith(":spring-boot-starter-data-jdbc", StringComparison.Ordinal);
}
