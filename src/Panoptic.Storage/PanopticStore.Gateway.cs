using System.Text.Json;
using Dapper;
using Panoptic.Storage.Gateway;

namespace Panoptic.Storage;

public abstract partial class PanopticStore
{
    /// <summary>The workspace's wrapped data key, or null before its first provider key.</summary>
    public Task<WrappedDataKey?> DataKeyAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.QuerySingleOrDefaultAsync<WrappedDataKey>(Command(
            "SELECT workspace_id AS WorkspaceId, master_key_id AS MasterKeyId, wrapped_key AS WrappedKey FROM workspace_data_keys WHERE workspace_id = @workspaceId",
            new { workspaceId }, cancellationToken)), cancellationToken);

    /// <summary>Stores <paramref name="key"/> unless the workspace has one already (two servers racing); returns the one that is stored.</summary>
    public async Task<WrappedDataKey> CreateDataKeyAsync(WrappedDataKey key, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await WithConnectionAsync(c => c.ExecuteAsync(Command(
            "INSERT INTO workspace_data_keys (workspace_id, master_key_id, wrapped_key, created_at) VALUES (@WorkspaceId, @MasterKeyId, @WrappedKey, @at) ON CONFLICT DO NOTHING",
            new { key.WorkspaceId, key.MasterKeyId, key.WrappedKey, at = Ms(at) }, cancellationToken)), cancellationToken);
        return (await DataKeyAsync(key.WorkspaceId, cancellationToken))!;
    }

    /// <summary>Replaces a data key's wrapping (master key rotation) if it is still wrapped by <paramref name="oldMasterKeyId"/>.</summary>
    public Task<bool> RewrapDataKeyAsync(string workspaceId, string oldMasterKeyId, WrappedDataKey rewrapped, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async c => await c.ExecuteAsync(Command(
            "UPDATE workspace_data_keys SET master_key_id = @MasterKeyId, wrapped_key = @WrappedKey, rotated_at = @at WHERE workspace_id = @workspaceId AND master_key_id = @oldMasterKeyId",
            new { workspaceId, oldMasterKeyId, rewrapped.MasterKeyId, rewrapped.WrappedKey, at = Ms(at) }, cancellationToken)) == 1, cancellationToken);

    /// <summary>Every wrapped data key (for a rotation that re-wraps them all).</summary>
    public Task<IReadOnlyList<WrappedDataKey>> DataKeysAsync(CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (IReadOnlyList<WrappedDataKey>)[.. await c.QueryAsync<WrappedDataKey>(Command(
            "SELECT workspace_id AS WorkspaceId, master_key_id AS MasterKeyId, wrapped_key AS WrappedKey FROM workspace_data_keys ORDER BY workspace_id", null, cancellationToken))],
        cancellationToken);

    /// <summary>Adds a provider key; false when the workspace already has one with this name.</summary>
    public Task<bool> CreateProviderKeyAsync(ProviderKey key, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("""
            INSERT INTO provider_keys (workspace_id, id, name, provider, base_url, models, secret, hint, created_at, timeout_ms, weight)
            VALUES (@WorkspaceId, @Id, @Name, @Provider, @BaseUrl, @models, @Secret, @Hint, @at, @timeout, @Weight) ON CONFLICT DO NOTHING
            """, new
            {
                key.WorkspaceId, key.Id, key.Name, key.Provider, key.BaseUrl, models = JsonSerializer.Serialize(key.Models), key.Secret, key.Hint, at = Ms(key.CreatedAt),
                timeout = key.Timeout is { } t ? (long)t.TotalMilliseconds : (long?)null, key.Weight,
            },
            cancellationToken)) == 1, cancellationToken);

    public Task<IReadOnlyList<ProviderKey>> ProviderKeysAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (IReadOnlyList<ProviderKey>)[.. (await c.QueryAsync<ProviderKeyRow>(Command($"{ProviderKeyColumns} WHERE workspace_id = @workspaceId ORDER BY created_at, id",
            new { workspaceId }, cancellationToken))).Select(r => r.ToKey())], cancellationToken);

    /// <summary>Replaces a provider key's secret (rotation at the provider); false when the workspace has no such key.</summary>
    public Task<bool> RotateProviderKeyAsync(string workspaceId, string id, string secret, string hint, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("UPDATE provider_keys SET secret = @secret, hint = @hint WHERE workspace_id = @workspaceId AND id = @id",
            new { workspaceId, id, secret, hint }, cancellationToken)) == 1, cancellationToken);

    /// <summary>Removes a provider key of this workspace; false when it has none by that id.</summary>
    public Task<bool> DeleteProviderKeyAsync(string workspaceId, string id, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("DELETE FROM provider_keys WHERE workspace_id = @workspaceId AND id = @id", new { workspaceId, id }, cancellationToken)) == 1, cancellationToken);

    public Task CreateGatewayKeyAsync(GatewayKey key, CancellationToken cancellationToken = default) => WithConnectionAsync(c => c.ExecuteAsync(Command("""
        INSERT INTO gateway_keys (workspace_id, id, name, prefix, key_hash, allowed_models, rpm, tpm, budget_nanos, created_at, expires_at, refuse_unpriced)
        VALUES (@WorkspaceId, @Id, @Name, @Prefix, @KeyHash, @models, @Rpm, @Tpm, @BudgetNanos, @at, @expires, @refuse)
        """, new
    {
        key.WorkspaceId, key.Id, key.Name, key.Prefix, key.KeyHash, models = key.AllowedModels is null ? null : JsonSerializer.Serialize(key.AllowedModels),
        key.Rpm, key.Tpm, key.BudgetNanos, at = Ms(key.CreatedAt), expires = key.ExpiresAt is { } e ? Ms(e) : (long?)null,
        refuse = key.RefuseUnpriced is { } refuse ? (refuse ? 1L : 0L) : (long?)null,
    }, cancellationToken)), cancellationToken);

    public Task<IReadOnlyList<GatewayKey>> GatewayKeysAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (IReadOnlyList<GatewayKey>)[.. (await c.QueryAsync<GatewayKeyRow>(Command($"{GatewayKeyColumns} WHERE workspace_id = @workspaceId ORDER BY created_at, id",
            new { workspaceId }, cancellationToken))).Select(r => r.ToKey())], cancellationToken);

    public Task<GatewayKey?> FindGatewayKeyAsync(string keyHash, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (await c.QuerySingleOrDefaultAsync<GatewayKeyRow>(Command($"{GatewayKeyColumns} WHERE key_hash = @keyHash", new { keyHash }, cancellationToken)))?.ToKey(),
        cancellationToken);

    /// <summary>Revokes a gateway key of this workspace; false when it has none by that id.</summary>
    public Task<bool> RevokeGatewayKeyAsync(string workspaceId, string id, DateTimeOffset at, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("UPDATE gateway_keys SET revoked_at = COALESCE(revoked_at, @at) WHERE workspace_id = @workspaceId AND id = @id",
            new { workspaceId, id, at = Ms(at) }, cancellationToken)) == 1, cancellationToken);

    /// <summary>
    /// Writes a batch of log rows in one transaction (an id already stored is skipped) and adds each new row to the
    /// daily usage rollup in the same transaction, so a retried batch counts nothing twice.
    /// </summary>
    public Task AppendGatewayLogsAsync(IReadOnlyList<GatewayLog> logs, CancellationToken cancellationToken = default) => InTransactionAsync(async (c, t) =>
    {
        var added = new List<GatewayLog>(logs.Count);
        foreach (var log in logs)
        {
            var inserted = await c.ExecuteAsync(Command("""
                INSERT INTO gateway_logs (workspace_id, id, at, key_id, endpoint, model_requested, model_served, upstream, status, stream, latency_ms, ttft_ms,
                    input_tokens, cached_tokens, output_tokens, reasoning_tokens, cost_nanos, rate_card, estimated, tenant_id, user_id, feature, error)
                VALUES (@WorkspaceId, @Id, @at, @KeyId, @Endpoint, @ModelRequested, @ModelServed, @Upstream, @Status, @stream, @LatencyMs, @TtftMs,
                    @InputTokens, @CachedTokens, @OutputTokens, @ReasoningTokens, @CostNanos, @RateCard, @estimated, @TenantId, @UserId, @Feature, @Error)
                ON CONFLICT DO NOTHING
                """, new
            {
                log.WorkspaceId, log.Id, at = Ms(log.At), log.KeyId, log.Endpoint, log.ModelRequested, log.ModelServed, log.Upstream, log.Status,
                stream = log.Stream ? 1 : 0, log.LatencyMs, log.TtftMs, log.InputTokens, log.CachedTokens, log.OutputTokens, log.ReasoningTokens,
                log.CostNanos, log.RateCard, estimated = log.Estimated ? 1 : 0, log.TenantId, log.UserId, log.Feature, log.Error,
            }, cancellationToken, t));
            if (inserted == 0) continue;
            added.Add(log);
            await c.ExecuteAsync(Command("""
                INSERT INTO gateway_usage (workspace_id, day, key_id, model, tenant_id, requests, errors, input_tokens, cached_tokens, output_tokens, cost_nanos, unpriced)
                VALUES (@WorkspaceId, @day, @KeyId, @model, @TenantId, 1, @errors, @InputTokens, @CachedTokens, @OutputTokens, @cost, @unpriced)
                ON CONFLICT (workspace_id, day, key_id, model, tenant_id) DO UPDATE SET
                    requests = gateway_usage.requests + 1, errors = gateway_usage.errors + excluded.errors,
                    input_tokens = gateway_usage.input_tokens + excluded.input_tokens, cached_tokens = gateway_usage.cached_tokens + excluded.cached_tokens,
                    output_tokens = gateway_usage.output_tokens + excluded.output_tokens, cost_nanos = gateway_usage.cost_nanos + excluded.cost_nanos,
                    unpriced = gateway_usage.unpriced + excluded.unpriced
                """, new
            {
                log.WorkspaceId, day = Ms(log.At) / 86_400_000 * 86_400_000, log.KeyId, model = log.ModelServed.Length > 0 ? log.ModelServed : log.ModelRequested,
                log.TenantId, errors = log.Status >= 400 ? 1 : 0, log.InputTokens, log.CachedTokens, log.OutputTokens, cost = log.CostNanos ?? 0,
                unpriced = log.CostNanos is null && log.InputTokens + log.OutputTokens > 0 ? 1 : 0,
            }, cancellationToken, t));
        }
        await AddAdvisorUsageAsync(c, t, added, cancellationToken);
        return 0;
    }, cancellationToken);

    /// <summary>Log rows of a workspace, newest first.</summary>
    public Task<IReadOnlyList<GatewayLog>> GatewayLogsAsync(string workspaceId, GatewayLogQuery query, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
    {
        var sql = """
            SELECT workspace_id AS WorkspaceId, id AS Id, at AS AtMs, key_id AS KeyId, endpoint AS Endpoint, model_requested AS ModelRequested,
                model_served AS ModelServed, upstream AS Upstream, status AS Status, stream AS StreamFlag, latency_ms AS LatencyMs, ttft_ms AS TtftMs,
                input_tokens AS InputTokens, cached_tokens AS CachedTokens, output_tokens AS OutputTokens, reasoning_tokens AS ReasoningTokens,
                cost_nanos AS CostNanos, rate_card AS RateCard, estimated AS EstimatedFlag, tenant_id AS TenantId, user_id AS UserId, feature AS Feature, error AS Error
            FROM gateway_logs WHERE workspace_id = @workspaceId AND at >= @from AND at < @to
            """;
        if (query.KeyId is not null) sql += " AND key_id = @KeyId";
        if (query.Model is not null) sql += " AND (model_requested = @Model OR model_served = @Model)";
        if (query.TenantId is not null) sql += " AND tenant_id = @TenantId";
        if (query.Before is not null) sql += " AND id < @Before";
        sql += " ORDER BY id DESC LIMIT @Limit";
        var rows = await c.QueryAsync<GatewayLogRow>(Command(sql, new { workspaceId, from = Ms(query.From), to = Ms(query.To), query.KeyId, query.Model, query.TenantId, query.Before, query.Limit }, cancellationToken));
        return (IReadOnlyList<GatewayLog>)[.. rows.Select(r => r.ToLog())];
    }, cancellationToken);

    private const string ProviderKeyColumns =
        "SELECT workspace_id AS WorkspaceId, id AS Id, name AS Name, provider AS Provider, base_url AS BaseUrl, models AS Models, secret AS Secret, hint AS Hint, created_at AS CreatedAt, timeout_ms AS TimeoutMs, weight AS Weight FROM provider_keys";

    private const string GatewayKeyColumns = """
        SELECT workspace_id AS WorkspaceId, id AS Id, name AS Name, prefix AS Prefix, key_hash AS KeyHash, allowed_models AS AllowedModels, rpm AS Rpm, tpm AS Tpm,
            budget_nanos AS BudgetNanos, created_at AS CreatedAt, expires_at AS ExpiresAt, revoked_at AS RevokedAt, refuse_unpriced AS RefuseUnpriced FROM gateway_keys
        """;

    private sealed record ProviderKeyRow(string WorkspaceId, string Id, string Name, string Provider, string BaseUrl, string Models, string Secret, string Hint, long CreatedAt, long? TimeoutMs, long Weight)
    {
        public ProviderKey ToKey() => new(WorkspaceId, Id, Name, Provider, BaseUrl, JsonSerializer.Deserialize<List<string>>(Models) ?? [], Secret, Hint, Time(CreatedAt))
        {
            Timeout = TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            Weight = (int)Weight,
        };
    }

    private sealed record GatewayKeyRow(string WorkspaceId, string Id, string Name, string Prefix, string KeyHash, string? AllowedModels, long? Rpm, long? Tpm,
        long? BudgetNanos, long CreatedAt, long? ExpiresAt, long? RevokedAt, long? RefuseUnpriced)
    {
        public GatewayKey ToKey() => new(WorkspaceId, Id, Name, Prefix, KeyHash, AllowedModels is null ? null : JsonSerializer.Deserialize<List<string>>(AllowedModels),
            Rpm, Tpm, BudgetNanos, Time(CreatedAt), ExpiresAt is { } e ? Time(e) : null, RevokedAt is { } r ? Time(r) : null)
        {
            RefuseUnpriced = RefuseUnpriced is { } refuse ? refuse != 0 : null,
        };
    }

    private sealed class GatewayLogRow
    {
        public string WorkspaceId { get; init; } = "";
        public string Id { get; init; } = "";
        public long AtMs { get; init; }
        public string KeyId { get; init; } = "";
        public string Endpoint { get; init; } = "";
        public string ModelRequested { get; init; } = "";
        public string ModelServed { get; init; } = "";
        public string Upstream { get; init; } = "";
        public long Status { get; init; }
        public long StreamFlag { get; init; }
        public double LatencyMs { get; init; }
        public double? TtftMs { get; init; }
        public long InputTokens { get; init; }
        public long CachedTokens { get; init; }
        public long OutputTokens { get; init; }
        public long ReasoningTokens { get; init; }
        public long? CostNanos { get; init; }
        public string? RateCard { get; init; }
        public long EstimatedFlag { get; init; }
        public string TenantId { get; init; } = "";
        public string UserId { get; init; } = "";
        public string Feature { get; init; } = "";
        public string? Error { get; init; }

        public GatewayLog ToLog() => new()
        {
            WorkspaceId = WorkspaceId, Id = Id, At = Time(AtMs), KeyId = KeyId, Endpoint = Endpoint, ModelRequested = ModelRequested, ModelServed = ModelServed,
            Upstream = Upstream, Status = (int)Status, Stream = StreamFlag != 0, LatencyMs = LatencyMs, TtftMs = TtftMs, InputTokens = InputTokens,
            CachedTokens = CachedTokens, OutputTokens = OutputTokens, ReasoningTokens = ReasoningTokens, CostNanos = CostNanos, RateCard = RateCard,
            Estimated = EstimatedFlag != 0, TenantId = TenantId, UserId = UserId, Feature = Feature, Error = Error,
        };
    }
}

