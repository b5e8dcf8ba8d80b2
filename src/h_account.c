/*
 * Accounts (contract §3 and the Accounts section; docs/accounts.md): sign-up,
 * login and logout, the own profile, public profiles, API tokens.  Every
 * write that spans rows (a user and its session, a password and the other
 * sessions) is one transaction.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "conf.h"
#include "db.h"
#include "field.h"
#include "handlers.h"
#include "session.h"
#include "view.h"

#define LOCK_ACCOUNT	5	/* failures before an account is locked */
#define LOCK_ADDRESS	20	/* failures before an address is locked */
#define PASSWORD_MAX	1024	/* bytes: Argon2 does not need more */

/* ---------------------------------------------------------------- checks */

static int
username_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 3 && n <= 32 &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* One @, something on both sides, a dot inside the domain, no blanks. */
static int
email_ok(const char *s)
{
	const char	*at = strchr(s, '@'), *dot;
	size_t		 i, n = strlen(s);

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL || n > 254)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	dot = strrchr(at + 1, '.');
	return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

static void
check_password(json_t *errs, const char *name, const char *pw)
{
	if (pw != NULL && (field_chars(pw) < 10 || strlen(pw) > PASSWORD_MAX))
		view_set_str(errs, name, "must be at least 10 characters");
}

/* The own user from a row of USER_OWN columns starting at col. */
static json_t *
user_own(const PGresult *res, int row)
{
	json_t	*u = view_object();

	view_set_int(u, "id", strtoll(PQgetvalue(res, row, 0), NULL, 10));
	view_set_str(u, "username", PQgetvalue(res, row, 1));
	view_set_str(u, "display_name", PQgetvalue(res, row, 2));
	view_set_str(u, "bio", PQgetvalue(res, row, 3));
	view_set_str(u, "created_at", PQgetvalue(res, row, 4));
	view_set_str(u, "email", PQgetvalue(res, row, 5));
	view_set_bool(u, "is_active", PQgetvalue(res, row, 6)[0] == 't');
	return u;
}

/* A local path to go to after login: "/x", never "//host" or a URL. */
static const char *
local_next(const char *next)
{
	const char	*p;

	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    next[1] == '\\')
		return NULL;
	/* Browsers drop tabs and newlines: "/\t/x" would be "//x". */
	for (p = next; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return NULL;
	return next;
}

/* The answer to a signed-in request: JSON the user, HTML a redirect. */
static int
signed_in(struct ctx *c, json_t *user, int status, const char *to)
{
	if (c->req->want_json) {
		c->view = user;
		return status;
	}
	return ctx_redirect(c, to);
}

/* Forms re-rendered on failure need their template and a view. */
static int
form_error(struct ctx *c, const char *tmpl, int status, const char *msg)
{
	c->tmpl = tmpl;
	if (c->view == NULL)
		c->view = view_object();
	return ctx_error(c, status, NULL, msg);
}

/* ---------------------------------------------------------------- sign-up */

/* The anonymous session that carries a form's CSRF token. */
static int
form_session(struct ctx *c)
{
	enum db_status	 st;

	if (c->req->want_json || c->sess.id != 0)
		return 0;
	st = session_start(c->db, c->arena, c->resp, c->app->conf, 0,
	    &c->sess);
	return st == DB_OK ? 0 : ctx_db_error(c, st);
}

int
h_signup_form(struct ctx *c)
{
	int	 st;

	if ((st = form_session(c)) != 0)
		return st;
	c->view = view_object();
	c->tmpl = "signup";
	c->title = "Sign up";
	return 200;
}

struct signup {
	struct ctx	*c;
	const char	*p[4];
	json_t		*user;
	long long	 id;
};

static enum db_status
signup_tx(struct db *db, struct arena *a, void *arg)
{
	struct signup	*s = arg;
	PGresult	*res;
	enum db_status	 st;

	if ((st = db_exec_row(db, a, STMT_USER_INSERT, s->p, 4, &res)) !=
	    DB_OK)
		return st;
	s->user = user_own(res, 0);
	s->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	return session_start(db, a, s->c->resp, s->c->app->conf, s->id,
	    &s->c->sess);
}

