namespace Panoptic.Storage.Ledger;

/// <summary>The rollup tables: per UTC hour and per UTC day, keyed by every dimension a cost query groups or filters by.</summary>
public enum RollupGrain
{
    Hour,
    Day,
}

/// <summary>One rollup row: the key and the sums of the events that fall into it.</summary>
internal sealed class Rollup(long bucket, string provider, string model, string service, string feature, string tenantId, string userId)
{
    public long Bucket { get; } = bucket;
    public string Provider { get; } = provider;
    public string Model { get; } = model;
    public string Service { get; } = service;
    public string Feature { get; } = feature;
    public string TenantId { get; } = tenantId;
    public string UserId { get; } = userId;
    public long Events { get; private set; }
    public long Errors { get; private set; }
    public long Unpriced { get; private set; }
    public long CostNanos { get; private set; }
    public long InputTokens { get; private set; }
    public long OutputTokens { get; private set; }
    public long Requests { get; private set; }
    public double Units { get; private set; }

    public static long BucketOf(DateTimeOffset time, RollupGrain grain)
    {
        var ms = time.ToUnixTimeMilliseconds();
        var size = grain == RollupGrain.Hour ? 3_600_000L : 86_400_000L;
        return ms - (((ms % size) + size) % size);
    }

    /// <summary>
    /// The rollup rows of a set of newly inserted events, sorted by key: concurrent writers then lock rows in the same
    /// order, so two replicas upserting overlapping rollups cannot deadlock.
    /// </summary>
    public static List<Rollup> Of(IEnumerable<LedgerEvent> inserted, RollupGrain grain)
    {
        var rows = new Dictionary<(long, string, string, string, string, string, string), Rollup>();
        foreach (var e in inserted)
        {
            var key = (BucketOf(e.Timestamp, grain), e.Provider, e.Model, e.Service, e.Feature, e.TenantId, e.UserId);
            if (!rows.TryGetValue(key, out var row)) rows[key] = row = new Rollup(key.Item1, e.Provider, e.Model, e.Service, e.Feature, e.TenantId, e.UserId);
            row.Add(e);
        }
        return [.. rows.Values.OrderBy(r => r.Bucket).ThenBy(r => r.Provider, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal)
            .ThenBy(r => r.Service, StringComparer.Ordinal).ThenBy(r => r.Feature, StringComparer.Ordinal).ThenBy(r => r.TenantId, StringComparer.Ordinal)
            .ThenBy(r => r.UserId, StringComparer.Ordinal)];
    }

    private void Add(LedgerEvent e)
    {
        Events++;
        if (e.IsError) Errors++;
        if (e.CostSource == CostSource.Unpriced) Unpriced++;
        CostNanos += e.CostNanos ?? 0;
        InputTokens += e.InputTokens;
        OutputTokens += e.OutputTokens;
        Requests += e.Requests;
        Units += e.Units;
    }

    public static string Table(RollupGrain grain) => grain == RollupGrain.Hour ? "cost_rollups_hour" : "cost_rollups_day";

    /// <summary>The upsert of one rollup row; the same statement in SQLite and PostgreSQL.</summary>
    public static string UpsertSql(RollupGrain grain, string values) => $"""
        INSERT INTO {Table(grain)} (workspace_id, bucket, provider, model, service, feature, tenant_id, user_id,
            events, errors, unpriced, cost_nanos, input_tokens, output_tokens, requests, units)
        {values}
        ON CONFLICT (workspace_id, bucket, provider, model, service, feature, tenant_id, user_id) DO UPDATE SET
            events = {Table(grain)}.events + excluded.events,
            errors = {Table(grain)}.errors + excluded.errors,
            unpriced = {Table(grain)}.unpriced + excluded.unpriced,
            cost_nanos = {Table(grain)}.cost_nanos + excluded.cost_nanos,
            input_tokens = {Table(grain)}.input_tokens + excluded.input_tokens,
            output_tokens = {Table(grain)}.output_tokens + excluded.output_tokens,
            requests = {Table(grain)}.requests + excluded.requests,
            units = {Table(grain)}.units + excluded.units
        """;
}