public abstract partial class PanopticStore
{
    /// <summary>
    /// Counts one request against a key's minute and reserves <paramref name="tokens"/> (its estimated size) if it fits
    /// under both limits (requests before this one &lt; rpm, tokens so far + these ≤ tpm). One conditional update, so
    /// two servers never both take the last slot; the answer has the minute's counts after it, taken or not.
    /// </summary>
    public Task<GatewayWindow> TakeGatewayRequestAsync(string keyId, long minute, long rpm, long tpm, long tokens, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (c, t) =>
        {
            await c.ExecuteAsync(Command("INSERT INTO gateway_windows (key_id, minute, requests, tokens) VALUES (@keyId, @minute, 0, 0) ON CONFLICT DO NOTHING",
                new { keyId, minute }, cancellationToken, t));
            var taken = await c.ExecuteAsync(Command("""
                UPDATE gateway_windows SET requests = requests + 1, tokens = tokens + @tokens
                WHERE key_id = @keyId AND minute = @minute AND requests < @rpm AND tokens + @tokens <= @tpm
                """, new { keyId, minute, rpm, tpm, tokens }, cancellationToken, t)) == 1;
            var (requests, used) = await c.QuerySingleAsync<(long, long)>(Command("SELECT requests, tokens FROM gateway_windows WHERE key_id = @keyId AND minute = @minute",
                new { keyId, minute }, cancellationToken, t));
            return new GatewayWindow(taken, requests, used);
        }, cancellationToken);

