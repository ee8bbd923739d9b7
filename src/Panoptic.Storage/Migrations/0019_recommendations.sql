-- The savings advisor. Each ledger event is also folded (by the rollup job, like every rollup) into a per-day table
-- by provider, model and feature and by the size of its prompt and answer, so "how many gpt-4o calls were small, and
-- what did they cost" reads a few rows a day instead of every event. Bands: input_band lt1000 | lt4000 | ge4000 and
-- output_band lt100 | lt500 | ge500 (tokens). Events stored before this migration are not in it.
CREATE TABLE cost_rollups_shape_day (
    workspace_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    provider      TEXT NOT NULL,
    model         TEXT NOT NULL,
    feature       TEXT NOT NULL,
    input_band    TEXT NOT NULL,
    output_band   TEXT NOT NULL,
    events        BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (workspace_id, bucket, provider, model, feature, input_band, output_band)
);

-- Gateway traffic per UTC day, feature, model and whether it streamed, kept by the transaction that writes the log
-- rows (like gateway_usage): which features are never latency-bound.
CREATE TABLE gateway_feature_usage (
    workspace_id   TEXT NOT NULL,
    day            BIGINT NOT NULL,
    feature        TEXT NOT NULL,
    model          TEXT NOT NULL,
    stream         BIGINT NOT NULL,
    requests       BIGINT NOT NULL,
    input_tokens   BIGINT NOT NULL,
    cached_tokens  BIGINT NOT NULL,
    output_tokens  BIGINT NOT NULL,
    cost_nanos     BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, day, feature, model, stream)
);

-- Fingerprints of gateway requests whose workspace logs bodies, per UTC day: kind 'request' is the SHA-256 of the
-- whole request (an exact duplicate), kind 'prefix' of the prompt before its last message when that is long enough
-- to cache. first_cost_nanos is what the first request of the day cost: a response cache would have paid only that.
CREATE TABLE gateway_fingerprints (
    workspace_id      TEXT NOT NULL,
    day               BIGINT NOT NULL,
    kind              TEXT NOT NULL,
    hash              TEXT NOT NULL,
    model             TEXT NOT NULL,
    feature           TEXT NOT NULL,
    prefix_chars      BIGINT NOT NULL,
    requests          BIGINT NOT NULL,
    cost_nanos        BIGINT NOT NULL,
    first_cost_nanos  BIGINT NOT NULL,
    cached_tokens     BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, day, kind, hash)
);
-- Only repeats matter to the advisor; most fingerprints are seen once.
CREATE INDEX gateway_fingerprints_repeats ON gateway_fingerprints (workspace_id, day) WHERE requests > 1;

-- The advisor's answer, computed on demand and kept per workspace, UTC day and window.
CREATE TABLE recommendations (
    workspace_id  TEXT NOT NULL,
    day           BIGINT NOT NULL,
    window_days   BIGINT NOT NULL,
    computed_at   BIGINT NOT NULL,
    document      TEXT NOT NULL,
    PRIMARY KEY (workspace_id, day, window_days)
);
