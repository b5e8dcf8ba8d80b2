-- 0007_sessions_tokens.sql: browser sessions and personal API tokens. Only hashes of
-- the secret values are stored; a database dump does not let anyone log in.

CREATE TABLE sessions (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	-- NULL for an anonymous session: the login and sign-up forms need a CSRF token
	-- before anybody is logged in (api.md section 3). Login rotates the session.
	user_id       bigint CONSTRAINT sessions_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
	-- SHA-256 (or BLAKE2b-256) of the cookie value: 32 bytes.
	token_hash    bytea NOT NULL CONSTRAINT sessions_token_hash_key UNIQUE
	              CONSTRAINT sessions_token_hash_check CHECK (octet_length(token_hash) = 32),
	-- Sent to the client in forms and the X-CSRF-Token header, so stored as is.
	csrf_token    text NOT NULL
	              CONSTRAINT sessions_csrf_token_check CHECK (char_length(csrf_token) BETWEEN 16 AND 128),
	created_at    timestamptz NOT NULL DEFAULT now(),
	last_seen_at  timestamptz NOT NULL DEFAULT now(),
	expires_at    timestamptz NOT NULL
);
-- Purging expired sessions, and revoking all sessions of a user (password change).
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE user_id IS NOT NULL;

COMMENT ON TABLE sessions IS
	'Browser sessions; the cookie holds a random token, this table its 32-byte hash. Deleted with their user.';
COMMENT ON COLUMN sessions.user_id IS 'NULL for an anonymous session (CSRF token for login/sign-up forms).';
COMMENT ON COLUMN sessions.token_hash IS '32-byte hash of the cookie token; look up by hash.';

CREATE TABLE api_tokens (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id       bigint NOT NULL CONSTRAINT api_tokens_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
	name          text NOT NULL
	              CONSTRAINT api_tokens_name_check
	              CHECK (char_length(name) BETWEEN 1 AND 100 AND name ~ '[^[:space:]]'),
	token_hash    bytea NOT NULL CONSTRAINT api_tokens_token_hash_key UNIQUE
	              CONSTRAINT api_tokens_token_hash_check CHECK (octet_length(token_hash) = 32),
	created_at    timestamptz NOT NULL DEFAULT now(),
	last_used_at  timestamptz,
	-- Set by DELETE /me/tokens/{id} if the row is kept; a revoked token is refused.
	revoked_at    timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC, id DESC);

COMMENT ON TABLE api_tokens IS
	'Personal API tokens (Authorization: Bearer). The value is shown once; only its 32-byte hash is kept. Deleted with their user.';
COMMENT ON COLUMN api_tokens.revoked_at IS 'Non-NULL: the token no longer authenticates.';
