-- The cost ledger: one row per event, idempotent on (workspace_id, id). Each new event also gets a row in
-- cost_pending, in the same transaction; a background job folds pending rows into the rollups in bulk (thousands of
-- events per upsert instead of one) and deletes them. Queries read rollups plus the pending tail, so they are exact.
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

CREATE TABLE cost_pending (
    workspace_id  TEXT NOT NULL,
    ts            BIGINT NOT NULL,
    provider      TEXT NOT NULL,
    model         TEXT NOT NULL,
    service       TEXT NOT NULL,
    feature       TEXT NOT NULL,
    tenant_id     TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL
);
-- No index: rows live for about a second, and every index would cost each ingested event another write.

-- Narrow rollups, per hour and per day: few rows, so most questions (spend by provider, model, feature, tenant) read
-- hundreds of rows a month, not hundreds of thousands.
CREATE TABLE cost_rollups_model_hour (
    workspace_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    provider      TEXT NOT NULL,
    model         TEXT NOT NULL,
    events        BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (workspace_id, bucket, provider, model)
);

CREATE TABLE cost_rollups_model_day (
    workspace_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    provider      TEXT NOT NULL,
    model         TEXT NOT NULL,
    events        BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (workspace_id, bucket, provider, model)
);

CREATE TABLE cost_rollups_feature_hour (
    workspace_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    service       TEXT NOT NULL,
    feature       TEXT NOT NULL,
    events        BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (workspace_id, bucket, service, feature)
);

CREATE TABLE cost_rollups_feature_day (
    workspace_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    service       TEXT NOT NULL,
    feature       TEXT NOT NULL,
    events        BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (workspace_id, bucket, service, feature)
);

CREATE TABLE cost_rollups_tenant_hour (
    workspace_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    tenant_id     TEXT NOT NULL,
    events        BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (workspace_id, bucket, tenant_id)
);

CREATE TABLE cost_rollups_tenant_day (
    workspace_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    tenant_id     TEXT NOT NULL,
    events        BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (workspace_id, bucket, tenant_id)
);

-- Every dimension but the user, per day: for questions that combine them (one tenant's spend by feature).
CREATE TABLE cost_rollups_wide_day (
    workspace_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    provider      TEXT NOT NULL,
    model         TEXT NOT NULL,
    service       TEXT NOT NULL,
    feature       TEXT NOT NULL,
    tenant_id     TEXT NOT NULL,
    events        BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (workspace_id, bucket, provider, model, service, feature, tenant_id)
);

-- Per day, by tenant, user and provider: who in which customer spends.
CREATE TABLE cost_rollups_user_day (
    workspace_id  TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    tenant_id     TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    provider      TEXT NOT NULL,
    events        BIGINT NOT NULL,
    errors        BIGINT NOT NULL,
    unpriced      BIGINT NOT NULL,
    cost_nanos    BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    requests      BIGINT NOT NULL,
    units         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (workspace_id, bucket, tenant_id, user_id, provider)
);
