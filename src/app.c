/*
 * The request pipeline (see app.h) and the route table.  Routes are an
 * enum with parallel tables, as in kcgi: the pattern, the method and the
 * handler of route i sit at index i.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "conf.h"
#include "handlers.h"
#include "session.h"
#include "log.h"
#include "route.h"
#include "tmpl.h"
#include "view.h"

enum page {
	PAGE_HOME,
	PAGE_HEALTHZ,
	PAGE_READYZ,
	PAGE_METRICS,
	PAGE_SIGNUP_FORM,
	PAGE_SIGNUP,
	PAGE_LOGIN_FORM,
	PAGE_LOGIN,
	PAGE_LOGOUT,
	PAGE_ME,
	PAGE_ME_UPDATE,
	PAGE_USER,
	PAGE_TOKENS,
	PAGE_TOKEN_CREATE,
	PAGE_TOKEN_DELETE,
	PAGE_PROPERTIES,
	PAGE_PROPERTY_NEW,
	PAGE_PROPERTY_CREATE,
	PAGE_PROPERTY,
	PAGE_PROPERTY_EDIT,
	PAGE_PROPERTY_UPDATE,
	PAGE_PROPERTY_DELETE,
	PAGE_CALENDAR,
	PAGE_CALENDAR_ICS,
	PAGE_SEARCH_SQL,
	PAGE_ECHO_GET,
	PAGE_ECHO_POST,
	PAGE_ECHO_PUT,
	PAGE_ECHO_PATCH,
	PAGE_ECHO_DELETE,
	PAGE__MAX
};

/* Who may call a route, and how it is protected. */
enum {
	A_NONE = 0,		/* no session loaded: operations routes */
	A_ANY = 1 << 0,		/* anyone; the session is loaded if sent */
	A_USER = 1 << 1,	/* a logged-in user (401 / 303 to /login) */
	A_FORM = 1 << 2,	/* login/sign-up: CSRF for forms, not JSON */
	A_TEST = 1 << 3		/* only with test_routes = true */
};

static const struct {
	struct route	 route;
	handler_fn	 fn;
	int		 access;
} pages[PAGE__MAX] = {
	[PAGE_HOME] = { { METHOD_GET, "/" }, h_home, A_ANY },
	[PAGE_HEALTHZ] = { { METHOD_GET, "/healthz" }, h_healthz, A_NONE },
	[PAGE_READYZ] = { { METHOD_GET, "/readyz" }, h_readyz, A_NONE },
	[PAGE_METRICS] = { { METHOD_GET, "/metrics" }, h_metrics, A_NONE },
	[PAGE_SIGNUP_FORM] = { { METHOD_GET, "/signup" }, h_signup_form,
	    A_ANY },
	[PAGE_SIGNUP] = { { METHOD_POST, "/signup" }, h_signup,
	    A_ANY | A_FORM },
	[PAGE_LOGIN_FORM] = { { METHOD_GET, "/login" }, h_login_form,
	    A_ANY },
	[PAGE_LOGIN] = { { METHOD_POST, "/login" }, h_login, A_ANY | A_FORM },
	[PAGE_LOGOUT] = { { METHOD_POST, "/logout" }, h_logout, A_USER },
	[PAGE_ME] = { { METHOD_GET, "/me" }, h_me, A_USER },
	[PAGE_ME_UPDATE] = { { METHOD_PATCH, "/me" }, h_me_update, A_USER },
	[PAGE_USER] = { { METHOD_GET, "/users/{username}" }, h_user, A_ANY },
	[PAGE_TOKENS] = { { METHOD_GET, "/me/tokens" }, h_tokens, A_USER },
	[PAGE_TOKEN_CREATE] = { { METHOD_POST, "/me/tokens" },
	    h_token_create, A_USER },
	[PAGE_TOKEN_DELETE] = { { METHOD_DELETE, "/me/tokens/{id}" },
	    h_token_delete, A_USER },
	[PAGE_PROPERTIES] = { { METHOD_GET, "/properties" }, h_properties,
	    A_ANY },
	[PAGE_PROPERTY_NEW] = { { METHOD_GET, "/properties/new" },
	    h_property_new, A_USER },
	[PAGE_PROPERTY_CREATE] = { { METHOD_POST, "/properties" },
	    h_property_create, A_USER },
	[PAGE_PROPERTY] = { { METHOD_GET, "/properties/{id}" }, h_property,
	    A_ANY },
	[PAGE_PROPERTY_EDIT] = { { METHOD_GET, "/properties/{id}/edit" },
	    h_property_edit, A_USER },
	[PAGE_PROPERTY_UPDATE] = { { METHOD_PATCH, "/properties/{id}" },
	    h_property_update, A_USER },
	[PAGE_PROPERTY_DELETE] = { { METHOD_DELETE, "/properties/{id}" },
	    h_property_delete, A_USER },
	[PAGE_CALENDAR] = { { METHOD_GET, "/properties/{id}/calendar" },
	    h_calendar, A_ANY },
	[PAGE_CALENDAR_ICS] = { { METHOD_GET,
	    "/properties/{id}/calendar.ics" }, h_calendar_ics, A_ANY },
	[PAGE_SEARCH_SQL] = { { METHOD_GET, "/_test/search-sql" },
	    h_search_sql, A_TEST },
	[PAGE_ECHO_GET] = { { METHOD_GET, "/_test/echo" }, h_echo, A_TEST },
	[PAGE_ECHO_POST] = { { METHOD_POST, "/_test/echo" }, h_echo, A_TEST },
	[PAGE_ECHO_PUT] = { { METHOD_PUT, "/_test/echo" }, h_echo, A_TEST },
	[PAGE_ECHO_PATCH] = { { METHOD_PATCH, "/_test/echo" }, h_echo,
	    A_TEST },
	[PAGE_ECHO_DELETE] = { { METHOD_DELETE, "/_test/echo" }, h_echo,
	    A_TEST },
};

