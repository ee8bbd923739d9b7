-- The cost ledger: one row per event, idempotent on (workspace_id, id), and rollups per hour and per day that
-- ingestion updates in the same transaction, so cost queries read rollups, never millions of events.
-- Money is in nano-dollars (1e-9 USD) as BIGINT: exact sums, no floating-point drift, ample range.
CREATE TABLE cost_events (
    workspace_id        TEXT NOT NULL,
    id                  TEXT NOT NULL,
    ts                  BIGINT NOT NULL,
    received_at         BIGINT NOT NULL,
    provider            TEXT NOT NULL,
    service             TEXT NOT NULL,
    model               TEXT NOT NULL,
    operation           TEXT NOT NULL,
    tenant_id           TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    feature             TEXT NOT NULL,
    attributes          TEXT,
    input_tokens        BIGINT NOT NULL,
    output_tokens       BIGINT NOT NULL,
    cached_input_tokens BIGINT NOT NULL,
    reasoning_tokens    BIGINT NOT NULL,
    requests            BIGINT NOT NULL,
    bytes               BIGINT NOT NULL,
    units               DOUBLE PRECISION NOT NULL,
    cost_nanos          BIGINT,
    cost_source         TEXT NOT NULL,
    rate_card           TEXT,
    total_ms            DOUBLE PRECISION,
    execution_ms        DOUBLE PRECISION,
    overhead_ms         DOUBLE PRECISION,
    status              TEXT NOT NULL,
    error               TEXT,
    trace_id            TEXT,
    span_id             TEXT,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX cost_events_workspace_ts ON cost_events (workspace_id, ts);

CREATE TABLE cost_rollups_hour (
    workspace_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    provider      TEXT NOT NULL,
    model         TEXT NOT NULL,
    service       TEXT NOT NULL,
    feature       TEXT NOT NULL,
    tenant_id     TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    events        BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (workspace_id, bucket, provider, model, service, feature, tenant_id, user_id)
);

CREATE TABLE cost_rollups_day (
    workspace_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    provider      TEXT NOT NULL,
    model         TEXT NOT NULL,
    service       TEXT NOT NULL,
    feature       TEXT NOT NULL,
    tenant_id     TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    events        BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (workspace_id, bucket, provider, model, service, feature, tenant_id, user_id)
);
