-- Gateway usage per workspace, UTC day, gateway key, model served and tenant, kept by the same transaction that writes
-- the log rows, so usage queries read a few rows per day instead of every request.
CREATE TABLE gateway_usage (
    workspace_id   TEXT NOT NULL,
    day            BIGINT NOT NULL,
    key_id         TEXT NOT NULL,
    model          TEXT NOT NULL,
    tenant_id      TEXT NOT NULL,
    requests       BIGINT NOT NULL,
    errors         BIGINT NOT NULL,
    input_tokens   BIGINT NOT NULL,
    cached_tokens  BIGINT NOT NULL,
    output_tokens  BIGINT NOT NULL,
    cost_nanos     BIGINT NOT NULL,
    unpriced       BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, day, key_id, model, tenant_id)
);
