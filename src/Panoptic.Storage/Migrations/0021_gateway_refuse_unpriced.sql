-- Whether a gateway key refuses models without a price (null: it does when it has a budget, which an unpriced model would bypass).
ALTER TABLE gateway_keys ADD COLUMN refuse_unpriced BIGINT;
