using Microsoft.Extensions.Options;

namespace Panoptic.Server;

/// <summary>The "Panoptic" configuration section: where data lives and how accounts behave.</summary>
public sealed class ServerOptions
{
    public const string Section = "Panoptic";

    /// <summary>Folder of the embedded SQLite database (panoptic.db); created when missing.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// <summary>A postgres:// URL (or Npgsql connection string) selects PostgreSQL; empty means SQLite in <see cref="DataDirectory"/>.</summary>
    public string? Database { get; set; }

    /// <summary>PBKDF2-SHA256 iterations for new password hashes (OWASP's 2023 advice: 600,000).</summary>
    public int PasswordIterations { get; set; } = 600_000;

    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Failed logins for one email from one client address within <see cref="LoginWindow"/> before that address's further attempts are refused.</summary>
    public int MaxLoginFailures { get; set; } = 5;

    /// <summary>Failed logins from one client address, over every email, within <see cref="LoginWindow"/> before its further attempts are refused.</summary>
    public int MaxLoginFailuresPerAddress { get; set; } = 20;

    /// <summary>Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (`--trust-proxy`).</summary>
    public string? TrustProxy { get; set; }

    public TimeSpan LoginWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Whether anyone may sign up; the first account can always be created.</summary>
    public bool AllowSignup { get; set; } = true;

    /// <summary>Most events one POST /api/v1/events may carry.</summary>
    public int MaxBatchEvents { get; set; } = 5_000;

    /// <summary>Largest request body accepted by the ingestion endpoints, in bytes.</summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest OTLP trace export accepted after decompression, in bytes (a compressed body is capped by <see cref="MaxBodyBytes"/>).</summary>
    public long MaxTraceBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Bytes all trace exports in flight may hold in memory together, decompressed; an export that would pass it gets
    /// 503 with Retry-After. At least twice <see cref="MaxTraceBytes"/>, so one export of the largest size always fits.
    /// </summary>
    public long MaxTraceBytesInFlight { get; set; } = 128 * 1024 * 1024;

    /// <summary>Trace exports one process decodes at once; more get 503 with Retry-After.</summary>
    public int MaxTraceExportsInFlight { get; set; } = 16;

    /// <summary>How long a client or server span waits for its other half before its edge is settled without it.</summary>
    public TimeSpan GraphWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most spans waiting for their other half at once; past it the oldest are settled early.</summary>
    public int GraphMaxPending { get; set; } = 200_000;

