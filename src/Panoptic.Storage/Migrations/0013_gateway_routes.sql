-- Gateway aliases: a name clients use ("fast") and the models it tries, in order (fallbacks).
CREATE TABLE gateway_routes (
    workspace_id  TEXT NOT NULL,
    alias         TEXT NOT NULL,
    models        TEXT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, alias)
);