/* The router and the metrics want plain arrays: made once, at start. */
static struct route	 routes[PAGE__MAX];
static const char	*route_names[PAGE__MAX];

static int
route_is_test(size_t i)
{
	return (pages[i].access & A_TEST) != 0;
}

size_t
app_nroutes(void)
{
	return PAGE__MAX;
}

void
app_init(void)
{
	size_t	 i;

	for (i = 0; i < PAGE__MAX; i++) {
		routes[i] = pages[i].route;
		route_names[i] = pages[i].route.pattern;
	}
}

const char *const *
app_route_names(void)
{
	return route_names;
}

int
ctx_error(struct ctx *c, int status, const char *code, const char *message)
{
	c->err_code = code;
	c->err_message = message;
	return status;
}

int
ctx_redirect(struct ctx *c, const char *path)
{
	resp_header(c->resp, "Location", path);
	return 303;
}

int
ctx_invalid(struct ctx *c, json_t *fields)
{
	c->err_fields = fields;
	return ctx_error(c, 422, NULL, "some fields need another look");
}

int
ctx_db_error(struct ctx *c, enum db_status st)
{
	if (st == DB_UNAVAILABLE)
		return ctx_error(c, 503, NULL, "database unavailable");
	if (st == DB_INVALID)
		return ctx_error(c, 400, NULL, "a value is out of range");
	return ctx_error(c, 500, NULL, "internal error");
}

char *
url_encode(struct arena *a, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct buf		 b;
	unsigned char		 ch;

	buf_init(&b, a, strlen(s) * 3 + 1);
	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch) != NULL)
			buf_putc(&b, (char)ch);
		else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[ch >> 4]);
			buf_putc(&b, hex[ch & 15]);
		}
	}
	return b.data;
}

/*
 * Before the handler: who is asking (one statement, none without a cookie
 * or token), whether the route lets them, and CSRF (contract §3).  0 to
 * go on, else the status to answer.
 */
