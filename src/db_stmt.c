/*
 * Every SQL statement innkeep runs, in one table: reviewed in one place,
 * prepared once per connection, always run with parameters.
 */
#include "config.h"

#include "db.h"
#include "sql_cols.h"

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
	/*
	 * Properties: every statement answers with PROPERTY_COLS, so one
	 * function reads them (property_view).
	 */
	[STMT_PROPERTY_INSERT] = { "property_insert",
	    "WITH p AS (INSERT INTO properties (owner_id, name, description, "
	    "address, city, country, price_per_night, currency, max_guests, "
	    "cancellation_policy) VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, "
	    "$8, $9::integer, $10) RETURNING *) "
	    "SELECT " PROPERTY_COLS " FROM p JOIN users u ON u.id = p.owner_id",
	    10 },
	/* The listing, and its 5 latest reviews as JSON (one round trip). */
	[STMT_PROPERTY_GET] = { "property_get",
	    "SELECT " PROPERTY_COLS ", (SELECT coalesce(json_agg(json_build_object("
	    "'id', r.id, 'rating', r.rating, 'comment', r.comment, "
	    "'created_at', " TS("r.created_at") ", 'reviewer', json_build_object("
	    "'id', ru.id, 'username', ru.username, 'display_name', "
	    "ru.display_name)) ORDER BY r.created_at DESC, r.id DESC), '[]') "
	    "FROM (SELECT * FROM reviews WHERE property_id = p.id "
	    "ORDER BY created_at DESC, id DESC LIMIT 5) r "
	    "JOIN users ru ON ru.id = r.reviewer_id) "
	    "FROM properties p JOIN users u ON u.id = p.owner_id "
	    "WHERE p.id = $1", 1 },
	/* A NULL parameter keeps the column: PATCH changes what it sends. */
	[STMT_PROPERTY_UPDATE] = { "property_update",
	    "WITH p AS (UPDATE properties SET name = coalesce($2, name), "
	    "description = coalesce($3, description), "
	    "address = coalesce($4, address), city = coalesce($5, city), "
	    "country = coalesce($6, country), "
	    "price_per_night = coalesce($7::numeric, price_per_night), "
	    "currency = coalesce($8, currency), "
	    "max_guests = coalesce($9::integer, max_guests), "
	    "cancellation_policy = coalesce($10, cancellation_policy), "
	    "is_listed = coalesce($11::boolean, is_listed) "
	    "WHERE id = $1 RETURNING *) "
	    "SELECT " PROPERTY_COLS " FROM p JOIN users u ON u.id = p.owner_id",
	    11 },
	/*
	 * Only a listing nobody ever booked goes; one with bookings keeps its
	 * history (STMT_PROPERTY_UNLIST).  A booking made meanwhile makes
	 * the DELETE fail on bookings_property_host_fkey: unlisted too.
	 */
	[STMT_PROPERTY_DELETE] = { "property_delete",
	    "DELETE FROM properties p WHERE p.id = $1 AND NOT EXISTS "
	    "(SELECT 1 FROM bookings b WHERE b.property_id = p.id) "
	    "RETURNING p.id", 1 },
	[STMT_PROPERTY_UNLIST] = { "property_unlist",
	    "UPDATE properties SET is_listed = false WHERE id = $1", 1 },
	/* The predicate of bookings_no_overlap, so that its index answers. */
	[STMT_PROPERTY_FREE] = { "property_free",
	    "SELECT NOT EXISTS (SELECT 1 FROM bookings b "
	    "WHERE b.property_id = $1 AND daterange(b.start_date, b.end_date, "
	    "'[)') && daterange($2::date, $3::date, '[)') "
	    "AND b.status IN ('pending', 'confirmed', 'completed'))", 3 },
	/* Stays with nights in [$2, $2 + 12 months): the calendar. */
	[STMT_PROPERTY_CALENDAR] = { "property_calendar",
	    "SELECT b.id, to_char(b.start_date, 'YYYY-MM-DD'), "
	    "to_char(b.end_date, 'YYYY-MM-DD'), "
	    "b.status = 'pending', " TS("b.updated_at") " FROM bookings b "
	    "WHERE b.property_id = $1 AND b.status IN ('pending', 'confirmed') "
	    "AND b.end_date > $2::date "
	    "AND b.start_date < ($2::date + interval '12 months')::date "
	    "ORDER BY b.start_date, b.id", 2 },
	/* A public profile's listings. */
	[STMT_USER_LISTINGS] = { "user_listings",
	    "SELECT id, name, city, country FROM properties "
	    "WHERE owner_id = $1 AND is_listed "
	    "ORDER BY created_at DESC, id DESC LIMIT 100", 1 },
};
