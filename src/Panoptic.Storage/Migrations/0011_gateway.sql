-- The LLM gateway. Provider keys are stored encrypted (AES-256-GCM) under a per-workspace data key, which is itself
-- stored wrapped by a master key from the server's configuration (master_key_id says which, for rotation). Gateway
-- keys are stored as their SHA-256 with a visible prefix, like ingestion keys. Every request is logged; the logs
-- carry no bodies.
CREATE TABLE workspace_data_keys (
    workspace_id   TEXT PRIMARY KEY,
    master_key_id  TEXT NOT NULL,
    wrapped_key    TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    rotated_at     BIGINT
);

CREATE TABLE provider_keys (
    workspace_id  TEXT NOT NULL,
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    provider      TEXT NOT NULL,
    base_url      TEXT NOT NULL,
    models        TEXT NOT NULL,
    secret        TEXT NOT NULL,
    hint          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, name)
);

CREATE TABLE gateway_keys (
    workspace_id    TEXT NOT NULL,
    id              TEXT NOT NULL,
    name            TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    key_hash        TEXT NOT NULL UNIQUE,
    allowed_models  TEXT,
    rpm             BIGINT,
    tpm             BIGINT,
    budget_nanos    BIGINT,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT,
    revoked_at      BIGINT,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE gateway_logs (
    workspace_id     TEXT NOT NULL,
    id               TEXT NOT NULL,
    at               BIGINT NOT NULL,
    key_id           TEXT NOT NULL,
    endpoint         TEXT NOT NULL,
    model_requested  TEXT NOT NULL,
    model_served     TEXT NOT NULL,
    upstream         TEXT NOT NULL,
    status           BIGINT NOT NULL,
    stream           BIGINT NOT NULL,
    latency_ms       DOUBLE PRECISION NOT NULL,
    ttft_ms          DOUBLE PRECISION,
    input_tokens     BIGINT NOT NULL,
    cached_tokens    BIGINT NOT NULL,
    output_tokens    BIGINT NOT NULL,
    reasoning_tokens BIGINT NOT NULL,
    cost_nanos       BIGINT,
    rate_card        TEXT,
    estimated        BIGINT NOT NULL,
    tenant_id        TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    feature          TEXT NOT NULL,
    error            TEXT,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX gateway_logs_time ON gateway_logs (workspace_id, at);
