using System.Globalization;
using Microsoft.Extensions.Configuration;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Pricing;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk;

/// <summary>Where tracked operations go.</summary>
public enum PanopticOutput
{
    /// <summary>The Panoptic server's <c>POST /api/v1/events</c> (needs <see cref="PanopticOptions.Endpoint"/> and <see cref="PanopticOptions.ApiKey"/>).</summary>
    Server,
    /// <summary>JSON lines on standard output, for local debugging.</summary>
    Console,
    /// <summary>JSON lines appended to <see cref="PanopticOptions.File"/>.</summary>
    File,
}

/// <summary>
/// Everything the SDK can be told, bound from the <c>Panoptic</c> configuration section and <c>PANOPTIC_*</c>
/// environment variables (docs/sdk.md lists every key). <see cref="Validate"/> reports all problems at once.
/// </summary>
public sealed record PanopticOptions
{
    /// <summary>False turns the SDK into a no-op (<c>Panoptic:Enabled</c>, <c>PANOPTIC_ENABLED</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The Panoptic server's base address (<c>Panoptic:Endpoint</c>, <c>PANOPTIC_ENDPOINT</c>).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The workspace's ingestion key (<c>Panoptic:ApiKey</c>, <c>PANOPTIC_API_KEY</c>); never printed.</summary>
    public string? ApiKey { get; init; }

    /// <summary>This application's service name (<c>Panoptic:Service</c>, <c>PANOPTIC_SERVICE</c>; default: the entry assembly's name).</summary>
    public string? Service { get; init; } = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name;

    /// <summary>Where events go (<c>Panoptic:Output</c>, <c>PANOPTIC_OUTPUT</c>: server, console or file).</summary>
    public PanopticOutput Output { get; init; } = PanopticOutput.Server;

    /// <summary>The JSON-lines file for <see cref="PanopticOutput.File"/> (<c>Panoptic:File</c>, <c>PANOPTIC_FILE</c>).</summary>
    public string? File { get; init; }

    /// <summary>Your own transport (for example the OpenTelemetry one); when set it wins over <see cref="Output"/>.</summary>
    public IEventTransport? Transport { get; init; }

    /// <summary>Queueing, batching and retries (<c>Panoptic:Export:*</c>).</summary>
    public ExporterOptions Export { get; init; } = new();

    /// <summary>Which share of operations is exported (<c>Panoptic:Sampling:*</c>).</summary>
    public SamplingOptions Sampling { get; init; } = new();

    /// <summary>The prices used for usage (default: the card embedded in the SDK, the server's own).</summary>
    public RateCard? RateCard { get; init; }

    /// <summary>More hosts the HTTP handler recognises, host (or host:port) → provider (<c>Panoptic:Hosts:api.example.com = openai</c>).</summary>
    public IReadOnlyDictionary<string, string>? Hosts { get; init; }

    // Values that could not be read from configuration; Validate reports them.
    private IReadOnlyList<string> ReadProblems { get; init; } = [];

    /// <summary>The options in the environment's <c>PANOPTIC_*</c> variables.</summary>
    public static PanopticOptions FromEnvironment() => FromConfiguration(null);

