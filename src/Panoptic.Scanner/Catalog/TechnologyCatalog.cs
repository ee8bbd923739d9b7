using System.Collections.Frozen;
using System.Reflection;
using System.Text.RegularExpressions;
using Panoptic.Scanner.Secrets;
using YamlDotNet.RepresentationModel;

namespace Panoptic.Scanner.Catalog;

/// <summary>The technology catalog and its lookup indexes: by package, import, image, scheme, env var, Terraform type and literal.</summary>
public sealed class TechnologyCatalog
{
    private const string ResourcePrefix = "Panoptic.Scanner.Catalog.";

    /// <summary>Reads of environment variables across languages; the variable name follows the literal.</summary>
    private static readonly string[] EnvReadTriggers =
    [
        "os.environ[", "os.environ.get(", "environ.get(", "getenv(", "Getenv(", "os.LookupEnv(", "process.env.", "process.env[",
        "import.meta.env.", "Environment.GetEnvironmentVariable(", "System.getenv(", "ENV[", "ENV.fetch(", "$_ENV[",
        "env::var(", "Deno.env.get(", "os.environ.setdefault(", "env('", "env(\"",
    ];

    /// <summary>Fragments of route registrations and listen-port settings across frameworks; only lines holding one are parsed.</summary>
    private static readonly string[] LineMarkers =
    [
        "@app.", "@router.", "@bp.", "@api.", "@blueprint.", "path(", ".MapGet(", ".MapPost(", ".MapPut(", ".MapDelete(", ".MapPatch(", ".MapMethods(",
        ".MapHealthChecks(", ".MapGroup(", "[HttpGet", "[HttpPost", "[HttpPut", "[HttpDelete", "[HttpPatch", "[Route(", "@Controller(", "@Get(", "@Post(",
        "@Put(", "@Delete(", "@Patch(", "@All(", "Mapping(", ".get('/", ".get(\"/", ".get(`/", ".post('/", ".post(\"/", ".post(`/", ".put('/", ".put(\"/",
        ".delete('/", ".delete(\"/", ".patch('/", ".patch(\"/", ".all('/", "GET(\"/", "POST(\"/", "PUT(\"/", "DELETE(\"/", "PATCH(\"/", "Get(\"/",
        "Post(\"/", "Put(\"/", "Delete(\"/", "Patch(\"/", "Any(\"/", "HandleFunc(\"/", "Handle(\"/", "Route::",
        "uvicorn.run(", ".run(", "--port", "runserver", "--bind", "-b ", "PORT", ".listen(", "UseUrls(", "applicationUrl", "ListenAndServe", ".Run(\":",
        ".Start(\":", "net.Listen(", "server.port",
    ];