int
h_signup(struct ctx *c)
{
	json_t		*errs = view_object();
	const char	*username, *email, *password, *display;
	struct signup	 s;
	enum db_status	 st;

	c->title = "Sign up";
	username = field_required(c, errs, "username");
	email = field_required(c, errs, "email");
	password = field_required(c, errs, "password");
	display = req_param(c->req, "display_name");
	if (username != NULL && !username_ok(username))
		view_set_str(errs, "username",
		    "must be 3 to 32 characters: a-z, 0-9 and _");
	if (email != NULL && !email_ok(email))
		view_set_str(errs, "email", "is not a valid e-mail address");
	check_password(errs, "password", password);
	field_length(errs, "display_name", display, 100);
	if (json_object_size(errs) > 0) {
		c->tmpl = "signup";
		c->view = view_object();
		return ctx_invalid(c, errs);
	}
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.p[0] = username;
	s.p[1] = email;
	if ((s.p[2] = auth_password_hash(c->arena, password)) == NULL)
		return ctx_error(c, 500, NULL, NULL);
	s.p[3] = display ? display : "";
	st = db_tx(c->db, c->arena, DB_READ_COMMITTED, signup_tx, &s);
	if (st == DB_CONFLICT) {
		if (strcmp(db_constraint(c->db), "users_username_key") == 0)
			view_set_str(errs, "username", "is already taken");
		else if (strcmp(db_constraint(c->db),
		    "users_email_lower_key") == 0)
			view_set_str(errs, "email", "is already taken");
		else
			view_set_str(errs, "username", "could not be used");
		c->tmpl = "signup";
		c->view = view_object();
		return ctx_invalid(c, errs);
	}
	if (st != DB_OK)
		return ctx_db_error(c, st);
	return signed_in(c, s.user, 201, "/me");
}

/* ---------------------------------------------------------------- login */

int
h_login_form(struct ctx *c)
{
	int	 st;

	if ((st = form_session(c)) != 0)
		return st;
	c->view = view_object();
	/* The form keeps where to go next; JSON clients have no use for it. */
	if (!c->req->want_json)
		view_set_str(c->view, "next",
		    local_next(req_query(c->req, "next")));
	c->tmpl = "login";
	c->title = "Log in";
	return 200;
}

struct login {
	struct ctx	*c;
	long long	 id;
	const char	*rehash;	/* a new hash to store, or NULL */
	const char	*account_key;
	json_t		*user;
};

static enum db_status
login_tx(struct db *db, struct arena *a, void *arg)
{
	struct login	*l = arg;
	const char	*p[2];
	char		 id[24];
	PGresult	*res;
	enum db_status	 st;

	snprintf(id, sizeof(id), "%lld", l->id);
	p[0] = id;
	if (l->rehash != NULL) {
		p[1] = l->rehash;
		if ((st = db_exec(db, a, STMT_USER_REHASH, p, 2, NULL)) !=
		    DB_OK)
			return st;
	}
	p[0] = l->account_key;
	if ((st = db_exec(db, a, STMT_THROTTLE_CLEAR, p, 1, NULL)) != DB_OK ||
	    (st = db_exec(db, a, STMT_SESSION_PURGE, NULL, 0, NULL)) != DB_OK)
		return st;
	p[0] = id;
	if ((st = db_exec_row(db, a, STMT_USER_GET, p, 1, &res)) != DB_OK)
		return st;
	l->user = user_own(res, 0);
	return session_start(db, a, l->c->resp, l->c->app->conf, l->id,
	    &l->c->sess);
}

