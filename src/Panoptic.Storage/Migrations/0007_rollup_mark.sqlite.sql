-- SQLite has one writer, so the ledger's rowids grow in commit order: the last rowid folded into the rollups marks
-- every later event as pending, and ingestion no longer copies each event into cost_pending. Events already in the
-- ledger were queued there and are folded from it; the mark starts after them.
CREATE TABLE rollup_mark (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_row BIGINT NOT NULL
);
INSERT INTO rollup_mark (id, last_row) SELECT 1, COALESCE(MAX(rowid), 0) FROM cost_events;