    private readonly Dictionary<(Ecosystem, string), List<Technology>> _packages = [];
    private readonly Dictionary<SourceLanguage, Dictionary<string, List<Technology>>> _imports = [];
    private readonly Dictionary<string, List<Technology>> _images = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Technology> _schemes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Technology> _selectors = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<Technology>> _envExact = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, Technology Technology)> _envPrefixes = [];
    // Env prefixes by their first two characters: every env read asks, and a linear pass over ~200 prefixes showed in profiles.
    private readonly Dictionary<int, List<(string Prefix, Technology Technology)>> _envPrefixIndex = [];
    private readonly List<(string Prefix, Technology Technology)> _shortEnvPrefixes = [];
    private readonly Dictionary<string, List<Technology>> _terraformExact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Technology>> _files = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Suffix, List<Technology> Technologies)> _fileSuffixes = [];
    private readonly List<(string Prefix, Technology Technology)> _terraformPrefixes = [];
    private readonly FrozenDictionary<string, Technology> _byId;
    private readonly FrozenDictionary<string, Technology> _signIn;

    public TechnologyCatalog(IReadOnlyDictionary<string, RegistrySection> categories, IReadOnlyList<Technology> technologies, IReadOnlyList<SecretRule> secrets,
        Readiness.ReadinessCatalog? readiness = null)
    {
        Categories = categories;
        Technologies = technologies;
        Secrets = secrets;
        Readiness = readiness;
        ReadinessPatterns = readiness is null ? null : new Readiness.ReadinessPatterns(readiness);
        _byId = technologies.ToFrozenDictionary(t => t.Id, StringComparer.Ordinal);
        foreach (var tech in technologies) Index(tech);
        IndexEnvPrefixes();
        _signIn = SignInByProvider(technologies);
        Literals = new LiteralIndex(BuildLiterals());
    }

    public IReadOnlyDictionary<string, RegistrySection> Categories { get; }
    public IReadOnlyList<Technology> Technologies { get; }
    public IReadOnlyList<SecretRule> Secrets { get; }
    /// <summary>The commercial-readiness checks, when loaded with the catalog.</summary>
    public Readiness.ReadinessCatalog? Readiness { get; }
    public Readiness.ReadinessPatterns? ReadinessPatterns { get; }
    internal LiteralIndex Literals { get; }

    /// <summary>A catalog entry by id; an id holding a dot is a host no entry covers, called from code (<see cref="Source.OutboundCalls"/>).</summary>
    public Technology? this[string id] => _byId.GetValueOrDefault(id) ?? (Source.OutboundCalls.IsHostId(id) ? _hosts.GetOrAdd(id, UnlistedHost) : null);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Technology> _hosts = new(StringComparer.Ordinal);

    /// <summary>An external API known only by its host: named for it, billed by its registrable domain (the last two labels).</summary>
    private static Technology UnlistedHost(string host)
    {
        var labels = host.Split('.');
        return new Technology { Id = host, Name = host, Category = "saas", Section = RegistrySection.ExternalApi, Provider = string.Join('.', labels[^2..]), Hosts = [host] };
    }

    public static TechnologyCatalog LoadEmbedded()
    {
        var assembly = typeof(TechnologyCatalog).Assembly;
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var categoriesFile = names.Single(n => n.EndsWith("categories.yaml", StringComparison.Ordinal));
        var categoriesRoot = CatalogReader.LoadMapping(Read(assembly, categoriesFile), "categories.yaml");
        var categories = CatalogReader.ParseCategories((YamlMappingNode)categoriesRoot.Children[new YamlScalarNode("categories")], "categories.yaml");

        var technologies = new List<Technology>();
        var secrets = new List<SecretRule>();
        foreach (var name in names.Where(n => n != categoriesFile))
        {
            var source = name[ResourcePrefix.Length..];
            var root = CatalogReader.LoadMapping(Read(assembly, name), source);
            if (root.Children.TryGetValue(new YamlScalarNode("technologies"), out var techs))
                technologies.AddRange(CatalogReader.ParseTechnologies((YamlSequenceNode)techs, categories, source, "technologies"));
            if (root.Children.TryGetValue(new YamlScalarNode("secrets"), out var rules))
                secrets.AddRange(ParseSecrets((YamlSequenceNode)rules, source));
        }
        var duplicate = technologies.GroupBy(t => t.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new CatalogException($"catalog: duplicate technology id '{duplicate.Key}'");
        return new TechnologyCatalog(categories, technologies, secrets, Panoptic.Scanner.Readiness.ReadinessCatalog.LoadEmbedded());
    }

    /// <summary>A copy of this catalog with extra entries; an extra entry replaces a built-in one with the same id.</summary>
    public TechnologyCatalog With(IReadOnlyList<Technology> extra)
    {
        if (extra.Count == 0) return this;
        var ids = extra.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        return new TechnologyCatalog(Categories, [.. Technologies.Where(t => !ids.Contains(t.Id)), .. extra], Secrets, Readiness);
    }

    public IReadOnlyList<Technology> ByPackage(Ecosystem ecosystem, string name)
    {
        var key = NormalizePackage(ecosystem, name);
        if (_packages.TryGetValue((ecosystem, key), out var found)) return found;
        if (ecosystem == Ecosystem.Maven)
        {
            var colon = key.IndexOf(':');
            if (colon > 0 && _packages.TryGetValue((ecosystem, key[(colon + 1)..]), out found)) return found;
        }
        if (ecosystem == Ecosystem.Go) return LongestPrefix(_packages, ecosystem, key, '/');
        return [];
    }

    public IReadOnlyList<Technology> ByImport(SourceLanguage language, string module)
    {
        if (!_imports.TryGetValue(language, out var map)) return [];
        var separator = Separator(language);
        var key = module;
        while (true)
        {
            if (map.TryGetValue(key, out var found)) return found;
            var cut = key.LastIndexOf(separator, StringComparison.Ordinal);
            if (cut <= 0) return [];
            key = key[..cut];
        }
    }

    /// <summary>Every technology a container image provides (pgvector/pgvector is PostgreSQL and a vector store).</summary>
    public IReadOnlyList<Technology> ByImage(string normalizedImage)
    {
        if (_images.TryGetValue(normalizedImage, out var found)) return found;
        var slash = normalizedImage.LastIndexOf('/');
        return slash >= 0 && _images.TryGetValue(normalizedImage[(slash + 1)..], out found) ? found : [];
    }

    public Technology? ByScheme(string scheme) => _schemes.GetValueOrDefault(scheme);

    /// <summary>The technology a driver or backend setting's value names ("s3", "smtp", "pgsql"), if any.</summary>
    /// <c>azure-openai</c> is <c>azure_openai</c>; a value that qualifies a selector names it too (<c>smtp-auth</c> and
    /// <c>smtp_api</c> are SMTP, <c>s3-compatible</c> S3), except after a cloud's own name (<c>google-drive</c> is not <c>google</c>).
    public Technology? BySelector(string value)
    {
        if (_selectors.GetValueOrDefault(value) is { } exact) return exact;
        var cut = value.AsSpan().IndexOfAny('-', '_');
        if (cut < 2) return null;
        if (_selectors.GetValueOrDefault(value.Replace('-', '_')) is { } spelled) return spelled;
        var head = value[..cut];
        return head.ToLowerInvariant() is "azure" or "google" or "aws" or "gcp" or "amazon" ? null : _selectors.GetValueOrDefault(head);
    }

    /// <summary>The sign-in entry of a technology's provider (GitHub API: GitHub sign-in), where the catalog has one.</summary>
    public Technology? SignInOf(Technology tech) =>
        tech.Category != "auth" && tech.Provider is { Length: > 0 } provider && _signIn.TryGetValue(provider, out var signIn) ? signIn : null;

    /// <summary>The API entry of a sign-in entry's provider (Sign in with Slack: Slack), named for the provider or its API.</summary>
    public Technology? ApiOf(Technology signIn)
    {
        if (signIn.Provider is not { Length: > 0 } provider) return null;
        var id = provider.ToLowerInvariant().Replace(' ', '-');
        return _byId.GetValueOrDefault(id) is { Category: not "auth" } named ? named : _byId.GetValueOrDefault(id + "-api") is { Category: not "auth" } api ? api : null;
    }

    /// <summary>An env var that holds a vendor's OAuth client credentials or login settings: SLACK_APP_SECRET, DISCORD_CLIENT_ID, GITHUB_AUTO_REGISTER.</summary>
    public static bool SignInCredential(string name) =>
        name.Contains("_CLIENT_ID", StringComparison.Ordinal) || name.Contains("_CLIENT_SECRET", StringComparison.Ordinal) || name.EndsWith("_APP_ID", StringComparison.Ordinal)
        || name.EndsWith("_APP_SECRET", StringComparison.Ordinal) || name.Contains("OAUTH", StringComparison.Ordinal) || name.Contains("_AUTO_REGISTER", StringComparison.Ordinal)
        || name.Contains("_AUTO_CONFIRM", StringComparison.Ordinal) || name.Contains("_REDIRECT_URI", StringComparison.Ordinal) || name.Contains("_CALLBACK_URL", StringComparison.Ordinal)
        || name.Contains("_LOGIN_", StringComparison.Ordinal) || name.EndsWith("_LOGIN", StringComparison.Ordinal) || name.Contains("_SIGNIN", StringComparison.Ordinal);

    public IReadOnlyList<Technology> ByEnvVar(string name)
    {
        if (_envExact.TryGetValue(name, out var exact)) return exact;
        List<Technology>? result = null;
        if (name.Length >= 2 && _envPrefixIndex.TryGetValue(PrefixKey(name), out var candidates))
        {
            foreach (var (prefix, tech) in candidates)
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal)) (result ??= []).Add(tech);
            }
        }
        foreach (var (prefix, tech) in _shortEnvPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal)) (result ??= []).Add(tech);
        }
        return result ?? [];
    }

    /// <summary>Each provider's sign-in entry: its auth entry named *-oauth, *-signin or *-login, or its only auth entry.</summary>
    private static FrozenDictionary<string, Technology> SignInByProvider(IReadOnlyList<Technology> technologies) =>
        technologies.Where(t => t.Category == "auth" && t.Provider is { Length: > 0 }).GroupBy(t => t.Provider!, StringComparer.Ordinal)
            .Select(g => g.FirstOrDefault(t => t.Id.EndsWith("-oauth", StringComparison.Ordinal) || t.Id.EndsWith("-signin", StringComparison.Ordinal) || t.Id.EndsWith("-login", StringComparison.Ordinal))
                ?? (g.Count() == 1 ? g.First() : null))
            .OfType<Technology>().ToFrozenDictionary(t => t.Provider!, StringComparer.Ordinal);

    private static int PrefixKey(string text) => (text[0] << 16) | text[1];

    private void IndexEnvPrefixes()
    {
        foreach (var (prefix, tech) in _envPrefixes)
        {
            if (prefix.Length < 2)
            {
                _shortEnvPrefixes.Add((prefix, tech));
                continue;
            }
            var key = PrefixKey(prefix);
            if (!_envPrefixIndex.TryGetValue(key, out var list)) _envPrefixIndex[key] = list = [];
            list.Add((prefix, tech));
        }
    }

    /// <summary>Technologies a file stands for by its name ("fly.toml") or its path ending (".do/app.yaml").</summary>
    public IReadOnlyList<Technology> ByFile(string path)
    {
        var name = path.AsSpan(path.LastIndexOf('/') + 1);
        if (_files.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var byName)) return byName;
        foreach (var (suffix, techs) in _fileSuffixes)
        {
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && (path.Length == suffix.Length || path[^(suffix.Length + 1)] == '/')) return techs;
        }
        return [];
    }

    /// <summary>
    /// Every technology a resource type stands for: the managed service and its engine (google_redis_instance is
    /// Memorystore and Redis). Exact entries first; prefixes of technologies not already named.
    /// </summary>
    public IReadOnlyList<Technology> ByTerraform(string resourceType)
    {
        var found = _terraformExact.TryGetValue(resourceType, out var exact) ? new List<Technology>(exact) : [];
        foreach (var (prefix, t) in _terraformPrefixes)
        {
            if (resourceType.StartsWith(prefix, StringComparison.Ordinal) && !found.Contains(t)) found.Add(t);
        }
        return found;
    }

    internal static string NormalizePackage(Ecosystem ecosystem, string name) => ecosystem switch
    {
        Ecosystem.PyPI => Regex.Replace(name.ToLowerInvariant(), "[-_.]+", "-"),
        Ecosystem.NuGet or Ecosystem.Composer or Ecosystem.RubyGems or Ecosystem.Maven => name.ToLowerInvariant(),
        Ecosystem.Cargo => name.Replace('_', '-'),
        Ecosystem.Hex => name.ToLowerInvariant(),
        _ => name,
    };

    private static string Separator(SourceLanguage language) => language switch
    {
        SourceLanguage.Go or SourceLanguage.Ruby or SourceLanguage.JavaScript => "/",
        SourceLanguage.Php => "\\",
        SourceLanguage.Rust => "::",
        _ => ".",
    };

    private void Index(Technology tech)
    {
        foreach (var (ecosystem, names) in tech.Packages)
        {
            foreach (var name in names)
            {
                Add(_packages, (ecosystem, NormalizePackage(ecosystem, name)), tech);
                var import = DefaultImport(ecosystem, name);
                if (import is not null) AddImport(import.Value.Language, import.Value.Module, tech);
            }
        }
        foreach (var (language, modules) in tech.Imports)
        {
            foreach (var module in modules) AddImport(language, module, tech);
        }
        foreach (var image in tech.Images) Add(_images, image, tech);
        foreach (var scheme in tech.Schemes) _schemes.TryAdd(scheme, tech);
        foreach (var value in tech.Selects) _selectors.TryAdd(value, tech);
        foreach (var env in tech.EnvVars)
        {
            if (env.EndsWith('*')) _envPrefixes.Add((env.TrimEnd('*'), tech));
            else Add(_envExact, env, tech);
        }
        foreach (var file in tech.Files)
        {
            if (!file.Contains('/')) Add(_files, file, tech);
            else if (_fileSuffixes.FindIndex(f => f.Suffix == file) is var i and >= 0) _fileSuffixes[i].Technologies.Add(tech);
            else _fileSuffixes.Add((file, [tech]));
        }
        foreach (var type in tech.Terraform)
        {
            if (type.EndsWith('*')) _terraformPrefixes.Add((type.TrimEnd('*'), tech));
            else
            {
                if (!_terraformExact.TryGetValue(type, out var list)) _terraformExact[type] = list = [];
                if (!list.Contains(tech)) list.Add(tech);
            }
        }
    }

    private static (SourceLanguage Language, string Module)? DefaultImport(Ecosystem ecosystem, string name) => ecosystem switch
    {
        Ecosystem.Npm => (SourceLanguage.JavaScript, name),
        Ecosystem.PyPI when !name.Contains('[') => (SourceLanguage.Python, name.ToLowerInvariant().Replace('-', '_')),
        Ecosystem.NuGet => (SourceLanguage.CSharp, name),
        Ecosystem.Go => (SourceLanguage.Go, name),
        Ecosystem.RubyGems => (SourceLanguage.Ruby, name),
        Ecosystem.Cargo => (SourceLanguage.Rust, name.Replace('-', '_')),
        _ => null,
    };

    private void AddImport(SourceLanguage language, string module, Technology tech)
    {
        if (!_imports.TryGetValue(language, out var map)) _imports[language] = map = new(StringComparer.Ordinal);
        Add(map, module, tech);
    }

    private static void Add<TKey>(Dictionary<TKey, List<Technology>> map, TKey key, Technology tech) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        if (!list.Contains(tech)) list.Add(tech);
    }

    private static List<Technology> LongestPrefix(Dictionary<(Ecosystem, string), List<Technology>> map, Ecosystem ecosystem, string key, char separator)
    {
        while (true)
        {
            var cut = key.LastIndexOf(separator);
            if (cut <= 0) return [];
            key = key[..cut];
            if (map.TryGetValue((ecosystem, key), out var found)) return found;
        }
    }

    private IEnumerable<LiteralTarget> BuildLiterals()
    {
        foreach (var tech in Technologies)
        {
            foreach (var host in tech.Hosts) yield return new LiteralTarget(host, LiteralKind.Host, tech);
            foreach (var code in tech.Code) yield return new LiteralTarget(code, LiteralKind.Code, tech);
            foreach (var method in tech.Aspire) yield return new LiteralTarget(method + "(", LiteralKind.Aspire, tech);
            foreach (var model in tech.Models) yield return new LiteralTarget(model, LiteralKind.Model, tech);
        }
        foreach (var rule in Secrets) yield return new LiteralTarget(rule.Trigger, LiteralKind.Secret, null, rule);
        foreach (var trigger in EnvReadTriggers) yield return new LiteralTarget(trigger, LiteralKind.EnvRead, null);
        yield return new LiteralTarget("://", LiteralKind.SchemeSeparator, null);
        foreach (var marker in LineMarkers) yield return new LiteralTarget(marker, LiteralKind.LineMarker, null);
        foreach (var target in ReadinessPatterns?.LiteralTargets() ?? []) yield return target;
    }

    private static IEnumerable<SecretRule> ParseSecrets(YamlSequenceNode rules, string source)
    {
        foreach (var node in rules.Children)
        {
            var map = (YamlMappingNode)node;
            string Get(string key) => CatalogReader.Scalar(map.Children[new YamlScalarNode(key)], source, "secrets." + key);
            Regex regex;
            try
            {
                regex = new Regex(@"\G(?:" + Get("pattern") + ")", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
            }
            catch (ArgumentException e)
            {
                throw CatalogReader.Error(source, node, $"secrets.{Get("id")}.pattern: {e.Message}");
            }
            yield return new SecretRule(Get("id"), Get("name"), Get("trigger"), regex, int.Parse(Get("visible_prefix")));
        }
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