/* Counts a failure against the account and the address. */
static int
login_failed(struct ctx *c, const char *account_key, const char *addr_key)
{
	const char	*p[2];
	enum db_status	 st;

	p[0] = account_key;
	p[1] = "5";
	if ((st = db_exec(c->db, c->arena, STMT_THROTTLE_FAIL, p, 2, NULL)) !=
	    DB_OK)
		return ctx_db_error(c, st);
	p[0] = addr_key;
	p[1] = "20";
	if ((st = db_exec(c->db, c->arena, STMT_THROTTLE_FAIL, p, 2, NULL)) !=
	    DB_OK)
		return ctx_db_error(c, st);
	return form_error(c, "login", 401, "invalid login");
}

int
h_login(struct ctx *c)
{
	json_t		*errs = view_object();
	const char	*login, *password, *hash = NULL, *p[2];
	char		*lower, *account_key, *addr_key;
	struct login	 l;
	PGresult	*res;
	enum db_status	 st;
	size_t		 i;
	int		 ok, active = 0;

	c->title = "Log in";
	c->view = view_object();
	view_set_str(c->view, "next", local_next(req_param(c->req, "next")));
	login = field_required(c, errs, "login");
	password = field_required(c, errs, "password");
	if (json_object_size(errs) > 0) {
		c->tmpl = "login";
		return ctx_invalid(c, errs);
	}
	lower = arena_strdup(c->arena, login);
	for (i = 0; lower[i] != '\0'; i++)
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] - 'A' + 'a');
	account_key = arena_printf(c->arena, "u:%s", lower);
	addr_key = arena_printf(c->arena, "ip:%s", c->req->remote_addr);
	p[0] = account_key;
	p[1] = addr_key;
	st = db_exec_row(c->db, c->arena, STMT_THROTTLE_CHECK, p, 2, &res);
	if (st != DB_OK)
		return ctx_db_error(c, st);
	if (!PQgetisnull(res, 0, 0)) {
		resp_header(c->resp, "Retry-After", PQgetvalue(res, 0, 0));
		return form_error(c, "login", 429, "too many failed logins; "
		    "try again later");
	}
	p[0] = login;
	st = db_exec(c->db, c->arena, STMT_USER_BY_LOGIN, p, 1, &res);
	if (st != DB_OK)
		return ctx_db_error(c, st);
	if (PQntuples(res) > 0) {
		hash = PQgetvalue(res, 0, 1);
		active = PQgetvalue(res, 0, 2)[0] == 't';
	}
	/* Unknown accounts verify against a decoy: the same time. */
	ok = auth_password_verify(hash, password) && active;
	if (!ok)
		return login_failed(c, account_key, addr_key);
	memset(&l, 0, sizeof(l));
	l.c = c;
	l.id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	l.account_key = account_key;
	if (auth_password_needs_rehash(hash))
		l.rehash = auth_password_hash(c->arena, password);
	st = db_tx(c->db, c->arena, DB_READ_COMMITTED, login_tx, &l);
	if (st != DB_OK)
		return ctx_db_error(c, st);
	return signed_in(c, l.user, 200,
	    local_next(req_param(c->req, "next")) ?
	    local_next(req_param(c->req, "next")) : "/");
}

int
h_logout(struct ctx *c)
{
	enum db_status	 st;

	if (c->sess.id == 0)	/* a bearer token has no session to end */
		return c->req->want_json ? 204 : ctx_redirect(c, "/");
	st = session_end(c->db, c->arena, c->resp, c->app->conf, &c->sess);
	if (st != DB_OK)
		return ctx_db_error(c, st);
	return c->req->want_json ? 204 : ctx_redirect(c, "/");
}

/* ---------------------------------------------------------------- profile */

static int
load_me(struct ctx *c, PGresult **res)
{
	const char	*p[1];
	char		 id[24];
	enum db_status	 st;

	snprintf(id, sizeof(id), "%lld", c->sess.user_id);
	p[0] = id;
	st = db_exec_row(c->db, c->arena, STMT_USER_GET, p, 1, res);
	if (st == DB_NONE)
		return ctx_error(c, 404, NULL, "no such user");
	return st == DB_OK ? 0 : ctx_db_error(c, st);
}

