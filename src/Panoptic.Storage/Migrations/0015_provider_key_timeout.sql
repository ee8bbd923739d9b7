-- A provider key's own upstream timeout (null: the server's GatewayUpstreamTimeout), for slow self-hosted models.
ALTER TABLE provider_keys ADD COLUMN timeout_ms BIGINT;