static int
guard(struct ctx *c, size_t route)
{
	struct req	*r = c->req;
	int		 access = pages[route].access, unsafe, json_body;
	enum db_status	 st;

	if (access == A_NONE || (access & A_TEST))
		return 0;
	st = session_load(c->db, c->arena, r, c->app->conf, &c->sess);
	if (st != DB_OK)
		return ctx_db_error(c, st);
	if (c->sess.bad_bearer) {
		resp_header(c->resp, "WWW-Authenticate",
		    "Bearer error=\"invalid_token\"");
		return ctx_error(c, 401, NULL, "invalid or revoked token");
	}
	if ((access & A_USER) && c->sess.user_id == 0) {
		if (r->want_json)
			return ctx_error(c, 401, NULL, "log in first");
		return ctx_redirect(c, arena_printf(c->arena, "/login?next=%s",
		    url_encode(c->arena, r->path)));
	}
	unsafe = r->method != METHOD_GET && r->method != METHOD_HEAD;
	if (!unsafe || c->sess.bearer)
		return 0;
	json_body = r->json != NULL;
	if ((access & A_FORM) ? !json_body : c->sess.id != 0) {
		if (!session_csrf_ok(r, &c->sess))
			return ctx_error(c, 403, "csrf_failed",
			    "missing or wrong CSRF token");
	}
	return 0;
}

/* nginx passes its $request_id; anything else gets one of ours. */
static const char *
request_id(struct arena *a, const char *given)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 rnd[16];
	char			*id;
	size_t			 i, n;

	if (given != NULL && (n = strlen(given)) >= 8 && n <= 64) {
		for (i = 0; i < n; i++)
			if (!((given[i] >= '0' && given[i] <= '9') ||
			    (given[i] >= 'a' && given[i] <= 'z') ||
			    (given[i] >= 'A' && given[i] <= 'Z') ||
			    given[i] == '-' || given[i] == '_'))
				break;
		if (i == n)
			return given;
	}
	for (i = 0; i < sizeof(rnd); i++)
		rnd[i] = (unsigned char)random();
	id = arena_alloc(a, 2 * sizeof(rnd) + 1);
	for (i = 0; i < sizeof(rnd); i++) {
		id[2 * i] = hex[rnd[i] >> 4];
		id[2 * i + 1] = hex[rnd[i] & 15];
	}
	id[2 * sizeof(rnd)] = '\0';
	return id;
}

/* The FastCGI parameters the pipeline reads, found in one pass. */
enum param {
	P_REQUEST_METHOD,
	P_REQUEST_URI,
	P_DOCUMENT_URI,
	P_QUERY_STRING,
	P_CONTENT_TYPE,
	P_CONTENT_LENGTH,
	P_HTTP_ACCEPT,
	P_HTTP_AUTHORIZATION,
	P_HTTP_COOKIE,
	P_REMOTE_ADDR,
	P_REQUEST_ID,
	P_HTTP_IF_NONE_MATCH,
	P__MAX
};

static const struct {
	const char	*name;
	size_t		 len;
} params[P__MAX] = {
#define P(n) { #n, sizeof(#n) - 1 }
	[P_REQUEST_METHOD] = P(REQUEST_METHOD),
	[P_REQUEST_URI] = P(REQUEST_URI),
	[P_DOCUMENT_URI] = P(DOCUMENT_URI),
	[P_QUERY_STRING] = P(QUERY_STRING),
	[P_CONTENT_TYPE] = P(CONTENT_TYPE),
	[P_CONTENT_LENGTH] = P(CONTENT_LENGTH),
	[P_HTTP_ACCEPT] = P(HTTP_ACCEPT),
	[P_HTTP_AUTHORIZATION] = P(HTTP_AUTHORIZATION),
	[P_HTTP_COOKIE] = P(HTTP_COOKIE),
	[P_REMOTE_ADDR] = P(REMOTE_ADDR),
	[P_REQUEST_ID] = P(REQUEST_ID),
	[P_HTTP_IF_NONE_MATCH] = P(HTTP_IF_NONE_MATCH),
#undef P
};

/* nginx sends some thirty parameters: look at each once, not per name. */
static void
env_scan(char **envp, const char *v[P__MAX])
{
	const char	*e, *eq;
	size_t		 n, i;

	memset(v, 0, P__MAX * sizeof(*v));
	for (; envp != NULL && *envp != NULL; envp++) {
		e = *envp;
		if ((eq = strchr(e, '=')) == NULL)
			continue;
		n = (size_t)(eq - e);
		for (i = 0; i < P__MAX; i++)
			if (params[i].len == n && e[0] == params[i].name[0] &&
			    memcmp(e, params[i].name, n) == 0) {
				v[i] = eq + 1;
				break;
			}
	}
}