    /// <summary>How often the service graph's edges are written to the store.</summary>
    public TimeSpan GraphFlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the probe runner looks for due probes.</summary>
    public TimeSpan ProbeTick { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most probes one server checks at once.</summary>
    public int MaxProbesInFlight { get; set; } = 32;

    /// <summary>How often the cost-source scheduler looks for sources due to sync (each has its own interval, hourly by default).</summary>
    public TimeSpan CostSyncTick { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the live-check scheduler looks for workspaces whose live checks are due (each runs daily by default).</summary>
    public TimeSpan LiveCheckTick { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The limit for one DNS query, TLS handshake or HTTP request of a live check.</summary>
    public TimeSpan LiveCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A PEM file of roots the live checks trust instead of the machine's (a private CA).</summary>
    public string? LiveTrustedRootsFile { get; set; }

    /// <summary>The port of the live checks' plain-HTTP redirect check.</summary>
    public int LiveHttpPort { get; set; } = 80;

    /// <summary>How far in the future an event's timestamp may be (clock skew), before it is rejected.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often alerts are evaluated and delivered.</summary>
    public TimeSpan AlertInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bearer token Prometheus scrapes /metrics with; without one, /metrics answers loopback clients only.</summary>
    public string? MetricsToken { get; set; }

    /// <summary>
    /// The gateway's master key (32 bytes, base64), which wraps each workspace's data key; PANOPTIC_MASTER_KEY when
    /// unset, then <see cref="MasterKeyFile"/>, then master.key in the data folder (created on first start).
    /// </summary>
    public string? MasterKey { get; set; }

    /// <summary>A file holding the master key in base64 (a mounted secret).</summary>
    public string? MasterKeyFile { get; set; }

    /// <summary>Earlier master keys, comma-separated base64, still accepted while the data keys they wrapped are re-wrapped (rotation).</summary>
    public string? PreviousMasterKeys { get; set; }

    /// <summary>Largest request body the gateway reads (a chat request with images can be large).</summary>
    public int GatewayMaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How long the gateway waits for an upstream's answer (and between its chunks' reads) before a 504.</summary>
    public TimeSpan GatewayUpstreamTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How many times the gateway retries one provider key after a 429, a 5xx or a connection error before falling back (never once a byte reached the client).</summary>
    public int GatewayRetries { get; set; } = 2;

    /// <summary>The backoff's base: retry n waits a random time below this × 2ⁿ (full jitter), unless the upstream's Retry-After says how long.</summary>
    public TimeSpan GatewayRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait for a retry (a Retry-After, or the backoff): an upstream asking for longer is not waited for, it falls back or is answered.</summary>
    public TimeSpan GatewayRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a provider key that answered 429 stays out of rotation on this server when the answer had no Retry-After.</summary>
    public TimeSpan GatewayCoolDown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How a pool of provider keys serving one model picks its key for a request: by weight (weighted random) or the fewest requests in flight.</summary>
    public Gateway.Balancing GatewayBalancing { get; set; } = Gateway.Balancing.Weighted;

    public static string DefaultDataDirectory()
    {
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "panoptic");
    }
}

/// <summary>Lists every invalid setting by its configuration key, so one start reports all of them.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory)) problems.Add("Panoptic:DataDirectory must be a folder");
        if (options.PasswordIterations < 1_000) problems.Add("Panoptic:PasswordIterations must be at least 1000 (600000 is the default)");
        if (options.SessionLifetime <= TimeSpan.Zero) problems.Add("Panoptic:SessionLifetime must be positive");
        if (options.MaxLoginFailures < 1) problems.Add("Panoptic:MaxLoginFailures must be at least 1");
        if (options.LoginWindow <= TimeSpan.Zero) problems.Add("Panoptic:LoginWindow must be positive");
        if (options.MaxLoginFailuresPerAddress < options.MaxLoginFailures) problems.Add("Panoptic:MaxLoginFailuresPerAddress must be at least Panoptic:MaxLoginFailures");
        foreach (var (entry, _) in TrustedProxies.Parse(options.TrustProxy).Where(p => p.Network is null))
            problems.Add($"Panoptic:TrustProxy: '{entry}' is not an IP address or a network like 10.0.0.0/8");
        if (options.MaxBatchEvents is < 1 or > 100_000) problems.Add("Panoptic:MaxBatchEvents must be between 1 and 100000");
        if (options.MaxBodyBytes < 1024) problems.Add("Panoptic:MaxBodyBytes must be at least 1024");
        if (options.AlertInterval < TimeSpan.FromSeconds(1)) problems.Add("Panoptic:AlertInterval must be at least one second");
        if (options.MaxClockSkew < TimeSpan.Zero) problems.Add("Panoptic:MaxClockSkew must not be negative");
        if (options.MaxTraceBytes is < 1024 or > int.MaxValue / 2) problems.Add("Panoptic:MaxTraceBytes must be between 1024 and 1073741823");
        if (options.GraphWait < TimeSpan.Zero) problems.Add("Panoptic:GraphWait must not be negative");
        if (options.GraphMaxPending < 1) problems.Add("Panoptic:GraphMaxPending must be at least 1");
        if (options.GraphFlushInterval < TimeSpan.FromMilliseconds(100)) problems.Add("Panoptic:GraphFlushInterval must be at least 100 ms");
        if (options.ProbeTick < TimeSpan.FromMilliseconds(100)) problems.Add("Panoptic:ProbeTick must be at least 100 ms");
        if (options.CostSyncTick < TimeSpan.FromSeconds(1)) problems.Add("Panoptic:CostSyncTick must be at least one second");
        if (options.LiveCheckTick < TimeSpan.FromSeconds(1)) problems.Add("Panoptic:LiveCheckTick must be at least one second");
        if (options.LiveCheckTimeout <= TimeSpan.Zero || options.LiveCheckTimeout > TimeSpan.FromMinutes(2)) problems.Add("Panoptic:LiveCheckTimeout must be between 0 and 2 minutes");
        if (options.LiveHttpPort is < 1 or > 65535) problems.Add("Panoptic:LiveHttpPort must be a port number");
        if (options.LiveTrustedRootsFile is { } roots && !File.Exists(roots)) problems.Add("Panoptic:LiveTrustedRootsFile must name an existing PEM file");
        if (options.GatewayRetries is < 0 or > 10) problems.Add("Panoptic:GatewayRetries must be between 0 and 10");
        if (options.GatewayRetryDelay < TimeSpan.Zero || options.GatewayRetryDelay > TimeSpan.FromMinutes(1)) problems.Add("Panoptic:GatewayRetryDelay must be between 0 and 1 minute");
        if (options.GatewayRetryMaxDelay < TimeSpan.Zero || options.GatewayRetryMaxDelay > TimeSpan.FromMinutes(5)) problems.Add("Panoptic:GatewayRetryMaxDelay must be between 0 and 5 minutes");
        if (options.GatewayCoolDown < TimeSpan.Zero || options.GatewayCoolDown > TimeSpan.FromHours(1)) problems.Add("Panoptic:GatewayCoolDown must be between 0 and 1 hour");
        if (!Enum.IsDefined(options.GatewayBalancing)) problems.Add("Panoptic:GatewayBalancing must be Weighted or LeastInFlight");
        if (options.MaxProbesInFlight < 1) problems.Add("Panoptic:MaxProbesInFlight must be at least 1");
        if (options.MaxTraceExportsInFlight < 1) problems.Add("Panoptic:MaxTraceExportsInFlight must be at least 1");
        if (options.MaxTraceBytesInFlight < 2 * (options.MaxTraceBytes + 1))
            problems.Add("Panoptic:MaxTraceBytesInFlight must be at least twice Panoptic:MaxTraceBytes (while its buffer grows, one export holds both)");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
