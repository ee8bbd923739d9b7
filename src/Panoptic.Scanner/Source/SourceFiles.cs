using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Source;

/// <summary>Which language a file is written in and whether it belongs to tests.</summary>
internal static class SourceFiles
{
    private static readonly string[] TestFolders =
    [
        "test", "tests", "__tests__", "__test__", "spec", "specs", "e2e", "testing", "testdata", "fixtures", "__fixtures__",
        "cypress", "playwright", "mocks", "__mocks__", "integration-tests", "loadgenerator", "load-generator", "loadtest",
        "loadtests", "locust", "k6", "benchmarks", "benchmark", "perf",
        // CI definitions and dev containers run tests and local environments, not the product.
        ".github", ".gitlab", ".circleci", ".buildkite", ".devcontainer",
    ];

    private static readonly string[] CiFolders = [".github", ".gitlab", ".circleci", ".buildkite", ".woodpecker", ".drone", ".azure-pipelines"];
    private static readonly string[] CiFiles = [".gitlab-ci.yml", "azure-pipelines.yml", "Jenkinsfile", "bitbucket-pipelines.yml", ".travis.yml", ".drone.yml", "cloudbuild.yaml", "cloudbuild.yml", "buildspec.yml"];
    // Tooling a developer runs by hand, and the folders coding agents and editors keep their own scripts in.
    private static readonly string[] DevFolders =
    [
        "scripts", "script", "tools", "tooling", "hack", "dev", "development", "devtools", "dev-tools", "local", "examples", "example", "samples", "sample", "demo",
        ".devcontainer", ".vscode", ".idea", ".claude", ".cursor", ".codex", ".agents", ".windsurf", ".aider", ".husky",
    ];

