-- 0002_users.sql: accounts.

CREATE TABLE users (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	-- Lower case only, so a plain unique constraint is already case-insensitive and
	-- /users/{username} needs no case folding. No '@': a login name that contains
	-- '@' is an e-mail address, never a username.
	username      text NOT NULL
	              CONSTRAINT users_username_key UNIQUE
	              CONSTRAINT users_username_check CHECK (username ~ '^[a-z0-9_]{3,32}$'),
	-- Stored as typed (the user sees their own spelling); unique case-insensitively
	-- through users_email_lower_key below. The check is only a sanity check (one '@',
	-- something on each side, no spaces, RFC 5321 length); proving an address exists
	-- is the mailer's business.
	email         text NOT NULL
	              CONSTRAINT users_email_check
	              CHECK (char_length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
	-- An Argon2id string from libsodium's crypto_pwhash_str ("$argon2id$v=19$..."):
	-- the prefix check makes storing a plain-text password impossible by mistake.
	password_hash text NOT NULL
	              CONSTRAINT users_password_hash_check
	              CHECK (password_hash LIKE '$argon2id$%' AND char_length(password_hash) <= 255),
	display_name  text NOT NULL DEFAULT ''
	              CONSTRAINT users_display_name_check CHECK (char_length(display_name) <= 100),
	bio           text NOT NULL DEFAULT ''
	              CONSTRAINT users_bio_check CHECK (char_length(bio) <= 5000),
	is_active     boolean NOT NULL DEFAULT true,
	is_admin      boolean NOT NULL DEFAULT false,
	created_at    timestamptz NOT NULL DEFAULT now(),
	updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Case-insensitive uniqueness of e-mail addresses (Bob@x.org and bob@x.org are one
-- mailbox in practice). Look users up with lower(email) = lower($1) to use it.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
	FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE users IS
	'Accounts. Never deleted once they own listings or have bookings (foreign keys are NO ACTION); deactivate with is_active = false.';
COMMENT ON COLUMN users.username IS '3-32 of a-z 0-9 _ ; unique (users_username_key).';
COMMENT ON COLUMN users.email IS 'As typed; unique on lower(email) (users_email_lower_key).';
COMMENT ON COLUMN users.password_hash IS 'Argon2id string from crypto_pwhash_str; never sent to clients.';
COMMENT ON COLUMN users.is_active IS 'false: the account cannot log in and its tokens are refused.';
