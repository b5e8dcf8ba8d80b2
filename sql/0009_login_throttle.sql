-- 0009_login_throttle.sql: counters for throttling failed logins.

CREATE TABLE login_attempts (
	-- What is throttled, e.g. 'account:alice' or 'addr:203.0.113.7'.
	key           text PRIMARY KEY
	              CONSTRAINT login_attempts_key_check CHECK (char_length(key) BETWEEN 1 AND 320),
	-- Failures since window_start.
	failed_count  integer NOT NULL DEFAULT 0
	              CONSTRAINT login_attempts_failed_count_check CHECK (failed_count >= 0),
	window_start  timestamptz NOT NULL DEFAULT now(),
	-- Logins for this key are refused (429) until then; NULL = not locked.
	locked_until  timestamptz
);
-- Purging stale counters.
CREATE INDEX login_attempts_window_idx ON login_attempts (window_start);

COMMENT ON TABLE login_attempts IS
	'Failed-login counters per account or client address (upsert with INSERT ... ON CONFLICT (key)); rows are disposable.';
