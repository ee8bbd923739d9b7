-- Where each login attempt came from: the lockout is per email and address (a stranger's failures do not lock the
-- owner out), and failures per address are capped across all emails (one password sprayed over many accounts).
-- Attempts stored before this column existed have no address.
ALTER TABLE login_attempts ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX login_attempts_address_at ON login_attempts (address, at);
