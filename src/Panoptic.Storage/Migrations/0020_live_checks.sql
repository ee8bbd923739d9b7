-- Live readiness checks of the deployed product, per workspace: the domains and URLs to check (one a line), how
-- often (daily by default), the resolver, and when the schedule runs next (pushed a lease ahead when a server claims
-- it, so two servers never run one workspace's checks at once).
CREATE TABLE live_check_settings (
    workspace_id  TEXT NOT NULL PRIMARY KEY,
    targets       TEXT NOT NULL,
    interval_ms   BIGINT NOT NULL,
    resolver      TEXT,
    updated_at    BIGINT NOT NULL,
    next_run_at   BIGINT NOT NULL,
    last_run_at   BIGINT
);
CREATE INDEX live_check_settings_due ON live_check_settings (next_run_at);

-- Every result of every run, with its time, so the readiness trend can show when a record or a header changed.
CREATE TABLE live_results (
    workspace_id  TEXT NOT NULL,
    run_id        TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    checked_at    BIGINT NOT NULL,
    target        TEXT NOT NULL,
    check_id      TEXT NOT NULL,
    status        TEXT NOT NULL,
    message       TEXT NOT NULL,
    readiness     TEXT,
    PRIMARY KEY (workspace_id, run_id, seq)
);
CREATE INDEX live_results_time ON live_results (workspace_id, checked_at);