static void
me_view(struct ctx *c, json_t *user)
{
	c->view = user;
	c->tmpl = "me";
	c->title = "Your profile";
	/* Pages need the link and a readable date; JSON clients do not. */
	if (!c->req->want_json)
		view_set_str(user, "profile_url", arena_printf(c->arena,
		    "/users/%s", json_string_value(json_object_get(user,
		    "username"))));
	field_add_date(c, user, "created_at", "created_on");
}

int
h_me(struct ctx *c)
{
	const struct session	*s = &c->sess;
	json_t			*u = view_object();

	/* The session's statement brought the profile: no second query. */
	view_set_int(u, "id", s->user_id);
	view_set_str(u, "username", s->username);
	view_set_str(u, "display_name", s->display_name);
	view_set_str(u, "bio", s->bio);
	view_set_str(u, "created_at", s->created_at);
	view_set_str(u, "email", s->email);
	view_set_bool(u, "is_active", 1);	/* inactive users have none */
	me_view(c, u);
	return 200;
}

struct patch {
	struct ctx	*c;
	const char	*p[5];
	int		 new_password;
	json_t		*user;
};

static enum db_status
patch_tx(struct db *db, struct arena *a, void *arg)
{
	struct patch	*pt = arg;
	const char	*p[2];
	char		 sid[24];
	PGresult	*res;
	enum db_status	 st;

	if ((st = db_exec_row(db, a, STMT_USER_UPDATE, pt->p, 5, &res)) !=
	    DB_OK)
		return st;
	pt->user = user_own(res, 0);
	if (!pt->new_password)
		return DB_OK;
	/* A new password ends every other session and rotates this one. */
	snprintf(sid, sizeof(sid), "%lld", pt->c->sess.id);
	p[0] = pt->p[0];
	p[1] = sid;
	if ((st = db_exec(db, a, STMT_SESSION_DELETE_OTHERS, p, 2, NULL)) !=
	    DB_OK)
		return st;
	if (pt->c->sess.bearer)
		return DB_OK;
	return session_start(db, a, pt->c->resp, pt->c->app->conf,
	    pt->c->sess.user_id, &pt->c->sess);
}

int
h_me_update(struct ctx *c)
{
	json_t		*errs = view_object();
	const char	*display, *bio, *email, *password, *current;
	char		 id[24];
	struct patch	 pt;
	PGresult	*res;
	enum db_status	 st;
	int		 rc;

	if ((rc = load_me(c, &res)) != 0)
		return rc;
	display = req_param(c->req, "display_name");
	bio = req_param(c->req, "bio");
	email = req_param(c->req, "email");
	password = req_param(c->req, "password");
	current = req_param(c->req, "current_password");
	if (password != NULL && *password == '\0')
		password = NULL;	/* an empty field of the profile form */
	field_length(errs, "display_name", display, 100);
	field_length(errs, "bio", bio, 5000);
	if (email != NULL && !email_ok(email))
		view_set_str(errs, "email", "is not a valid e-mail address");
	check_password(errs, "password", password);
	if (password != NULL && (current == NULL ||
	    !auth_password_verify(PQgetvalue(res, 0, 7), current)))
		view_set_str(errs, "current_password", "is not correct");
	if (json_object_size(errs) > 0) {
		me_view(c, user_own(res, 0));
		return ctx_invalid(c, errs);
	}
	memset(&pt, 0, sizeof(pt));
	pt.c = c;
	snprintf(id, sizeof(id), "%lld", c->sess.user_id);
	pt.p[0] = id;
	pt.p[1] = display;
	pt.p[2] = bio;
	pt.p[3] = email;
	if (password != NULL) {
		if ((pt.p[4] = auth_password_hash(c->arena, password)) == NULL)
			return ctx_error(c, 500, NULL, NULL);
		pt.new_password = 1;
	}
	st = db_tx(c->db, c->arena, DB_READ_COMMITTED, patch_tx, &pt);
	if (st == DB_CONFLICT &&
	    strcmp(db_constraint(c->db), "users_email_lower_key") == 0) {
		view_set_str(errs, "email", "is already taken");
		me_view(c, user_own(res, 0));
		return ctx_invalid(c, errs);
	}
	if (st != DB_OK)
		return ctx_db_error(c, st);
	if (!c->req->want_json)
		return ctx_redirect(c, "/me");
	c->view = pt.user;
	return 200;
}