#define OR(s, d) ((s) != NULL ? (s) : (d))

enum req_err
app_req_from_env(struct req *r, struct arena *a, char **envp,
    const char **why)
{
	const char	*v[P__MAX], *uri, *q;
	char		*path;
	long		 n;
	size_t		 plen;

	memset(r, 0, sizeof(*r));
	env_scan(envp, v);
	r->arena = a;
	r->envp = envp;
	r->method_name = OR(v[P_REQUEST_METHOD], "GET");
	r->method = req_method_parse(r->method_name);
	r->content_type = OR(v[P_CONTENT_TYPE], "");
	r->content_length = v[P_CONTENT_LENGTH];
	r->if_none_match = v[P_HTTP_IF_NONE_MATCH];
	r->accept = OR(v[P_HTTP_ACCEPT], "");
	r->auth = OR(v[P_HTTP_AUTHORIZATION], "");
	r->cookie_header = OR(v[P_HTTP_COOKIE], "");
	r->remote_addr = OR(v[P_REMOTE_ADDR], "");
	r->request_id = request_id(a, v[P_REQUEST_ID]);
	r->want_json = req_accept_json(r->accept);
	r->body = "";
	/* The raw URI, decoded here, so nginx and direct clients agree. */
	uri = OR(v[P_REQUEST_URI], OR(v[P_DOCUMENT_URI], "/"));
	q = strchr(uri, '?');
	plen = q ? (size_t)(q - uri) : strlen(uri);
	r->query = q ? q + 1 : OR(v[P_QUERY_STRING], "");
	path = arena_alloc(a, plen + 1);
	r->path = path;
	if (plen == 0 || uri[0] != '/') {
		r->path = "/";
		*why = "request target must be an absolute path";
		return REQ_MALFORMED;
	}
	if ((n = pct_decode(path, uri, plen, 0)) < 0) {
		r->path = arena_strndup(a, uri, plen);
		*why = "invalid percent-encoding in path";
		return REQ_MALFORMED;
	}
	if (!utf8_valid(path, (size_t)n) || memchr(path, '\0', (size_t)n)) {
		r->path = "/";
		*why = "invalid UTF-8 in path";
		return REQ_BAD_UTF8;
	}
	return REQ_OK;
}

static int
status_of(enum req_err e)
{
	switch (e) {
	case REQ_TOO_LARGE:
		return 413;
	case REQ_UNSUPPORTED:
		return 415;
	default:
		return 400;
	}
}

/* Parses the body for a route that takes input. */
static int
parse_body(struct ctx *c, const struct req_limits *lim)
{
	struct req	*r = c->req;
	const char	*why = NULL;
	enum req_err	 e;

	e = req_parse_body(c->arena, r->content_type, r->body, r->body_len,
	    lim, &r->body_fields, &r->json, &why);
	if (e == REQ_OK)
		return 0;
	return ctx_error(c, status_of(e), NULL, why ? why :
	    "malformed request body");
}

/* _method=PATCH|PUT|DELETE in a POSTed form (contract §1). */
static int
method_override(struct ctx *c)
{
	const struct req_field	*f;
	enum req_method		 m;

	f = req_fields_get(&c->req->body_fields, "_method");
	if (f == NULL || f->value == NULL)
		return 0;
	if (strcasecmp(f->value, "PATCH") == 0)
		m = METHOD_PATCH;
	else if (strcasecmp(f->value, "PUT") == 0)
		m = METHOD_PUT;
	else if (strcasecmp(f->value, "DELETE") == 0)
		m = METHOD_DELETE;
	else if (strcasecmp(f->value, "POST") == 0)
		m = METHOD_POST;
	else
		return ctx_error(c, 400, NULL, "_method must be PATCH, PUT "
		    "or DELETE");
	c->req->method = m;
	return 0;
}

