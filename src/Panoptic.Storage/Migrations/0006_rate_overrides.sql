-- A workspace's own prices (a negotiated discount, a self-hosted model), on top of the embedded rate card.
CREATE TABLE rate_overrides (
    workspace_id TEXT PRIMARY KEY,
    card         TEXT NOT NULL,
    version      TEXT NOT NULL,
    updated_at   BIGINT NOT NULL
);
