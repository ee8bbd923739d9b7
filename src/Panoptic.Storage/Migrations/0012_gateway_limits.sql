-- Gateway limits that hold across servers: requests and tokens per key per minute, and each key's spend per month
-- with the cost reserved by requests in flight (reserved before forwarding, settled after), so concurrent requests
-- cannot push a key past its budget.
CREATE TABLE gateway_windows (
    key_id    TEXT NOT NULL,
    minute    BIGINT NOT NULL,
    requests  BIGINT NOT NULL,
    tokens    BIGINT NOT NULL,
    PRIMARY KEY (key_id, minute)
);

CREATE TABLE gateway_spend (
    key_id          TEXT NOT NULL,
    period          BIGINT NOT NULL,
    reserved_nanos  BIGINT NOT NULL,
    spent_nanos     BIGINT NOT NULL,
    PRIMARY KEY (key_id, period)
);