/* The values of the form just posted, but never a password. */
static json_t *
form_values(const struct req *r)
{
	json_t	*o = view_object();
	size_t	 i;

	for (i = 0; i < r->body_fields.n; i++) {
		const struct req_field *f = &r->body_fields.v[i];

		if (f->filename != NULL || f->value == NULL ||
		    strstr(f->name, "password") != NULL ||
		    strcmp(f->name, "csrf_token") == 0)
			continue;
		view_set_str(o, f->name, f->value);
	}
	return o;
}

/* The render context of docs/templates.md: view, page, site, request, me. */
static json_t *
page_context(struct ctx *c, int status)
{
	json_t		*root = view_object(), *page, *site, *req;
	const char	*q = req_query(c->req, "q");

	view_set(root, "view", c->view ? json_incref(c->view) :
	    view_object());
	page = view_object();
	view_set_str(page, "title", c->title ? c->title :
	    status >= 400 ? resp_reason(status) : PACKAGE_NAME);
	view_set_int(page, "status", status);
	view_set_str(page, "message", status >= 400 ? (c->err_message ?
	    c->err_message : resp_reason(status)) : c->text);
	view_set(page, "fields", c->err_fields ? json_incref(c->err_fields) :
	    view_object());
	view_set(page, "form", form_values(c->req));
	view_set(root, "page", page);
	site = view_object();
	view_set_str(site, "name", PACKAGE_NAME);
	view_set_str(site, "version", PACKAGE_VERSION);
	view_set_str(site, "base_url", c->app->conf->base_url);
	view_set(root, "site", site);
	req = view_object();
	view_set_str(req, "path", c->req->path);
	view_set_str(req, "query", q ? q : "");
	view_set_str(req, "csrf_token", c->sess.csrf);
	view_set(root, "request", req);
	if (c->sess.user_id != 0) {
		json_t	*me = view_object();

		view_set_int(me, "id", c->sess.user_id);
		view_set_str(me, "username", c->sess.username);
		view_set_str(me, "display_name", c->sess.display_name);
		view_set(root, "me", me);
	} else
		view_set_null(root, "me");
	return root;
}

/* Renders a page template; 0 when there is none to render. */
static int
render_page(struct ctx *c, int status)
{
	const struct tmpl	*t;
	const char		*name;
	struct resp		*rs = c->resp;

	/* A form re-rendered with its errors names its own template. */
	name = status >= 400 && (c->tmpl == NULL || c->view == NULL) ?
	    "error" : c->tmpl;
	if (name == NULL || (t = tmpl_find(c->app->tmpls, name)) == NULL)
		return 0;
	rs->status = status;
	rs->content_type = "text/html; charset=utf-8";
	rs->negotiated = 1;
	rs->html = 1;
	rs->body.len = 0;
	tmpl_render(t, page_context(c, status), &rs->body);
	return 1;
}

static void
render(struct ctx *c, int status)
{
	struct resp	*rs = c->resp;
	int		 json = c->req->want_json;

	if (status == 503 && resp_header_get(rs, "Retry-After") == NULL)
		resp_header(rs, "Retry-After", "5");
	/* Redirects and 204 have no body. */
	if (status == 303 || status == 204) {
		rs->status = status;
		rs->content_type = NULL;
		rs->body.len = 0;
		return;
	}
	if (rs->content_type != NULL) {
		/* The handler wrote its own body (text, metrics). */
		rs->status = status;
		return;
	}
	if (!json && render_page(c, status))
		return;
	if (status >= 400) {
		resp_error(rs, json, status, c->err_code, c->err_message,
		    c->err_fields);
		return;
	}
	if (json)
		resp_json(rs, status, c->view);
	else {
		/* Until the template engine: the title and a summary. */
		resp_html_page(rs, status, c->title ? c->title : "innkeep",
		    c->text ? c->text : "");
	}
}

static int
route_visible(const struct app *app, size_t i)
{
	return !route_is_test(i) || app->conf->test_routes;
}

/* Routes the request; test routes exist only with test_routes on. */
static enum route_res
find(const struct app *app, struct req *r, struct route_match *m)
{
	enum route_res	 rr;

	rr = route_find(routes, PAGE__MAX, r->arena, r->method, r->path, m);
	if (rr == ROUTE_FOUND && !route_visible(app, m->index))
		rr = ROUTE_NOT_FOUND;
	return rr;
}

