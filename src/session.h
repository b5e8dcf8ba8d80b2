/*
 * Who is asking: the browser session of the cookie, or the API token of
 * the Authorization header; CSRF checks; the session cookie.  Sessions
 * live in PostgreSQL (docs/accounts.md), only a hash of their token.
 */
#ifndef INNKEEP_SESSION_H
#define INNKEEP_SESSION_H

#include "db.h"

struct arena;
struct conf;
struct req;
struct resp;

#define SESSION_LIFETIME	(30 * 24 * 3600)	/* absolute */
#define SESSION_ANON_LIFETIME	(2 * 3600)		/* form sessions */

struct session {
	long long	 id;		/* 0: no session */
	long long	 user_id;	/* 0: nobody logged in */
	const char	*csrf;		/* the session's CSRF token */
	/* The user's own profile, loaded with the session (GET /me). */
	const char	*username;
	const char	*display_name;
	const char	*bio;
	const char	*created_at;
	const char	*email;
	int		 bearer;	/* authenticated by an API token */
	int		 bad_bearer;	/* a token was sent and refused */
};

/*
 * Fills s from the request: a bearer token, else the session cookie.
 * Costs one statement, none when the request carries neither.
 */
enum db_status	 session_load(struct db *, struct arena *, const struct req *,
		    const struct conf *, struct session *);
/*
 * Starts a session for user_id (0: anonymous, for the forms' CSRF token),
 * replacing the current one (no fixation), and sets the cookie.
 */
enum db_status	 session_start(struct db *, struct arena *, struct resp *,
		    const struct conf *, long long user_id, struct session *);
/* Ends the current session and expires the cookie. */
enum db_status	 session_end(struct db *, struct arena *, struct resp *,
		    const struct conf *, struct session *);
/* 1 when the request carries the session's CSRF token (field or header). */
int		 session_csrf_ok(const struct req *, const struct session *);
/* The cookie's name: __Host-session over HTTPS, else session. */
const char	*session_cookie_name(const struct conf *);

#endif