/* A public profile's listings: [{id, name, city, country}] (+ url). */
static enum db_status
user_listings(struct ctx *c, const char *user_id, json_t *items)
{
	const char	*p[1] = { user_id };
	json_t		*o;
	PGresult	*res;
	enum db_status	 st;
	int		 i;

	if ((st = db_exec(c->db, c->arena, STMT_USER_LISTINGS, p, 1, &res)) !=
	    DB_OK)
		return st;
	for (i = 0; i < PQntuples(res); i++) {
		o = view_object();
		view_set_int(o, "id", strtoll(PQgetvalue(res, i, 0), NULL, 10));
		view_set_str(o, "name", PQgetvalue(res, i, 1));
		view_set_str(o, "city", PQgetvalue(res, i, 2));
		view_set_str(o, "country", PQgetvalue(res, i, 3));
		if (!c->req->want_json)
			view_set_str(o, "url", arena_printf(c->arena,
			    "/properties/%s", PQgetvalue(res, i, 0)));
		view_push(items, o);
	}
	return DB_OK;
}

int
h_user(struct ctx *c)
{
	const char	*p[1] = { c->req->capture[0] };
	PGresult	*res;
	enum db_status	 st;
	json_t		*u;

	st = db_exec_row(c->db, c->arena, STMT_USER_PUBLIC, p, 1, &res);
	if (st == DB_NONE)
		return ctx_error(c, 404, NULL, "no such user");
	if (st != DB_OK)
		return ctx_db_error(c, st);
	u = view_object();
	view_set_int(u, "id", strtoll(PQgetvalue(res, 0, 0), NULL, 10));
	view_set_str(u, "username", PQgetvalue(res, 0, 1));
	view_set_str(u, "display_name", PQgetvalue(res, 0, 2));
	view_set_str(u, "bio", PQgetvalue(res, 0, 3));
	view_set_str(u, "created_at", PQgetvalue(res, 0, 4));
	view_set(u, "listings", view_array());
	if ((st = user_listings(c, PQgetvalue(res, 0, 0),
	    json_object_get(u, "listings"))) != DB_OK)
		return ctx_db_error(c, st);
	/* Filled by the reviews issue. */
	view_set(u, "reviews", view_array());
	field_add_date(c, u, "created_at", "created_on");
	c->view = u;
	c->tmpl = "user";
	c->title = PQgetvalue(res, 0, 1);
	return 200;
}

/* ---------------------------------------------------------------- tokens */

static json_t *
token_view(struct ctx *c, const PGresult *res, int row)
{
	json_t	*t = view_object();

	view_set_int(t, "id", strtoll(PQgetvalue(res, row, 0), NULL, 10));
	view_set_str(t, "name", PQgetvalue(res, row, 1));
	view_set_str(t, "created_at", PQgetvalue(res, row, 2));
	if (PQgetisnull(res, row, 3))
		view_set_null(t, "last_used_at");
	else
		view_set_str(t, "last_used_at", PQgetvalue(res, row, 3));
	if (!c->req->want_json)
		view_set_str(t, "delete_url", arena_printf(c->arena,
		    "/me/tokens/%s", PQgetvalue(res, row, 0)));
	field_add_date(c, t, "created_at", "created_on");
	field_add_date(c, t, "last_used_at", "last_used_on");
	return t;
}

