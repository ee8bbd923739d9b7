-- Opt-in request and response bodies for gateway logs (off by default), with the workspace's redaction patterns.
CREATE TABLE gateway_settings (
    workspace_id  TEXT PRIMARY KEY,
    log_bodies    BIGINT NOT NULL,
    redact        TEXT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE gateway_bodies (
    workspace_id  TEXT NOT NULL,
    log_id        TEXT NOT NULL,
    request       TEXT NOT NULL,
    response      TEXT NOT NULL,
    PRIMARY KEY (workspace_id, log_id)
);
