namespace Panoptic.Storage.Gateway;

/// <summary>A workspace's data key, as stored: wrapped (encrypted) by the master key <see cref="MasterKeyId"/>.</summary>
public sealed record WrappedDataKey(string WorkspaceId, string MasterKeyId, string WrappedKey);

/// <summary>
/// A provider key a workspace brought (OpenAI, Anthropic, any OpenAI-compatible base URL). <see cref="Secret"/> is the
/// key encrypted under the workspace's data key; <see cref="Hint"/> is the masked form shown back (sk-…abcd).
/// <see cref="Models"/> are the model names or prefix patterns (gpt-*) this key serves.
/// </summary>
public sealed record ProviderKey(string WorkspaceId, string Id, string Name, string Provider, string BaseUrl, IReadOnlyList<string> Models, string Secret, string Hint, DateTimeOffset CreatedAt)
{
    /// <summary>This upstream's own timeout, or null for the server's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>This key's share of the requests its pool serves (the keys of one provider at one base URL that match a model).</summary>
    public int Weight { get; init; } = 1;
}

/// <summary>
/// A gateway key an application or customer calls the gateway with: stored as its SHA-256 with a visible prefix, with
/// the models it may use (null: any), its limits per minute and its budget.
/// </summary>
public sealed record GatewayKey(string WorkspaceId, string Id, string Name, string Prefix, string KeyHash, IReadOnlyList<string>? AllowedModels,
    long? Rpm, long? Tpm, long? BudgetNanos, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>Whether the key refuses models without a price, as set; null: it does when it has a budget.</summary>
    public bool? RefuseUnpriced { get; init; }

    /// <summary>An unpriced model costs nothing the budget can see, so a key with a budget refuses them unless told otherwise.</summary>
    public bool RefusesUnpriced => RefuseUnpriced ?? BudgetNanos is not null;
}

/// <summary>One request through the gateway: who, which model, how it went, what it consumed and cost. No bodies.</summary>
public sealed record GatewayLog
{
    public required string WorkspaceId { get; init; }
    public required string Id { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string KeyId { get; init; }
    public required string Endpoint { get; init; }
    public string ModelRequested { get; init; } = "";
    public string ModelServed { get; init; } = "";
    public string Upstream { get; init; } = "";
    public int Status { get; init; }
    public bool Stream { get; init; }
    public double LatencyMs { get; init; }
    public double? TtftMs { get; init; }
    public long InputTokens { get; init; }
    public long CachedTokens { get; init; }
    public long OutputTokens { get; init; }
    public long ReasoningTokens { get; init; }
    public long? CostNanos { get; init; }
    public string? RateCard { get; init; }
    public bool Estimated { get; init; }
    public string TenantId { get; init; } = "";
    public string UserId { get; init; } = "";
    public string Feature { get; init; } = "";
    public string? Error { get; init; }
    /// <summary>SHA-256 of the whole request, set only when the workspace logs bodies: counted per day for the advisor, not stored on the row.</summary>
    public string? RequestHash { get; init; }
    /// <summary>SHA-256 of the prompt before its last message, when that is long enough to cache; with <see cref="PrefixChars"/>, its length.</summary>
    public string? PrefixHash { get; init; }
    public long PrefixChars { get; init; }
}

/// <summary>Which logs to read: a time range, optional key and model, newest first, a page at a time (before = the last id seen).</summary>
public sealed record GatewayLogQuery(DateTimeOffset From, DateTimeOffset To, string? KeyId = null, string? Model = null, string? TenantId = null, int Limit = 100, string? Before = null);

/// <summary>Gateway usage for one value of a dimension.</summary>
public sealed record GatewayUsageRow(string Key, long Requests, long Errors, long InputTokens, long CachedTokens, long OutputTokens, long CostNanos, long Unpriced);

/// <summary>A workspace's gateway settings: whether bodies are logged, and the regular expressions redacted from them.</summary>
public sealed record GatewaySettings(bool LogBodies, IReadOnlyList<string> Redact)
{
    public static readonly GatewaySettings Default = new(false, []);
}

/// <summary>A logged request's bodies, already redacted and truncated.</summary>
public sealed record GatewayBodies(string Request, string Response);

/// <summary>A key's minute after a request asked for a slot: whether it got one, and the requests and tokens counted.</summary>
public sealed record GatewayWindow(bool Taken, long Requests, long Tokens);
