-- Alerts: one row per crossing (the dedupe key is unique per workspace, so a crossing alerts once however many
-- servers evaluate it), delivered to the workspace's webhook with retries.
CREATE TABLE alert_settings (
    workspace_id TEXT PRIMARY KEY,
    webhook_url  TEXT
);

CREATE TABLE alerts (
    workspace_id    TEXT NOT NULL,
    id              TEXT NOT NULL,
    dedupe_key      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    message         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, dedupe_key)
);
CREATE INDEX alerts_undelivered ON alerts (next_attempt_at) WHERE delivered_at IS NULL;
