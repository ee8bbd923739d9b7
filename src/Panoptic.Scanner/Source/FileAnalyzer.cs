using System.Buffers;
using System.Text;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Deployment;
using Panoptic.Scanner.Manifests;
using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Walking;
using YamlDotNet.Core;

namespace Panoptic.Scanner.Source;

/// <summary>Reads one file and learns everything it can from it: manifests, deployment files, imports and literals.</summary>
internal sealed class FileAnalyzer(TechnologyCatalog catalog, bool detectClones = false, bool readiness = false)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private readonly TextScanner _text = new(catalog);

    public FileReport Analyze(RepositoryFile file, CancellationToken cancellationToken)
    {
        var report = new FileReport(file.Path);
        foreach (var tech in catalog.ByFile(file.Path))
            report.Signals.Add(new Signal(tech.Id, SignalKind.PlatformFile, file.Path, 1, file.Name) { InTest = SourceFiles.IsTestPath(file.Path) });
        // An empty file says nothing, and FIFOs and devices report size 0: opening one would block the scan.
        if (file.Size == 0) return report;
        char[]? buffer = null;
        try
        {
            int length;
            try
            {
                (buffer, length) = Read(file.FullPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                report.Problems.Add(new Problem(file.Path, null, e is FileNotFoundException or DirectoryNotFoundException ? "vanished during the scan" : "unreadable: " + e.GetType().Name));
                return report;
            }
            if (buffer is null)
            {
                report.Problems.Add(new Problem(file.Path, null, "skipped: binary content"));
                return report;
            }
            cancellationToken.ThrowIfCancellationRequested();
            Analyze(file, buffer.AsMemory(0, length), report);
            return report;
        }
        finally
        {
            if (buffer is not null) ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private void Analyze(RepositoryFile file, ReadOnlyMemory<char> memory, FileReport report)
    {
        var text = memory.Span;
        var name = file.Name;
        var inTest = SourceFiles.IsTestPath(file.Path);
        if (IsStructured(name))
        {
            try
            {
                ReadStructured(name, text.ToString(), inTest, report);
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or System.Xml.XmlException or YamlException)
            {
                var line = e switch
                {
                    System.Text.Json.JsonException json => (int?)(json.LineNumber + 1),
                    System.Xml.XmlException xml => xml.LineNumber,
                    YamlException yaml => (int)yaml.Start.Line,
                    _ => null,
                };
                // YamlDotNet's own message is the clear one; others wrap the reader's.
                var message = e is YamlException ? e.Message : e.InnerException?.Message ?? e.Message;
                report.Problems.Add(new Problem(file.Path, line, "could not parse: " + FirstLine(message)));
            }
        }

        if (WalkRules.Lockfiles.Contains(name) || SourceFiles.IsProse(name)) return;
        var language = SourceFiles.LanguageOf(name);
        report.Language = language;
        if (language is { } lang)
        {
            ImportExtractor.Extract(lang, text, (module, line) =>
            {
                foreach (var tech in catalog.ByImport(lang, module))
                    report.Signals.Add(new Signal(tech.Id, SignalKind.Import, file.Path, line, module) { InTest = inTest });
            });
            if (lang == SourceLanguage.Go && text.Contains("package main", StringComparison.Ordinal)) report.DeclaresGoMain = true;
            if (lang == SourceLanguage.Go && (text.Contains("//go:", StringComparison.Ordinal) || text.Contains("// +build ignore", StringComparison.Ordinal))) GoGenerators.Read(text, report);
            if (!inTest) FeatureSwitches.Find(text, lang, file.Path, report.Switches);
            if (!inTest && lang == SourceLanguage.Php) OnByDefault.Find(text, file.Path, report.OnByDefault);
            if (!inTest && lang == SourceLanguage.Go) FlagDefaults.Find(catalog, text, file.Path, report);
            if (inTest) report.TestCount = TestCounter.Count(lang, text);
            // Migrations are generated from the model; their sameness across services is not copied logic.
            if (detectClones && !file.Path.Contains("/Migrations/", StringComparison.Ordinal) && !file.Path.Contains("/migrations/", StringComparison.Ordinal))
            {
                report.Fingerprints = Audit.Clones.CodeFingerprints.Compute(lang, text, out var codeLines);
                report.CodeLines = codeLines;
            }
        }
        if (IsCiDefinition(file.Path)) report.CiText = text.Length <= 200_000 ? text.ToString() : text[..200_000].ToString();
        Audit.RuntimeFiles.Read(name, text, file.Path, report.Runtimes);
        var routes = language is { } source && !inTest ? new RouteExtractor(source, file.Path, report.Routes) : null;
        var scopes = inTest || !readiness ? null : ReadinessScopes(file.Path, name, language);
        _text.Scan(text, language, inTest, report, routes, ports: !inTest && (language is not null || RunConfig(name)), scopes);
        if (scopes is not null) UnanchoredReadiness(text, scopes, report);
        if (language is { } calling && !inTest) OutboundCalls.Find(text, calling, report);
        foreach (var env in report.EnvVars)
        {
            foreach (var tech in catalog.ByEnvVar(env.Name))
                report.Signals.Add(new Signal(tech.Id, SignalKind.EnvVar, file.Path, env.Line, env.Name) { EnvVar = env.Name, InTest = inTest });
        }
        if ((report.Signals.Count > 0 || report.EnvVars.Count > 0) && CodeText.StyleOf(name, language) is var style)
        {
            using var code = new CodeText(memory, style);
            SignalContext.Refine(code, name, language, report);
        }
        if (ActiveStorage.IsProductionEnvironment(file.Path)) ActiveStorage.ReadPick(text, file.Path, report);
        else if (ActiveStorage.IsServices(file.Path) && report.Signals.Count > 0)
        {
            using var services = new CodeText(memory, CommentStyle.HashAfterBlank);
            ActiveStorage.GuardServices(services, report);
        }
        KeepFirstOfEach(report);
        // Where the file sits, decided once here (in parallel) rather than per signal when the registry is built.
        if (report.Signals.Count > 0)
        {
            var place = SourceFiles.PlaceOf(file.Path);
            for (var i = 0; i < report.Signals.Count; i++)
            {
                if (report.Signals[i].FilePlace is null) report.Signals[i] = report.Signals[i] with { FilePlace = place };
            }
        }
    }

    /// <summary>
    /// One piece of evidence per technology, kind and detail in a file, at its first line: the fortieth identical
    /// os.getenv("DATABASE_URL") in a file says nothing the first did not, and costs memory on big repositories.
    /// </summary>
    private static void KeepFirstOfEach(FileReport report)
    {
        if (report.Signals.Count > 1)
        {
            var seen = new HashSet<(string, SignalKind, string, bool)>();
            report.Signals.RemoveAll(s => !seen.Add((s.TechnologyId, s.Kind, s.Detail, s.Optional)));
        }
        if (report.EnvVars.Count > 1)
        {
            var names = new HashSet<(string, bool)>();
            report.EnvVars.RemoveAll(e => !names.Add((e.Name, e.Declared)));
        }
    }

    /// <summary>
    /// The file decoded into a pooled buffer, or null when it holds NUL bytes: scans read hundreds of megabytes,
    /// and neither the bytes nor the characters of a source file outlive its analysis.
    /// </summary>
    private static (char[]? Buffer, int Length) Read(string path)
    {
        using var handle = File.OpenHandle(path);
        var length = (int)Math.Min(RandomAccess.GetLength(handle), int.MaxValue);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var total = 0;
            int read;
            while (total < length && (read = RandomAccess.Read(handle, buffer.AsSpan(total, length - total), total)) > 0) total += read;
            var bytes = buffer.AsSpan(0, total);
            if (bytes[..Math.Min(total, 8000)].Contains((byte)0)) return (null, 0);
            if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
            // Invalid UTF-8 becomes U+FFFD: a stray byte must not cost the rest of the file.
            var chars = ArrayPool<char>.Shared.Rent(Math.Max(Utf8.GetMaxCharCount(bytes.Length), 1));
            return (chars, Utf8.GetChars(bytes, chars));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Readiness.PatternScope[]? ReadinessScopes(string path, string name, SourceLanguage? language)
    {
        var lower = name.ToLowerInvariant();
        var scopes = 0;
        if (language is not null) scopes |= 1;
        if (lower.EndsWith(".json", StringComparison.Ordinal) || lower.EndsWith(".yaml", StringComparison.Ordinal) || lower.EndsWith(".yml", StringComparison.Ordinal)
            || lower.EndsWith(".toml", StringComparison.Ordinal) || lower.EndsWith(".ini", StringComparison.Ordinal) || lower.EndsWith(".properties", StringComparison.Ordinal)
            || DeploymentReader.IsEnvFile(name) || lower.EndsWith(".config", StringComparison.Ordinal))
            scopes |= 2;
        // Crontab files hold scheduled jobs (a nightly pg_dump), read with the infrastructure patterns.
        if (lower.EndsWith(".tf", StringComparison.Ordinal) || lower is "crontab" || lower.EndsWith(".cron", StringComparison.Ordinal) || lower.EndsWith(".crontab", StringComparison.Ordinal)
            || path.Contains("cron.d/", StringComparison.Ordinal) || DeploymentReader.IsDockerfile(name) || ComposeReader.IsComposeFile(name)
            || ((lower.EndsWith(".yaml", StringComparison.Ordinal) || lower.EndsWith(".yml", StringComparison.Ordinal)) && (path.Contains("k8s", StringComparison.OrdinalIgnoreCase) || path.Contains("kube", StringComparison.OrdinalIgnoreCase) || path.Contains("helm", StringComparison.OrdinalIgnoreCase) || path.Contains("chart", StringComparison.OrdinalIgnoreCase) || path.Contains("deploy", StringComparison.OrdinalIgnoreCase) || path.Contains("infra", StringComparison.OrdinalIgnoreCase))))
            scopes |= 4;
        return ScopeSets[scopes];
    }

    // Indexed by the bits above (1 code, 2 config, 4 infrastructure); only read, so built once rather than per file.
    private static readonly Readiness.PatternScope[]?[] ScopeSets =
    [
        null, [Readiness.PatternScope.Code], [Readiness.PatternScope.Config], [Readiness.PatternScope.Code, Readiness.PatternScope.Config],
        [Readiness.PatternScope.Iac], [Readiness.PatternScope.Code, Readiness.PatternScope.Iac], [Readiness.PatternScope.Config, Readiness.PatternScope.Iac],
        [Readiness.PatternScope.Code, Readiness.PatternScope.Config, Readiness.PatternScope.Iac],
    ];

    /// <summary>The few readiness regexes without a literal anchor run over the whole file.</summary>
    private void UnanchoredReadiness(ReadOnlySpan<char> text, Readiness.PatternScope[] scopes, FileReport report)
    {
        var patterns = catalog.ReadinessPatterns;
        if (patterns is null) return;
        foreach (var i in patterns.UnanchoredToRun(text, scopes))
        {
            var pattern = patterns.All[i];
            try
            {
                foreach (var match in pattern.FileRegex.EnumerateMatches(text))
                {
                    report.ReadinessHits.Add((i, text[..match.Index].Count('\n') + 1));
                    break;
                }
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                report.Problems.Add(new Problem(report.Path, null, $"readiness pattern {i} timed out; skipped"));
            }
        }
    }

    /// <summary>Local run configuration that names listen ports (launchSettings.json, application.properties, .env, Procfile).</summary>
    private static bool RunConfig(string name) =>
        name is "launchSettings.json" or "Procfile" || name.StartsWith("application", StringComparison.Ordinal) && (name.EndsWith(".properties", StringComparison.Ordinal) || name.EndsWith(".yml", StringComparison.Ordinal) || name.EndsWith(".yaml", StringComparison.Ordinal))
        || DeploymentReader.IsEnvFile(name) || name.StartsWith("appsettings", StringComparison.Ordinal);

    private static bool IsCiDefinition(string path) =>
        path.StartsWith(".github/workflows/", StringComparison.Ordinal) || path is ".gitlab-ci.yml" or "azure-pipelines.yml" or "Jenkinsfile" or ".circleci/config.yml" or "bitbucket-pipelines.yml" or ".travis.yml"
        || path.StartsWith(".buildkite/", StringComparison.Ordinal);

    private static bool IsStructured(string name)
    {
        var lower = name.ToLowerInvariant();
        return name is "package.json" or "composer.json" or "pyproject.toml" or "Pipfile" or "setup.cfg" or "setup.py" or "Directory.Packages.props"
            or "packages.config" or "go.mod" or "pom.xml" or "build.gradle" or "build.gradle.kts" or "Gemfile" or "Cargo.toml" or "mix.exs"
            || lower.StartsWith("requirements", StringComparison.Ordinal) || lower.EndsWith(".txt", StringComparison.Ordinal) || lower.EndsWith(".in", StringComparison.Ordinal)
            || lower.EndsWith("proj", StringComparison.Ordinal) || lower.EndsWith(".yml", StringComparison.Ordinal) || lower.EndsWith(".yaml", StringComparison.Ordinal)
            || lower.EndsWith(".tf", StringComparison.Ordinal) || DeploymentReader.IsDockerfile(name) || DeploymentReader.IsEnvFile(name);
    }

    private void ReadStructured(string name, string text, bool inTest, FileReport report)
    {
        var problems = new List<(int Line, string Message)>();
        Manifest? manifest = null;
        var lower = name.ToLowerInvariant();
        if (name == "package.json") manifest = NpmManifest.Read(report.Path, text);
        else if (name == "composer.json") manifest = ComposerManifest.Read(report.Path, text);
        else if (IsRequirements(report.Path, lower)) manifest = PythonManifests.Requirements(report.Path, text);
        else if (name == "pyproject.toml") manifest = PythonManifests.Pyproject(report.Path, text, problems);
        else if (name == "Pipfile") manifest = PythonManifests.Pipfile(report.Path, text, problems);
        else if (name == "setup.cfg") manifest = PythonManifests.SetupCfg(report.Path, text);
        else if (name == "setup.py") manifest = PythonManifests.SetupPy(report.Path, text);
        else if (lower.EndsWith(".csproj", StringComparison.Ordinal) || lower.EndsWith(".fsproj", StringComparison.Ordinal) || lower.EndsWith(".vbproj", StringComparison.Ordinal)
                 || name == "Directory.Packages.props" || name == "packages.config")
            manifest = DotnetManifests.Read(report.Path, text);
        else if (name == "go.mod") manifest = LineManifests.GoMod(report.Path, text, problems);
        else if (name == "pom.xml") manifest = MavenManifest.Read(report.Path, text);
        else if (name is "build.gradle" or "build.gradle.kts") manifest = LineManifests.Gradle(report.Path, text);
        else if (name == "Gemfile") manifest = LineManifests.Gemfile(report.Path, text);
        else if (name == "Cargo.toml") manifest = LineManifests.Cargo(report.Path, text, problems);
        else if (name == "mix.exs") manifest = LineManifests.Mix(report.Path, text);
        else if (ComposeReader.IsComposeFile(name)) ComposeReader.Read(text, inTest, catalog, report);
        else if (DeploymentReader.IsDockerfile(name)) DeploymentReader.Dockerfile(text, inTest, catalog, report);
        else if (DeploymentReader.IsEnvFile(name)) DeploymentReader.EnvFile(text, report, catalog);
        else if (lower.EndsWith(".tf", StringComparison.Ordinal)) DeploymentReader.Terraform(text, inTest, catalog, report);
        else if (lower.EndsWith(".yaml", StringComparison.Ordinal) || lower.EndsWith(".yml", StringComparison.Ordinal)) DeploymentReader.Yaml(text, inTest, catalog, report);

        foreach (var (line, message) in problems) report.Problems.Add(new Problem(report.Path, line, message));
        if (manifest is null) return;
        report.Manifests.Add(manifest);
        foreach (var dependency in manifest.Dependencies)
        {
            var kind = dependency.Scope switch
            {
                DependencyScope.Direct => SignalKind.Dependency,
                DependencyScope.Dev => SignalKind.DevDependency,
                DependencyScope.Optional => SignalKind.OptionalDependency,
                DependencyScope.Pin => SignalKind.PinnedVersion,
                _ => SignalKind.IndirectDependency,
            };
            var isTest = inTest || manifest.IsTestProject || dependency.Scope == DependencyScope.Dev;
            if (kind == SignalKind.Dependency && SpringBoot.Autoconfigures(manifest, dependency)) kind = SignalKind.Autoconfigured;
            foreach (var tech in catalog.ByPackage(manifest.Ecosystem, dependency.Name))
                report.Signals.Add(new Signal(tech.Id, kind, report.Path, dependency.Line, kind == SignalKind.Autoconfigured ? dependency.Name : Describe(dependency)) { InTest = isTest, Guard = dependency.Scope == DependencyScope.Optional ? "an optional dependency" : null });
        }
    }

    private static bool IsRequirements(string path, string lower) =>
        (lower.StartsWith("requirements", StringComparison.Ordinal) && (lower.EndsWith(".txt", StringComparison.Ordinal) || lower.EndsWith(".in", StringComparison.Ordinal)))
        || (path.Contains("requirements/", StringComparison.Ordinal) && lower.EndsWith(".txt", StringComparison.Ordinal));

    /// <summary>"name version", leaving out version strings that are URLs or paths (they may embed tokens).</summary>
    private static string Describe(Dependency dependency)
    {
        var version = dependency.Version;
        if (string.IsNullOrWhiteSpace(version) || version.Length > 40 || version.Contains("://", StringComparison.Ordinal) || version.Contains('@') || version.Contains('/'))
            return dependency.Name;
        return dependency.Name + " " + version;
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n');
        return newline < 0 ? message : message[..newline];
    }
}
