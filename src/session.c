/*
 * Sessions and bearer tokens (see session.h).  The struct session lives in
 * the request's arena; tokens never reach the logs or the database in
 * clear.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "auth.h"
#include "conf.h"
#include "req.h"
#include "resp.h"
#include "session.h"

const char *
session_cookie_name(const struct conf *c)
{
	return c->secure_cookies ? "__Host-session" : "session";
}

static void
session_cookie(struct resp *rs, const struct conf *c, const char *token,
    long max_age)
{
	char	 v[256];

	snprintf(v, sizeof(v), "%s=%s; Path=/; Max-Age=%ld; HttpOnly; "
	    "SameSite=Lax%s", session_cookie_name(c), token, max_age,
	    c->secure_cookies ? "; Secure" : "");
	resp_header(rs, "Set-Cookie", v);
}

static const char *
bearer_of(const struct req *r)
{
	if (strncasecmp(r->auth, "Bearer ", 7) != 0)
		return NULL;
	return r->auth + 7;
}

/*
 * STMT_SESSION_LOAD and STMT_TOKEN_AUTH answer the same columns: the
 * session's or token's id, the CSRF token (NULL for tokens), the user's
 * id, username, display name, bio, created_at and e-mail, and whether the
 * row's last-use time is due for a refresh.
 */
enum { C_ID, C_CSRF, C_USER, C_USERNAME, C_DISPLAY, C_BIO, C_CREATED,
    C_EMAIL, C_STALE };

static void
session_fill(struct session *s, const PGresult *res)
{
	if (!PQgetisnull(res, 0, C_CSRF))
		s->csrf = PQgetvalue(res, 0, C_CSRF);
	if (PQgetisnull(res, 0, C_USER))
		return;		/* anonymous, or the user was deactivated */
	s->user_id = strtoll(PQgetvalue(res, 0, C_USER), NULL, 10);
	s->username = PQgetvalue(res, 0, C_USERNAME);
	s->display_name = PQgetvalue(res, 0, C_DISPLAY);
	s->bio = PQgetvalue(res, 0, C_BIO);
	s->created_at = PQgetvalue(res, 0, C_CREATED);
	s->email = PQgetvalue(res, 0, C_EMAIL);
}

/* The write the read said was due (last_seen_at, last_used_at), if any. */
static enum db_status
session_touch(struct db *db, struct arena *a, const PGresult *res,
    enum stmt touch)
{
	const char	*p[1];

	if (PQgetvalue(res, 0, C_STALE)[0] != 't')
		return DB_OK;
	p[0] = PQgetvalue(res, 0, C_ID);
	return db_exec(db, a, touch, p, 1, NULL);
}

enum db_status
session_load(struct db *db, struct arena *a, const struct req *r,
    const struct conf *c, struct session *s)
{
	const char	*token, *p[1];
	PGresult	*res;
	enum db_status	 st;
	int		 bearer;

	memset(s, 0, sizeof(*s));
	if ((token = bearer_of(r)) != NULL)
		bearer = 1;
	else {
		bearer = 0;
		token = req_cookie(r, session_cookie_name(c));
		/* A token of the wrong length cannot be ours: no query. */
		if (token == NULL || strlen(token) != AUTH_TOKEN_CHARS)
			return DB_OK;
	}
	p[0] = auth_token_hash(a, token);
	st = db_exec_row(db, a, bearer ? STMT_TOKEN_AUTH : STMT_SESSION_LOAD,
	    p, 1, &res);
	if (st == DB_NONE) {
		/* A refused token is an error; a stale cookie is no one. */
		s->bad_bearer = bearer;
		return DB_OK;
	}
	if (st != DB_OK)
		return st;
	session_fill(s, res);
	s->bearer = bearer;
	if (!bearer)
		s->id = strtoll(PQgetvalue(res, 0, C_ID), NULL, 10);
	return session_touch(db, a, res, bearer ? STMT_TOKEN_TOUCH :
	    STMT_SESSION_TOUCH);
}

enum db_status
session_start(struct db *db, struct arena *a, struct resp *rs,
    const struct conf *c, long long user_id, struct session *s)
{
	const char	*p[4];
	char		*token, *csrf, uid[24], life[24];
	long		 lifetime = user_id ? SESSION_LIFETIME :
			    SESSION_ANON_LIFETIME;
	PGresult	*res;
	enum db_status	 st;

	if (s->id != 0) {
		snprintf(uid, sizeof(uid), "%lld", s->id);
		p[0] = uid;
		if ((st = db_exec(db, a, STMT_SESSION_DELETE, p, 1, NULL)) !=
		    DB_OK)
			return st;
	}
	token = auth_token_new(a, "");
	csrf = auth_token_new(a, "");
	snprintf(uid, sizeof(uid), "%lld", user_id);
	snprintf(life, sizeof(life), "%ld", lifetime);
	p[0] = user_id ? uid : NULL;
	p[1] = auth_token_hash(a, token);
	p[2] = csrf;
	p[3] = life;
	if ((st = db_exec_row(db, a, STMT_SESSION_CREATE, p, 4, &res)) !=
	    DB_OK)
		return st;
	s->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	s->user_id = user_id;
	s->csrf = csrf;
	s->bearer = 0;
	session_cookie(rs, c, token, lifetime);
	return DB_OK;
}

enum db_status
session_end(struct db *db, struct arena *a, struct resp *rs,
    const struct conf *c, struct session *s)
{
	const char	*p[1];
	char		 id[24];
	enum db_status	 st;

	snprintf(id, sizeof(id), "%lld", s->id);
	p[0] = id;
	if ((st = db_exec(db, a, STMT_SESSION_DELETE, p, 1, NULL)) != DB_OK)
		return st;
	memset(s, 0, sizeof(*s));
	session_cookie(rs, c, "", 0);
	return DB_OK;
}

int
session_csrf_ok(const struct req *r, const struct session *s)
{
	const char	*t = req_env(r, "HTTP_X_CSRF_TOKEN");
	const struct req_field *f;

	if (s->csrf == NULL)
		return 0;
	if (t == NULL && (f = req_fields_get(&r->body_fields,
	    "csrf_token")) != NULL)
		t = f->value;
	return t != NULL && auth_equal(t, s->csrf);
}