size_t
app_handle(const struct app *app, struct db *db, struct req *r,
    enum req_err body_err, struct resp *rs)
{
	struct ctx		 c;
	struct req_limits	 lim;
	struct route_match	 m;
	enum route_res		 rr;
	const char		*why = NULL;
	enum req_err		 e;
	size_t			 route = PAGE__MAX, i;
	int			 status;

	memset(&c, 0, sizeof(c));
	c.app = app;
	c.req = r;
	c.resp = rs;
	c.db = db;
	c.arena = r->arena;
	req_limits_default(&lim, app->conf->max_body_bytes);
	/* Never fails: unreadable cookies are skipped. */
	(void)req_parse_cookies(r->arena, r->cookie_header,
	    strlen(r->cookie_header), &lim, &r->cookies, &why);

	rr = find(app, r, &m);
	if (rr == ROUTE_NOT_FOUND) {
		status = ctx_error(&c, 404, NULL, "no such page");
		goto out;
	}
	/*
	 * A POSTed form may say it is a PATCH or DELETE: read it first.  A
	 * body that cannot be read only matters where the route exists; on
	 * a path without the method, the 405 says more.
	 */
	if (r->method == METHOD_POST || (rr == ROUTE_FOUND &&
	    r->method != METHOD_GET && r->method != METHOD_HEAD)) {
		if (body_err != REQ_OK)
			status = ctx_error(&c, status_of(body_err), NULL,
			    "request body too large");
		else
			status = parse_body(&c, &lim);
		if (status == 0 && r->method == METHOD_POST &&
		    (status = method_override(&c)) == 0 &&
		    r->method != METHOD_POST)
			rr = find(app, r, &m);
		if (status != 0 && rr == ROUTE_FOUND)
			goto out;
		if (rr == ROUTE_NOT_FOUND) {
			status = ctx_error(&c, 404, NULL, "no such page");
			goto out;
		}
	}
	if (rr == ROUTE_BAD_METHOD) {
		for (i = 0; i < PAGE__MAX; i++)
			if (!route_visible(app, i))
				m.allow &= ~(1u << routes[i].method |
				    (routes[i].method == METHOD_GET ?
				    1u << METHOD_HEAD : 0));
		if (m.allow == 0) {
			status = ctx_error(&c, 404, NULL, "no such page");
			goto out;
		}
		resp_header(rs, "Allow", route_allow_header(r->arena,
		    m.allow));
		route = m.index;
		status = ctx_error(&c, 405, NULL, "method not allowed here");
		goto out;
	}
	route = m.index;
	r->ncapture = m.ncapture;
	for (i = 0; i < m.ncapture; i++) {
		r->capture[i] = m.capture[i];
		r->id[i] = m.id[i];
	}
	e = req_parse_urlencoded(r->arena, r->query, strlen(r->query), &lim,
	    &r->query_fields, &why);
	if (e != REQ_OK) {
		status = ctx_error(&c, status_of(e), NULL, why);
		goto out;
	}
	status = guard(&c, route);
	if (status == 0)
		status = pages[route].fn(&c);
out:
	/* For JSON clients (contract §3): also after login and sign-up. */
	if (c.sess.id != 0 && c.sess.csrf != NULL && !c.sess.bearer)
		resp_header(rs, "X-CSRF-Token", c.sess.csrf);
	render(&c, status);
	return route;
}

void
app_finish(const struct req *r, struct resp *rs)
{
	int	 private;

	/* A session or a token makes the page someone's own. */
	private = *r->auth != '\0' || req_cookie(r, "session") != NULL ||
	    req_cookie(r, "__Host-session") != NULL;
	if (r->method == METHOD_GET || r->method == METHOD_HEAD)
		resp_etag(rs, r->if_none_match);
	if (rs->status < 400)
		resp_header(rs, "Cache-Control", private ? "private, no-cache" :
		    "no-cache");
	if (rs->negotiated)
		resp_header(rs, "Vary", rs->html ? "Accept, Cookie" : "Accept");
	resp_finish(rs, r->request_id);
}
