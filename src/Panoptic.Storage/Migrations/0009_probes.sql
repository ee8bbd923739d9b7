-- Health probes: what to check for each connection of a workspace, when it runs next (servers claim due probes by
-- moving next_run_at, so several servers never probe one target twice), its current state, and per-minute results
-- (checks, failures, latency in the service graph's 17 buckets) for availability, percentiles and SLO arithmetic.
CREATE TABLE probes (
    workspace_id          TEXT NOT NULL,
    id                    TEXT NOT NULL,
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    target                TEXT NOT NULL,
    expected_status       BIGINT,
    interval_ms           BIGINT NOT NULL,
    timeout_ms            BIGINT NOT NULL,
    slo_availability      DOUBLE PRECISION NOT NULL,
    slo_latency_ms        DOUBLE PRECISION NOT NULL,
    created_at            BIGINT NOT NULL,
    next_run_at           BIGINT NOT NULL,
    status                TEXT NOT NULL,
    status_since          BIGINT NOT NULL,
    last_checked_at       BIGINT,
    last_error            TEXT,
    consecutive_failures  BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, name)
);
CREATE INDEX probes_due ON probes (next_run_at);

CREATE TABLE probe_minutes (
    workspace_id  TEXT NOT NULL,
    probe_id      TEXT NOT NULL,
    minute        BIGINT NOT NULL,
    checks        BIGINT NOT NULL,
    failures      BIGINT NOT NULL,
    seconds       DOUBLE PRECISION NOT NULL,
    b0            BIGINT NOT NULL,
    b1            BIGINT NOT NULL,
    b2            BIGINT NOT NULL,
    b3            BIGINT NOT NULL,
    b4            BIGINT NOT NULL,
    b5            BIGINT NOT NULL,
    b6            BIGINT NOT NULL,
    b7            BIGINT NOT NULL,
    b8            BIGINT NOT NULL,
    b9            BIGINT NOT NULL,
    b10           BIGINT NOT NULL,
    b11           BIGINT NOT NULL,
    b12           BIGINT NOT NULL,
    b13           BIGINT NOT NULL,
    b14           BIGINT NOT NULL,
    b15           BIGINT NOT NULL,
    b16           BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, probe_id, minute)
);
