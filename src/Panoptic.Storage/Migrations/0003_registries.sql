-- Registries uploaded by `panoptic scan --push`: every upload is kept, so two scans can be compared.
CREATE TABLE registries (
    workspace_id TEXT NOT NULL,
    id           TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    project      TEXT NOT NULL,
    git_commit   TEXT,
    document     TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX registries_workspace_received ON registries (workspace_id, received_at);