    /// <summary>Adds to a minute's tokens what a request used beyond its reservation (a negative number gives back what it did not use).</summary>
    public Task AddGatewayTokensAsync(string keyId, long minute, long tokens, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("UPDATE gateway_windows SET tokens = tokens + @tokens WHERE key_id = @keyId AND minute = @minute", new { keyId, minute, tokens }, cancellationToken)),
        cancellationToken);

    /// <summary>Reserves <paramref name="nanos"/> of a key's budget for the period if spent + reserved + it stays within <paramref name="budgetNanos"/>.</summary>
    public Task<bool> ReserveGatewaySpendAsync(string keyId, long period, long nanos, long budgetNanos, CancellationToken cancellationToken = default) => InTransactionAsync(async (c, t) =>
    {
        await c.ExecuteAsync(Command("INSERT INTO gateway_spend (key_id, period, reserved_nanos, spent_nanos) VALUES (@keyId, @period, 0, 0) ON CONFLICT DO NOTHING",
            new { keyId, period }, cancellationToken, t));
        return await c.ExecuteAsync(Command("""
            UPDATE gateway_spend SET reserved_nanos = reserved_nanos + @nanos
            WHERE key_id = @keyId AND period = @period AND spent_nanos + reserved_nanos + @nanos <= @budgetNanos
            """, new { keyId, period, nanos, budgetNanos }, cancellationToken, t)) == 1;
    }, cancellationToken);

    /// <summary>Replaces a reservation with what the request actually cost.</summary>
    public Task SettleGatewaySpendAsync(string keyId, long period, long reservedNanos, long spentNanos, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("UPDATE gateway_spend SET reserved_nanos = reserved_nanos - @reservedNanos, spent_nanos = spent_nanos + @spentNanos WHERE key_id = @keyId AND period = @period",
            new { keyId, period, reservedNanos, spentNanos }, cancellationToken)), cancellationToken);

    /// <summary>A key's spend and reservations in a period.</summary>
    public Task<(long Spent, long Reserved)> GatewaySpendAsync(string keyId, long period, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.QuerySingleOrDefaultAsync<(long, long)>(Command("SELECT spent_nanos, reserved_nanos FROM gateway_spend WHERE key_id = @keyId AND period = @period",
            new { keyId, period }, cancellationToken)), cancellationToken);
}

