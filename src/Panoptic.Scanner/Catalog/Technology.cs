namespace Panoptic.Scanner.Catalog;

/// <summary>One entry of the technology catalog: what a technology is and every signal that reveals it.</summary>
public sealed record Technology
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Category { get; init; }
    public required RegistrySection Section { get; init; }
    /// <summary>The company billed for an external API (OpenAI, Stripe); defaults to the name.</summary>
    public string? Provider { get; init; }
    public IReadOnlyDictionary<Ecosystem, IReadOnlyList<string>> Packages { get; init; } = new Dictionary<Ecosystem, IReadOnlyList<string>>();
    public IReadOnlyDictionary<SourceLanguage, IReadOnlyList<string>> Imports { get; init; } = new Dictionary<SourceLanguage, IReadOnlyList<string>>();
    public IReadOnlyList<string> Images { get; init; } = [];
    public IReadOnlyList<string> Schemes { get; init; } = [];
    public IReadOnlyList<string> Hosts { get; init; } = [];
    public IReadOnlyList<string> EnvVars { get; init; } = [];
    public IReadOnlyList<string> Terraform { get; init; } = [];
    /// <summary>Literal code fragments such as client constructors or config keys ("new S3Client(", "spring.data.mongodb").</summary>
    public IReadOnlyList<string> Code { get; init; } = [];
    /// <summary>.NET Aspire AppHost resource methods ("AddPostgres").</summary>
    public IReadOnlyList<string> Aspire { get; init; } = [];
    /// <summary>Files whose presence means the technology deploys or runs the code (render.yaml, fly.toml, wrangler.toml).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
    /// <summary>Prefixes of model names served by this provider ("gpt-", "claude-").</summary>
    public IReadOnlyList<string> Models { get; init; } = [];
    /// <summary>Properties the audit reads ("structured" for a logging library, "error" for a smell).</summary>
    public IReadOnlyList<string> Traits { get; init; } = [];
    /// <summary>For a job or message library: the brokers it can run on (catalog ids), linked when the registry has them.</summary>
    public IReadOnlyList<string> RunsOn { get; init; } = [];
    /// <summary>Values a driver or backend setting names it by (FILESYSTEM_DISK=s3, MAIL_MAILER=smtp, DB_CONNECTION=pgsql).</summary>
    public IReadOnlyList<string> Selects { get; init; } = [];
    /// <summary>Line in the catalog file that declared the entry, for error messages.</summary>
    public int Line { get; init; }
}

public enum RegistrySection
{
    Connection,
    ExternalApi,
    Framework,
    Tooling,
    /// <summary>How a service is built (logging, tracing, config, ORM, smells): read by the audit, not listed as a connection.</summary>
    Fact,
}

public enum Ecosystem
{
    Npm,
    PyPI,
    NuGet,
    Go,
    Maven,
    RubyGems,
    Composer,
    Cargo,
    /// <summary>Elixir's packages (mix.exs).</summary>
    Hex,
}

public enum SourceLanguage
{
    Python,
    JavaScript,
    CSharp,
    Go,
    Java,
    Ruby,
    Php,
    Rust,
}
