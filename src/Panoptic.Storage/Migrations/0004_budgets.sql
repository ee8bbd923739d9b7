-- Budgets: a limit per workspace, provider, tenant or feature, in US dollars or in usage units ("3,000 emails"),
-- for each calendar month or for one custom period.
CREATE TABLE budgets (
    workspace_id TEXT NOT NULL,
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL,
    scope_value  TEXT NOT NULL,
    period       TEXT NOT NULL,
    starts_at    BIGINT,
    ends_at      BIGINT,
    amount       DOUBLE PRECISION NOT NULL,
    unit         TEXT NOT NULL,
    thresholds   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