public abstract partial class PanopticStore
{
    /// <summary>The models an alias tries in order, or null when the name is not an alias.</summary>
    public Task<IReadOnlyList<string>?> GatewayRouteAsync(string workspaceId, string alias, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.QuerySingleOrDefaultAsync<string>(Command("SELECT models FROM gateway_routes WHERE workspace_id = @workspaceId AND alias = @alias", new { workspaceId, alias }, cancellationToken))
            is { } models ? (IReadOnlyList<string>?)JsonSerializer.Deserialize<List<string>>(models) : null, cancellationToken);

    public Task<IReadOnlyList<(string Alias, IReadOnlyList<string> Models)>> GatewayRoutesAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        (IReadOnlyList<(string, IReadOnlyList<string>)>)[.. (await c.QueryAsync<(string Alias, string Models)>(Command(
            "SELECT alias, models FROM gateway_routes WHERE workspace_id = @workspaceId ORDER BY alias", new { workspaceId }, cancellationToken)))
            .Select(r => (r.Alias, (IReadOnlyList<string>)(JsonSerializer.Deserialize<List<string>>(r.Models) ?? [])))], cancellationToken);

    public Task SetGatewayRouteAsync(string workspaceId, string alias, IReadOnlyList<string> models, DateTimeOffset at, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("""
            INSERT INTO gateway_routes (workspace_id, alias, models, updated_at) VALUES (@workspaceId, @alias, @models, @at)
            ON CONFLICT (workspace_id, alias) DO UPDATE SET models = excluded.models, updated_at = excluded.updated_at
            """, new { workspaceId, alias, models = JsonSerializer.Serialize(models), at = Ms(at) }, cancellationToken)), cancellationToken);

    public Task<bool> DeleteGatewayRouteAsync(string workspaceId, string alias, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.ExecuteAsync(Command("DELETE FROM gateway_routes WHERE workspace_id = @workspaceId AND alias = @alias", new { workspaceId, alias }, cancellationToken)) == 1, cancellationToken);
}