    /// <summary>
    /// Where a file sits: CI definitions, local tooling and dev overrides, tests, or the product. CI wins over tests
    /// (a workflow under .github/ is CI), tests over tooling (scripts/tests/ is a test).
    /// </summary>
    public static Registry.Place PlaceOf(string path)
    {
        var segments = path.Split('/');
        var name = segments[^1];
        if (Array.IndexOf(CiFiles, name) >= 0 && segments.Length <= 2) return Registry.Place.Ci;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (Array.IndexOf(CiFolders, segments[i]) >= 0) return Registry.Place.Ci;
        }
        if (IsTestPath(path) && !path.StartsWith(".devcontainer/", StringComparison.Ordinal)) return Registry.Place.Test;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var segment = segments[i].ToLowerInvariant();
            // Below a source root, "samples" or "dev" is a package name (org/springframework/samples/...), not a tooling folder.
            if (IsSourceRoot(segment)) break;
            if (Array.IndexOf(DevFolders, segment) >= 0) return Registry.Place.Dev;
        }
        if (IsDevOverride(name) || DevEnvFile(name) || (IsExamplePath(path) && !IsEnvExample(name) && !IsConfigTemplate(segments))) return Registry.Place.Dev;
        // Rails' per-environment settings: config/environments/development.rb is a developer's machine, test.rb the suite's.
        if (segments.Length >= 3 && segments[^2] == "environments" && segments[^3] == "config")
        {
            if (name is "development.rb" or "development.ts" or "development.js") return Registry.Place.Dev;
            if (name is "test.rb" or "test.ts" or "test.js") return Registry.Place.Test;
        }
        return name.StartsWith(".env.test", StringComparison.OrdinalIgnoreCase) ? Registry.Place.Test : Registry.Place.Product;
    }

    private static bool IsSourceRoot(string segment) => segment.ToLowerInvariant() is "src" or "lib" or "app" or "main" or "java" or "kotlin" or "internal" or "pkg";

    /// <summary>.env.development, .env.local, .env.dev: the values of a developer's machine, not a deployment's.</summary>
    private static bool DevEnvFile(string name) =>
        name.StartsWith(".env.", StringComparison.OrdinalIgnoreCase) && name[5..].ToLowerInvariant() is "development" or "dev" or "local" or "development.local" or "dev.local" or "docker.dev";

    /// <summary>The committed example of a deployment's settings (.env.example, .env.sample, .env.dist, env.template).</summary>
    private static bool IsEnvExample(string name)
    {
        var lower = name.ToLowerInvariant();
        return (lower.StartsWith(".env", StringComparison.Ordinal) || lower.StartsWith("env.", StringComparison.Ordinal) || lower.EndsWith(".env.example", StringComparison.Ordinal))
            && (lower.Contains("example", StringComparison.Ordinal) || lower.Contains("sample", StringComparison.Ordinal) || lower.Contains("dist", StringComparison.Ordinal) || lower.Contains("template", StringComparison.Ordinal));
    }

    /// <summary>
    /// The committed template of a deployment's configuration file, copied into place on install (config/database.yml.sample,
    /// config/settings.json.example, app/etc/env.php.dist): what it sets is what a deployment runs, like an env example.
    /// One inside an examples folder is an example.
    /// </summary>
    private static bool IsConfigTemplate(string[] segments)
    {
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (segments[i].ToLowerInvariant() is "example" or "examples" or "sample" or "samples") return false;
        }
        var parts = segments[^1].ToLowerInvariant().Split('.');
        return parts.Length >= 3 && parts[^1] is "sample" or "example" or "dist" or "template"
            && parts[^2] is "yml" or "yaml" or "json" or "toml" or "ini" or "properties" or "conf" or "cfg" or "php" or "py" or "rb" or "xml";
    }

    /// <summary>Compose files for local development: docker-compose.dev.yml, compose.override.yaml, docker-compose.local.yml.</summary>
    private static bool IsDevOverride(string name)
    {
        var lower = name.ToLowerInvariant();
        if (!(lower.StartsWith("docker-compose", StringComparison.Ordinal) || lower.StartsWith("compose", StringComparison.Ordinal))) return false;
        return lower.Contains(".dev", StringComparison.Ordinal) || lower.Contains("-dev", StringComparison.Ordinal) || lower.Contains(".override", StringComparison.Ordinal)
            || lower.Contains(".local", StringComparison.Ordinal) || lower.Contains("-local", StringComparison.Ordinal) || lower.Contains("development", StringComparison.Ordinal);
    }

    /// <summary>
    /// Documentation folders and translation catalogs: code there illustrates and a host in a translated sentence
    /// ("hCaptcha.com", "gravatar.com") is text for people; neither is the product, and neither is evidence at all.
    /// </summary>
    public static bool IsDocsPath(string path)
    {
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var segment = segments[i].ToLowerInvariant();
            if (segment is "docs" or "doc" or "documentation" or "website" or "docs-site") return true;
            if (segment is "i18n" or "l10n" or "locales" or "locale" or "lang" or "langs" or "translations" && IsTranslationFile(segments[^1])) return true;
        }
        return false;
    }

    // Translation catalogs are data; a locale folder may also hold code (locale/index.ts), which stays evidence.
    private static bool IsTranslationFile(string name) =>
        Path.GetExtension(name).ToLowerInvariant() is ".json" or ".yml" or ".yaml" or ".po" or ".pot" or ".properties" or ".xlf" or ".xliff" or ".resx" or ".toml" or ".ftl" or ".arb"
        || (name.EndsWith(".php", StringComparison.OrdinalIgnoreCase) && !name.Contains("Controller", StringComparison.Ordinal));

    public static SourceLanguage? LanguageOf(string name)
    {
        var ext = Path.GetExtension(name).ToLowerInvariant();
        return ext switch
        {
            ".py" => SourceLanguage.Python,
            ".js" or ".jsx" or ".ts" or ".tsx" or ".mjs" or ".cjs" or ".mts" or ".cts" or ".vue" or ".svelte" or ".astro" => SourceLanguage.JavaScript,
            ".cs" => SourceLanguage.CSharp,
            ".go" => SourceLanguage.Go,
            ".java" or ".kt" or ".kts" or ".scala" or ".groovy" => SourceLanguage.Java,
            ".rb" or ".rake" => SourceLanguage.Ruby,
            ".php" => SourceLanguage.Php,
            ".rs" => SourceLanguage.Rust,
            _ => null,
        };
    }

    /// <summary>True when the path is a test, fixture, load test, e2e harness, CI definition or dev container rather than product code.</summary>
    public static bool IsTestPath(string path)
    {
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var segment = segments[i];
            foreach (var folder in TestFolders)
            {
                if (segment.Equals(folder, StringComparison.OrdinalIgnoreCase)) return true;
            }
            if (segment.EndsWith(".Tests", StringComparison.OrdinalIgnoreCase) || segment.EndsWith(".Test", StringComparison.OrdinalIgnoreCase)
                || segment.EndsWith("Tests", StringComparison.Ordinal) || segment.EndsWith(".Specs", StringComparison.OrdinalIgnoreCase))
                return true;
        }
        var name = segments[^1];
        var stem = Path.GetFileNameWithoutExtension(name);
        return name.StartsWith("test_", StringComparison.Ordinal) || stem.EndsWith("_test", StringComparison.Ordinal)
            || name.Contains(".test.", StringComparison.Ordinal) || name.Contains(".spec.", StringComparison.Ordinal)
            || stem.EndsWith("Tests", StringComparison.Ordinal) || stem.EndsWith("Test", StringComparison.Ordinal)
            || name.Equals("conftest.py", StringComparison.Ordinal)
            || name.StartsWith("docker-compose.test", StringComparison.OrdinalIgnoreCase) || name.StartsWith("compose.test", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("docker-compose.ci", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Example and sample material (an examples/ folder, .env.example, config.sample.yml): shows how to configure the
    /// product, so a credential in it is a placeholder or a development certificate, not a production leak.
    /// </summary>
    public static bool IsExamplePath(string path)
    {
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            // org/springframework/samples/... under src/main/java is a package name.
            if (segments[i] is "java" or "kotlin" or "scala" or "groovy") break;
            if (segments[i] is "example" or "examples" or "sample" or "samples") return true;
        }
        var name = segments[^1];
        return name.StartsWith("example.", StringComparison.OrdinalIgnoreCase) || name.StartsWith("sample.", StringComparison.OrdinalIgnoreCase)
            || name.Contains(".example", StringComparison.OrdinalIgnoreCase) || name.Contains(".sample", StringComparison.OrdinalIgnoreCase)
            || name.Contains(".template", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Prose and data files whose mentions of a technology are not evidence of its use.</summary>
    public static bool IsProse(string name)
    {
        var ext = Path.GetExtension(name).ToLowerInvariant();
        return ext is ".md" or ".mdx" or ".rst" or ".adoc" or ".txt" or ".html" or ".htm" or ".csv" or ".tsv" or ".svg" or ".css" or ".scss" or ".less" or ".lock" or ".log" or ".ipynb"
            || name.StartsWith("LICENSE", StringComparison.OrdinalIgnoreCase) || name.StartsWith("CHANGELOG", StringComparison.OrdinalIgnoreCase);
    }
}