/* The list page (HTML also after a creation); 0 or an error status. */
static int
token_list(struct ctx *c)
{
	const char	*p[3], *cursor = req_query(c->req, "cursor");
	const char	*limit = req_query(c->req, "limit");
	char		 id[24], lim[8];
	json_t		*items;
	PGresult	*res;
	enum db_status	 st;
	long		 n = 20;
	int		 i;
	char		*end;

	if (limit != NULL) {
		n = strtol(limit, &end, 10);
		if (*limit == '\0' || *end != '\0' || n < 1 || n > 100)
			return ctx_error(c, 400, NULL,
			    "limit must be a number from 1 to 100");
	}
	if (cursor != NULL && (*cursor == '\0' || strspn(cursor,
	    "0123456789") != strlen(cursor) || strlen(cursor) > 18))
		return ctx_error(c, 400, NULL, "cursor is not valid");
	snprintf(id, sizeof(id), "%lld", c->sess.user_id);
	snprintf(lim, sizeof(lim), "%ld", n);
	p[0] = id;
	p[1] = cursor;
	p[2] = lim;
	if ((st = db_exec(c->db, c->arena, STMT_TOKEN_LIST, p, 3, &res)) !=
	    DB_OK)
		return ctx_db_error(c, st);
	items = view_array();
	for (i = 0; i < PQntuples(res); i++)
		view_push(items, token_view(c, res, i));
	c->view = view_object();
	view_set(c->view, "items", items);
	if (PQntuples(res) == n)
		view_set_str(c->view, "next_cursor",
		    PQgetvalue(res, PQntuples(res) - 1, 0));
	else
		view_set_null(c->view, "next_cursor");
	c->tmpl = "tokens";
	c->title = "API tokens";
	return 0;
}

int
h_tokens(struct ctx *c)
{
	int	 st;

	return (st = token_list(c)) != 0 ? st : 200;
}

int
h_token_create(struct ctx *c)
{
	json_t		*errs = view_object(), *t;
	const char	*name = req_param(c->req, "name"), *p[3];
	char		*token, id[24];
	PGresult	*res;
	enum db_status	 st;
	int		 rc;

	if (name == NULL || field_chars(name) < 1 || field_chars(name) > 100 ||
	    strspn(name, " \t\r\n") == strlen(name)) {
		view_set_str(errs, "name", "must be 1 to 100 characters");
		if ((rc = token_list(c)) != 0)
			return rc;
		return ctx_invalid(c, errs);
	}
	token = auth_token_new(c->arena, "ik_");
	snprintf(id, sizeof(id), "%lld", c->sess.user_id);
	p[0] = id;
	p[1] = name;
	p[2] = auth_token_hash(c->arena, token);
	st = db_exec_row(c->db, c->arena, STMT_TOKEN_CREATE, p, 3, &res);
	if (st != DB_OK)
		return ctx_db_error(c, st);
	t = token_view(c, res, 0);
	view_set_str(t, "token", token);
	if (c->req->want_json) {
		c->view = t;
		return 201;
	}
	/* The value is shown once: on this page, not after a redirect. */
	if ((rc = token_list(c)) != 0)
		return rc;
	view_set(c->view, "created", t);
	return 200;
}

int
h_token_delete(struct ctx *c)
{
	const char	*p[2];
	char		 id[24], uid[24];
	PGresult	*res;
	enum db_status	 st;

	snprintf(id, sizeof(id), "%lld", c->req->id[0]);
	snprintf(uid, sizeof(uid), "%lld", c->sess.user_id);
	p[0] = id;
	p[1] = uid;
	st = db_exec_row(c->db, c->arena, STMT_TOKEN_REVOKE, p, 2, &res);
	if (st == DB_NONE)
		return ctx_error(c, 404, NULL, "no such token");
	if (st != DB_OK)
		return ctx_db_error(c, st);
	return c->req->want_json ? 204 : ctx_redirect(c, "/me/tokens");
}
