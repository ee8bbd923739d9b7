-- Cost sources: where a workspace's billed figures come from (a provider's admin API, Langfuse, or uploaded CSV).
-- The key is stored encrypted under the workspace's data key, like a gateway provider key; hint is its masked form.
-- lease_until keeps two servers from syncing one source at once; next_run_at is when the schedule runs it next.
CREATE TABLE cost_sources (
    workspace_id     TEXT NOT NULL,
    id               TEXT NOT NULL,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    base_url         TEXT NOT NULL,
    secret           TEXT,
    hint             TEXT,
    public_key       TEXT,
    interval_ms      BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    next_run_at      BIGINT NOT NULL,
    lease_until      BIGINT,
    last_attempt_at  BIGINT,
    last_success_at  BIGINT,
    last_error       TEXT,
    last_error_at    BIGINT,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, name)
);
CREATE INDEX cost_sources_due ON cost_sources (next_run_at);

-- What a source says was billed, per UTC day, provider (the ledger's names), model ('' when the source does not say)
-- and line item. An import replaces whole days of one source, so re-importing a day never counts it twice.
-- Money in nano-dollars, like the ledger.
CREATE TABLE billed_costs (
    workspace_id   TEXT NOT NULL,
    source_id      TEXT NOT NULL,
    day            BIGINT NOT NULL,
    provider       TEXT NOT NULL,
    model          TEXT NOT NULL,
    description    TEXT NOT NULL,
    cost_nanos     BIGINT NOT NULL,
    input_tokens   BIGINT NOT NULL,
    output_tokens  BIGINT NOT NULL,
    requests       BIGINT NOT NULL,
    imported_at    BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, source_id, day, provider, model, description)
);
CREATE INDEX billed_costs_day ON billed_costs (workspace_id, day);

-- The days each source has imported (with or without spend), so an empty day reads as $0 billed rather than unknown.
CREATE TABLE billed_days (
    workspace_id  TEXT NOT NULL,
    source_id     TEXT NOT NULL,
    day           BIGINT NOT NULL,
    imported_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, source_id, day)
);

-- Per workspace: the drift (percent of billed, and at least min dollars) that raises an alert, and whether budgets
-- and projections use billed figures where a source has them.
CREATE TABLE reconciliation_settings (
    workspace_id        TEXT PRIMARY KEY,
    drift_percent       DOUBLE PRECISION,
    drift_min_usd       DOUBLE PRECISION NOT NULL,
    budgets_use_billed  BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
