/*
 * Every SQL statement innkeep runs, in one table: reviewed in one place,
 * prepared once per connection, always run with parameters.
 */
#include "config.h"

#include "db.h"

/* Timestamps leave the database as RFC 3339 in UTC (contract §4). */
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', " \
	"'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
/* The columns of a user as its owner sees it, in view order. */
#define USER_OWN "id, username, display_name, bio, " TS("created_at") \
	", email, is_active"
/* A failed login's new count: a window older than 15 minutes restarts. */
#define FAILS "(CASE WHEN a.window_start < now() - interval '15 minutes' " \
	"THEN 1 ELSE a.failed_count + 1 END)"

const struct db_stmt_def db_stmts[STMT__MAX] = {
	[STMT_PING] = { "ping", "SELECT 1", 0 },
	/* How many of the given migrations are recorded as applied. */
	[STMT_MIGRATIONS_APPLIED] = { "migrations_applied",
	    "SELECT count(*) FROM schema_migrations "
	    "WHERE version = ANY ($1::text[])", 1 },

	/*
	 * The session of a cookie, with its user: one indexed read.  The
	 * last column says last_seen_at is 5 minutes old: then, and only
	 * then, STMT_SESSION_TOUCH writes.
	 */
	[STMT_SESSION_LOAD] = { "session_load",
	    "SELECT s.id, s.csrf_token, u.id, u.username, u.display_name, "
	    "u.bio, " TS("u.created_at") ", u.email, "
	    "s.last_seen_at < now() - interval '5 minutes' "
	    "FROM sessions s LEFT JOIN users u ON u.id = s.user_id "
	    "AND u.is_active WHERE s.token_hash = $1::bytea "
	    "AND s.expires_at > now() "
	    "AND s.last_seen_at > now() - interval '7 days'", 1 },
	[STMT_SESSION_TOUCH] = { "session_touch",
	    "UPDATE sessions SET last_seen_at = now() WHERE id = $1", 1 },
	[STMT_SESSION_CREATE] = { "session_create",
	    "INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at) "
	    "VALUES ($1, $2::bytea, $3, now() + make_interval(secs => $4)) "
	    "RETURNING id", 4 },
	[STMT_SESSION_DELETE] = { "session_delete",
	    "DELETE FROM sessions WHERE id = $1", 1 },
	[STMT_SESSION_DELETE_OTHERS] = { "session_delete_others",
	    "DELETE FROM sessions WHERE user_id = $1 AND id <> $2", 2 },
	[STMT_SESSION_PURGE] = { "session_purge",
	    "DELETE FROM sessions WHERE expires_at < now() "
	    "OR last_seen_at < now() - interval '7 days'", 0 },
	/*
	 * A bearer token's user; the last columns say last_used_at needs
	 * STMT_TOKEN_TOUCH (at most once a minute).
	 */
	[STMT_TOKEN_AUTH] = { "token_auth",
	    "SELECT t.id, NULL, u.id, u.username, u.display_name, u.bio, "
	    TS("u.created_at") ", u.email, "
	    "t.last_used_at IS NULL OR "
	    "t.last_used_at < now() - interval '1 minute' "
	    "FROM api_tokens t JOIN users u ON u.id = t.user_id "
	    "AND u.is_active WHERE t.token_hash = $1::bytea "
	    "AND t.revoked_at IS NULL", 1 },
	[STMT_TOKEN_TOUCH] = { "token_touch",
	    "UPDATE api_tokens SET last_used_at = now() WHERE id = $1", 1 },

	[STMT_USER_INSERT] = { "user_insert",
	    "INSERT INTO users (username, email, password_hash, display_name) "
	    "VALUES ($1, $2, $3, $4) RETURNING " USER_OWN, 4 },
	[STMT_USER_BY_LOGIN] = { "user_by_login",
	    "SELECT id, password_hash, is_active FROM users "
	    "WHERE username = lower($1) OR lower(email) = lower($1) "
	    "ORDER BY username = lower($1) DESC LIMIT 1", 1 },
	[STMT_USER_REHASH] = { "user_rehash",
	    "UPDATE users SET password_hash = $2 WHERE id = $1", 2 },
	[STMT_USER_GET] = { "user_get",
	    "SELECT " USER_OWN ", password_hash FROM users WHERE id = $1", 1 },
	[STMT_USER_PUBLIC] = { "user_public",
	    "SELECT id, username, display_name, bio, " TS("created_at")
	    " FROM users WHERE username = $1 AND is_active", 1 },
	/* NULL parameters keep the column as it is. */
	[STMT_USER_UPDATE] = { "user_update",
	    "UPDATE users SET display_name = coalesce($2, display_name), "
	    "bio = coalesce($3, bio), email = coalesce($4, email), "
	    "password_hash = coalesce($5, password_hash) "
	    "WHERE id = $1 RETURNING " USER_OWN, 5 },
	[STMT_TOKEN_CREATE] = { "token_create",
	    "INSERT INTO api_tokens (user_id, name, token_hash) "
	    "VALUES ($1, $2, $3::bytea) RETURNING id, name, "
	    TS("created_at") ", " TS("last_used_at"), 3 },
	/* Newest first; the cursor is the last id seen. */
	[STMT_TOKEN_LIST] = { "token_list",
	    "SELECT id, name, " TS("created_at") ", " TS("last_used_at")
	    " FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL "
	    "AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3",
	    3 },
	[STMT_TOKEN_REVOKE] = { "token_revoke",
	    "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 "
	    "AND user_id = $2 AND revoked_at IS NULL RETURNING id", 2 },
	/* The longer lock of the account's and the address's, in seconds. */
	[STMT_THROTTLE_CHECK] = { "throttle_check",
	    "SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int "
	    "FROM login_attempts WHERE key IN ($1, $2) "
	    "AND locked_until > now()", 2 },
	/* $2 is the key's limit: from it on, 30 s doubling, 15 min at most. */
	[STMT_THROTTLE_FAIL] = { "throttle_fail",
	    "INSERT INTO login_attempts AS a (key, failed_count, window_start) "
	    "VALUES ($1, 1, now()) ON CONFLICT (key) DO UPDATE SET "
	    "failed_count = " FAILS ", "
	    "window_start = CASE WHEN a.window_start < now() - "
	    "interval '15 minutes' THEN now() ELSE a.window_start END, "
	    "locked_until = CASE WHEN " FAILS " >= $2::int THEN now() + "
	    "least(interval '15 minutes', interval '30 seconds' * "
	    "power(2, least(" FAILS " - $2::int, 10))) "
	    "ELSE a.locked_until END", 2 },
	[STMT_THROTTLE_CLEAR] = { "throttle_clear",
	    "DELETE FROM login_attempts WHERE key = $1", 1 },
};