public abstract partial class PanopticStore
{
    /// <summary>
    /// Gateway usage of a workspace from the daily rollup, grouped by one dimension (key, model, tenant or day), most
    /// expensive first; whole UTC days from <paramref name="from"/>'s day to the day before <paramref name="to"/>'s
    /// (or <paramref name="to"/>'s own day when it is not midnight).
    /// </summary>
    public Task<IReadOnlyList<GatewayUsageRow>> GatewayUsageAsync(string workspaceId, DateTimeOffset from, DateTimeOffset to, string groupBy, CancellationToken cancellationToken = default)
    {
        var key = groupBy switch
        {
            "key" => "key_id",
            "model" => "model",
            "tenant" => "tenant_id",
            "day" => "day",
            _ => throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, "key, model, tenant or day"),
        };
        var firstDay = Ms(from) / 86_400_000 * 86_400_000;
        var endDay = (Ms(to) + 86_400_000 - 1) / 86_400_000 * 86_400_000;
        return WithConnectionAsync(async c =>
        {
            var rows = await c.QueryAsync<UsageRow>(Command($"""
                SELECT CAST({key} AS TEXT) AS Key, CAST(SUM(requests) AS BIGINT) AS Requests, CAST(SUM(errors) AS BIGINT) AS Errors,
                    CAST(SUM(input_tokens) AS BIGINT) AS InputTokens, CAST(SUM(cached_tokens) AS BIGINT) AS CachedTokens,
                    CAST(SUM(output_tokens) AS BIGINT) AS OutputTokens, CAST(SUM(cost_nanos) AS BIGINT) AS CostNanos, CAST(SUM(unpriced) AS BIGINT) AS Unpriced
                FROM gateway_usage WHERE workspace_id = @workspaceId AND day >= @firstDay AND day < @endDay
                GROUP BY {key} ORDER BY CostNanos DESC, Key
                """, new { workspaceId, firstDay, endDay }, cancellationToken));
            return (IReadOnlyList<GatewayUsageRow>)[.. rows.Select(r => new GatewayUsageRow(
                groupBy == "day" ? Time(long.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : r.Key,
                r.Requests, r.Errors, r.InputTokens, r.CachedTokens, r.OutputTokens, r.CostNanos, r.Unpriced))];
        }, cancellationToken);
    }

