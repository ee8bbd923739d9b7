-- A provider key's share of its pool: the keys of one provider at one base URL that serve a model split its requests by weight.
ALTER TABLE provider_keys ADD COLUMN weight BIGINT NOT NULL DEFAULT 1;
