-- The gateway's per-feature daily sums also count the requests that named no end user (no x-panoptic-user header
-- and no "user" field) and what they cost: a call no person waits for is one a worker made, the savings advisor's
-- sign that a feature could go through a provider's batch API. Rows written before this column existed count 0,
-- so older traffic never makes a feature look like a worker's.
ALTER TABLE gateway_feature_usage ADD COLUMN userless_requests BIGINT NOT NULL DEFAULT 0;
ALTER TABLE gateway_feature_usage ADD COLUMN userless_cost_nanos BIGINT NOT NULL DEFAULT 0;