    /// <summary>
    /// The options in <paramref name="configuration"/>'s <c>Panoptic</c> section, with <c>PANOPTIC_*</c> environment
    /// variables on top (a deployment's environment wins over appsettings.json).
    /// </summary>
    public static PanopticOptions FromConfiguration(IConfiguration? configuration)
    {
        var section = configuration?.GetSection("Panoptic");
        var problems = new List<string>();
        string? Value(string key, string? variable = null)
        {
            var fromEnvironment = variable is null ? null : Environment.GetEnvironmentVariable(variable);
            return string.IsNullOrWhiteSpace(fromEnvironment) ? section?[key] : fromEnvironment;
        }
        T Parse<T>(string key, string? variable, T fallback, Func<string, T?> parse, string expected) where T : struct
        {
            var text = Value(key, variable);
            if (string.IsNullOrWhiteSpace(text)) return fallback;
            if (parse(text.Trim()) is { } parsed) return parsed;
            problems.Add($"Panoptic:{key}{(variable is null ? "" : $" ({variable})")} must be {expected}, got '{Shorten(text)}'.");
            return fallback;
        }

        var defaults = new PanopticOptions();
        var endpointText = Value("Endpoint", "PANOPTIC_ENDPOINT");
        Uri? endpoint = null;
        if (!string.IsNullOrWhiteSpace(endpointText) && !(Uri.TryCreate(endpointText.Trim(), UriKind.Absolute, out endpoint) && endpoint.Scheme is "http" or "https"))
        {
            problems.Add($"Panoptic:Endpoint (PANOPTIC_ENDPOINT) must be an absolute http:// or https:// address, got '{(endpointText.Contains('@', StringComparison.Ordinal) ? "(a value with credentials, not shown)" : Shorten(endpointText))}'.");
            endpoint = null;
        }
        var exportDefaults = new ExporterOptions();
        var samplingDefaults = new SamplingOptions();
        return new PanopticOptions
        {
            Enabled = Parse("Enabled", "PANOPTIC_ENABLED", true, t => bool.TryParse(t, out var b) ? b : null, "true or false"),
            Endpoint = endpoint is null ? null : new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/"),
            ApiKey = NullIfBlank(Value("ApiKey", "PANOPTIC_API_KEY")),
            Service = NullIfBlank(Value("Service", "PANOPTIC_SERVICE")) ?? defaults.Service,
            Output = Parse("Output", "PANOPTIC_OUTPUT", PanopticOutput.Server, t => Enum.TryParse<PanopticOutput>(t, ignoreCase: true, out var o) && Enum.IsDefined(o) ? o : null, "server, console or file"),
            File = NullIfBlank(Value("File", "PANOPTIC_FILE")),
            Export = new ExporterOptions
            {
                QueueCapacity = Parse("Export:QueueCapacity", null, exportDefaults.QueueCapacity, Integer, "a whole number"),
                BatchSize = Parse("Export:BatchSize", null, exportDefaults.BatchSize, Integer, "a whole number"),
                FlushInterval = Parse("Export:FlushInterval", null, exportDefaults.FlushInterval, Duration, "a duration such as 00:00:01"),
                RetryDelay = Parse("Export:RetryDelay", null, exportDefaults.RetryDelay, Duration, "a duration such as 00:00:00.5"),
                MaxRetryDelay = Parse("Export:MaxRetryDelay", null, exportDefaults.MaxRetryDelay, Duration, "a duration such as 00:00:30"),
            },
            Sampling = new SamplingOptions
            {
                Rate = Parse("Sampling:Rate", "PANOPTIC_SAMPLE_RATE", samplingDefaults.Rate, Number, "a number from 0 to 1"),
                Providers = Rates(section?.GetSection("Sampling:Providers"), "Sampling:Providers", problems),
                Operations = Rates(section?.GetSection("Sampling:Operations"), "Sampling:Operations", problems),
                AlwaysKeepCostUsd = Parse("Sampling:AlwaysKeepCostUsd", null, samplingDefaults.AlwaysKeepCostUsd,
                    t => decimal.TryParse(t, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : null, "an amount in US dollars"),
            },
            Hosts = ReadHosts(section, problems),
            ReadProblems = problems,
        };
    }

    /// <summary>
    /// Throws <see cref="PanopticConfigurationException"/> listing every problem (a missing key, an endpoint that is not
    /// an address, a rate out of range) — at start-up, so a wrong setting is found before events are lost.
    /// </summary>
    public void Validate()
    {
        var problems = new List<string>(ReadProblems);
        if (Enabled && Transport is null)
        {
            switch (Output)
            {
                case PanopticOutput.Server when Endpoint is null && ApiKey is null:
                    break; // nothing configured: the SDK stays off (see IsConfigured)
                case PanopticOutput.Server:
                    if (Endpoint is null) problems.Add("Panoptic:Endpoint (PANOPTIC_ENDPOINT) is missing: the address of your Panoptic server, e.g. https://panoptic.example.com.");
                    else if (Endpoint.Scheme is not ("http" or "https")) problems.Add("Panoptic:Endpoint (PANOPTIC_ENDPOINT) must be an http:// or https:// address.");
                    if (ApiKey is null) problems.Add("Panoptic:ApiKey (PANOPTIC_API_KEY) is missing: create an ingestion key with POST /api/v1/keys.");
                    else if (ApiKey.Any(char.IsWhiteSpace)) problems.Add("Panoptic:ApiKey (PANOPTIC_API_KEY) contains whitespace; copy the key exactly as it was shown.");
                    break;
                case PanopticOutput.File when string.IsNullOrWhiteSpace(File):
                    problems.Add("Panoptic:File (PANOPTIC_FILE) is missing: the JSON-lines file to append events to.");
                    break;
            }
        }
        if (Export.QueueCapacity is < 1 or > 10_000_000) problems.Add($"Panoptic:Export:QueueCapacity must be between 1 and 10000000, got {Export.QueueCapacity}.");
        if (Export.BatchSize is < 1 or > 10_000) problems.Add($"Panoptic:Export:BatchSize must be between 1 and 10000, got {Export.BatchSize}.");
        if (Export.FlushInterval <= TimeSpan.Zero) problems.Add("Panoptic:Export:FlushInterval must be positive.");
        if (Export.RetryDelay <= TimeSpan.Zero) problems.Add("Panoptic:Export:RetryDelay must be positive.");
        if (Export.MaxRetryDelay < Export.RetryDelay) problems.Add("Panoptic:Export:MaxRetryDelay must not be shorter than RetryDelay.");
        problems.AddRange(Sampling.Problems());
        if (problems.Count > 0) throw new PanopticConfigurationException(problems);
    }

    /// <summary>False when the SDK has nowhere to send events: disabled, or the server output with neither endpoint nor key set.</summary>
    public bool IsConfigured => Enabled && (Transport is not null || Output != PanopticOutput.Server || Endpoint is not null || ApiKey is not null);

    internal IEventTransport CreateTransport() => Transport ?? Output switch
    {
        PanopticOutput.Console => new JsonLinesTransport(Console.OpenStandardOutput(), ownsStream: false),
        PanopticOutput.File => JsonLinesTransport.Append(File!),
        _ => new ServerTransport(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, Endpoint!, ApiKey!),
    };

    private static int? Integer(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;

    private static double? Number(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static TimeSpan? Duration(string text) => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t) ? t : null;

    private static Dictionary<string, double>? Rates(IConfigurationSection? section, string name, List<string> problems)
    {
        if (section is null) return null;
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var child in section.GetChildren())
        {
            if (Number(child.Value ?? "") is { } rate) rates[child.Key] = rate;
            else problems.Add($"Panoptic:{name}:{child.Key} must be a number from 0 to 1, got '{Shorten(child.Value ?? "")}'.");
        }
        return rates.Count > 0 ? rates : null;
    }

    /// <summary>
    /// Extra hosts: <c>Panoptic:Hosts:&lt;host&gt; = provider</c> entries, and a list <c>host[:port]=provider,...</c> in
    /// <c>Panoptic:Hosts</c> or <c>PANOPTIC_HOSTS</c> (configuration keys cannot hold a port: ':' separates sections).
    /// </summary>
    private static Dictionary<string, string>? ReadHosts(IConfigurationSection? section, List<string> problems)
    {
        var hosts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section?.GetSection("Hosts").GetChildren() ?? [])
            if (!string.IsNullOrWhiteSpace(child.Value)) hosts[child.Key] = child.Value.Trim();
        var list = Environment.GetEnvironmentVariable("PANOPTIC_HOSTS") is { Length: > 0 } variable ? variable : section?["Hosts"];
        foreach (var entry in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = entry.LastIndexOf('=');
            if (equals <= 0 || equals == entry.Length - 1) problems.Add($"Panoptic:Hosts (PANOPTIC_HOSTS) entries are host[:port]=provider, got '{Shorten(entry)}'.");
            else hosts[entry[..equals].Trim()] = entry[(equals + 1)..].Trim();
        }
        return hosts.Count > 0 ? hosts : null;
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}

/// <summary>The SDK's options are wrong; <see cref="Problems"/> lists each one (never a key's value).</summary>
public sealed class PanopticConfigurationException(IReadOnlyList<string> problems)
    : Exception("Panoptic SDK configuration: " + string.Join(" ", problems))
{
    /// <summary>One sentence per problem, naming the setting and what it must be.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