    // A class, not a positional record: SQLite reports no column types for an empty result, and Dapper then needs a constructor it cannot find.
    private sealed class UsageRow
    {
        public string Key { get; init; } = "";
        public long Requests { get; init; }
        public long Errors { get; init; }
        public long InputTokens { get; init; }
        public long CachedTokens { get; init; }
        public long OutputTokens { get; init; }
        public long CostNanos { get; init; }
        public long Unpriced { get; init; }
    }

}

public abstract partial class PanopticStore
{
    public Task<GatewaySettings> GatewaySettingsAsync(string workspaceId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.QuerySingleOrDefaultAsync<SettingsRow>(Command("SELECT log_bodies AS LogBodies, redact AS Redact FROM gateway_settings WHERE workspace_id = @workspaceId",
            new { workspaceId }, cancellationToken)) is { } row
            ? new GatewaySettings(row.LogBodies != 0, JsonSerializer.Deserialize<List<string>>(row.Redact) ?? [])
            : GatewaySettings.Default, cancellationToken);

    private sealed record SettingsRow(long LogBodies, string Redact);

    public Task SetGatewaySettingsAsync(string workspaceId, GatewaySettings settings, DateTimeOffset at, CancellationToken cancellationToken = default) => WithConnectionAsync(c =>
        c.ExecuteAsync(Command("""
            INSERT INTO gateway_settings (workspace_id, log_bodies, redact, updated_at) VALUES (@workspaceId, @logBodies, @redact, @at)
            ON CONFLICT (workspace_id) DO UPDATE SET log_bodies = excluded.log_bodies, redact = excluded.redact, updated_at = excluded.updated_at
            """, new { workspaceId, logBodies = settings.LogBodies ? 1 : 0, redact = JsonSerializer.Serialize(settings.Redact), at = Ms(at) }, cancellationToken)), cancellationToken);

    public Task AppendGatewayBodiesAsync(IReadOnlyList<(string WorkspaceId, string LogId, GatewayBodies Bodies)> bodies, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (c, t) =>
        {
            foreach (var (workspaceId, logId, b) in bodies)
                await c.ExecuteAsync(Command("INSERT INTO gateway_bodies (workspace_id, log_id, request, response) VALUES (@workspaceId, @logId, @Request, @Response) ON CONFLICT DO NOTHING",
                    new { workspaceId, logId, b.Request, b.Response }, cancellationToken, t));
            return 0;
        }, cancellationToken);

    public Task<GatewayBodies?> GatewayBodiesAsync(string workspaceId, string logId, CancellationToken cancellationToken = default) => WithConnectionAsync(async c =>
        await c.QuerySingleOrDefaultAsync<GatewayBodies>(Command("SELECT request AS Request, response AS Response FROM gateway_bodies WHERE workspace_id = @workspaceId AND log_id = @logId",
            new { workspaceId, logId }, cancellationToken)), cancellationToken);
}
