/*
 * Properties (the Properties section of the contract; docs/properties.md):
 * listings created, edited and removed by their owners, searched and read
 * by everyone, with their availability calendar and iCalendar feed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "calgrid.h"
#include "date.h"
#include "db.h"
#include "field.h"
#include "handlers.h"
#include "ical.h"
#include "money.h"
#include "search.h"
#include "sql_cols.h"
#include "view.h"

#define MAX_CENTS	999999999LL	/* 9999999.99: properties' CHECK */
#define DETAIL_MONTHS	3
#define CALENDAR_MONTHS	12

static const struct {
	const char	*value;
	const char	*label;
} policies[] = {
	{ "flexible", "Flexible: full refund until 1 day before check-in" },
	{ "moderate", "Moderate: full refund until 5 days before check-in" },
	{ "strict", "Strict: 50 % refund until 7 days before check-in, "
	    "nothing after" },
};
#define NPOLICIES (sizeof(policies) / sizeof(policies[0]))

/* The fields of a listing, in the order of the statements' parameters. */
enum field {
	F_NAME, F_DESCRIPTION, F_ADDRESS, F_CITY, F_COUNTRY, F_PRICE,
	F_CURRENCY, F_MAX_GUESTS, F_POLICY, F_IS_LISTED, F__N
};
static const char *const field_names[F__N] = {
	"name", "description", "address", "city", "country",
	"price_per_night", "currency", "max_guests", "cancellation_policy",
	"is_listed"
};

/* ---------------------------------------------------------------- views */

static long long
num(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* What people are called on pages: the display name, else the username. */
static const char *
shown_name(const char *display_name, const char *username)
{
	return display_name != NULL && *display_name != '\0' ? display_name :
	    username;
}

static const char *
policy_label(const char *value)
{
	size_t	 i;

	for (i = 0; i < NPOLICIES; i++)
		if (strcmp(value, policies[i].value) == 0)
			return policies[i].label;
	return value;
}

/* What templates cannot compute: links and labels (HTML only). */
static void
property_html(struct ctx *c, json_t *p)
{
	json_t		*owner = json_object_get(p, "owner");
	json_t		*rating = json_object_get(p, "rating");
	const char	*avg = json_string_value(json_object_get(rating,
	    "average"));
	long long	 n = json_integer_value(json_object_get(rating,
	    "count"));

	view_set_str(p, "url", arena_printf(c->arena, "/properties/%lld",
	    json_integer_value(json_object_get(p, "id"))));
	view_set_str(p, "price_label", arena_printf(c->arena, "%s %s",
	    json_string_value(json_object_get(p, "price_per_night")),
	    json_string_value(json_object_get(p, "currency"))));
	view_set_str(p, "rating_label", avg == NULL ? "No reviews yet" :
	    arena_printf(c->arena, "%s · %lld review%s", avg, n,
	    n == 1 ? "" : "s"));
	view_set_str(p, "policy_label", policy_label(json_string_value(
	    json_object_get(p, "cancellation_policy"))));
	view_set_str(owner, "url", arena_printf(c->arena, "/users/%s",
	    json_string_value(json_object_get(owner, "username"))));
	view_set_str(owner, "name", shown_name(json_string_value(
	    json_object_get(owner, "display_name")), json_string_value(
	    json_object_get(owner, "username"))));
	field_add_date(c, p, "created_at", "created_on");
}

/* A property from PROPERTY_COLS starting at column col. */
static json_t *
property_view(struct ctx *c, const PGresult *res, int row, int col)
{
	json_t	*p = view_object(), *o;

#define V(i) PQgetvalue(res, row, col + (i))
	view_set_int(p, "id", num(res, row, col));
	view_set_str(p, "name", V(1));
	view_set_str(p, "description", V(2));
	view_set_str(p, "address", V(3));
	view_set_str(p, "city", V(4));
	view_set_str(p, "country", V(5));
	view_set_str(p, "price_per_night", V(6));
	view_set_str(p, "currency", V(7));
	view_set_int(p, "max_guests", num(res, row, col + 8));
	view_set_str(p, "cancellation_policy", V(9));
	o = view_object();
	view_set_int(o, "id", num(res, row, col + 10));
	view_set_str(o, "username", V(11));
	view_set_str(o, "display_name", V(12));
	view_set(p, "owner", o);
	o = view_object();
	if (PQgetisnull(res, row, col + 13))
		view_set_null(o, "average");
	else
		view_set_str(o, "average", V(13));
	view_set_int(o, "count", num(res, row, col + 14));
	view_set(p, "rating", o);
	view_set_bool(p, "is_listed", V(15)[0] == 't');
	view_set_str(p, "created_at", V(16));
	view_set_str(p, "updated_at", V(17));
#undef V
	if (!c->req->want_json)
		property_html(c, p);
	return p;
}

static long long
owner_of(const json_t *p)
{
	return json_integer_value(json_object_get(json_object_get(p, "owner"),
	    "id"));
}

/* ---------------------------------------------------------------- input */

static void
text_field(struct ctx *c, json_t *errs, const char **v, enum field f,
    int create, int required, size_t max)
{
	const char	*name = field_names[f], *raw = req_param(c->req, name);

	v[f] = raw;
	if (raw == NULL ? create && required : required && field_blank(raw)) {
		view_set_str(errs, name, "is required");
		v[f] = NULL;
		return;
	}
	field_length(errs, name, raw, max);
}

/*
 * Reads the listing's fields into v (NULL: unchanged, for PATCH) and the
 * messages of the bad ones into errs.  Create fills the defaults.
 */
static void
listing_read(struct ctx *c, json_t *errs, const char **v, int create)
{
	const char	*raw;
	char		 money[24], *cur;
	long long	 cents;
	size_t		 i;

	memset(v, 0, F__N * sizeof(*v));
	text_field(c, errs, v, F_NAME, create, 1, 200);
	text_field(c, errs, v, F_DESCRIPTION, create, 0, 10000);
	if (create && v[F_DESCRIPTION] == NULL)
		v[F_DESCRIPTION] = "";
	text_field(c, errs, v, F_ADDRESS, create, 1, 500);
	text_field(c, errs, v, F_CITY, create, 1, 100);
	text_field(c, errs, v, F_COUNTRY, create, 1, 100);

	raw = req_param(c->req, "price_per_night");
	if (raw == NULL ? create : *raw == '\0')
		view_set_str(errs, "price_per_night", "is required");
	else if (raw != NULL) {
		switch (money_parse(raw, MAX_CENTS, &cents)) {
		case MONEY_OK:
			if (cents == 0) {
				view_set_str(errs, "price_per_night",
				    "must be more than 0");
				break;
			}
			money_format(cents, money);
			v[F_PRICE] = arena_strdup(c->arena, money);
			break;
		case MONEY_RANGE:
			view_set_str(errs, "price_per_night",
			    "must be at most 9999999.99");
			break;
		default:
			view_set_str(errs, "price_per_night",
			    "must be an amount like 120.00");
		}
	}

	raw = req_param(c->req, "currency");
	if (raw == NULL || *raw == '\0')
		v[F_CURRENCY] = create ? "USD" : NULL;
	else if (strlen(raw) == 3 && strspn(raw, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz") == 3) {
		cur = arena_strdup(c->arena, raw);
		for (i = 0; i < 3; i++)
			if (cur[i] >= 'a' && cur[i] <= 'z')
				cur[i] = (char)(cur[i] - 'a' + 'A');
		v[F_CURRENCY] = cur;
	} else
		view_set_str(errs, "currency",
		    "must be a 3-letter ISO 4217 code");

	raw = req_param(c->req, "max_guests");
	if (raw == NULL ? create : *raw == '\0')
		view_set_str(errs, "max_guests", "is required");
	else if (raw != NULL) {
		if (field_whole(raw, 1, 100) < 0)
			view_set_str(errs, "max_guests",
			    "must be a whole number from 1 to 100");
		else
			v[F_MAX_GUESTS] = raw;
	}

	raw = req_param(c->req, "cancellation_policy");
	if (raw == NULL || *raw == '\0')
		v[F_POLICY] = create ? "moderate" : NULL;
	else {
		for (i = 0; i < NPOLICIES; i++)
			if (strcmp(raw, policies[i].value) == 0)
				v[F_POLICY] = policies[i].value;
		if (v[F_POLICY] == NULL)
			view_set_str(errs, "cancellation_policy",
			    "must be flexible, moderate or strict");
	}

	raw = req_param(c->req, "is_listed");
	if (create || raw == NULL || *raw == '\0')
		return;
	if (strcmp(raw, "true") == 0 || strcmp(raw, "1") == 0 ||
	    strcmp(raw, "on") == 0)
		v[F_IS_LISTED] = "true";
	else if (strcmp(raw, "false") == 0 || strcmp(raw, "0") == 0 ||
	    strcmp(raw, "off") == 0)
		v[F_IS_LISTED] = "false";
	else
		view_set_str(errs, "is_listed", "must be true or false");
}

/* ---------------------------------------------------------------- forms */

static void
set_opt(json_t *arr, const char *value, const char *label, int selected)
{
	json_t	*o = view_object();

	view_set_str(o, "value", value);
	view_set_str(o, "label", label);
	view_set_bool(o, "selected", selected);
	view_push(arr, o);
}

/*
 * The listing form's view (HTML): the values shown are the listing's (p,
 * or the defaults for a new one) overlaid with what was entered.
 */
static void
form_view(struct ctx *c, const json_t *p)
{
	json_t		*v = view_object(), *form = view_object(), *arr, *o;
	const char	*s, *policy, *listed;
	char		 n[24];
	size_t		 i;

	for (i = 0; i < F__N; i++) {
		const json_t	*pv = p ? json_object_get(p, field_names[i]) :
		    NULL;

		if ((s = req_param(c->req, field_names[i])) == NULL) {
			if (json_is_string(pv))
				s = json_string_value(pv);
			else if (json_is_integer(pv)) {
				snprintf(n, sizeof(n), "%lld",
				    (long long)json_integer_value(pv));
				s = arena_strdup(c->arena, n);
			} else if (json_is_boolean(pv))
				s = json_is_true(pv) ? "true" : "false";
			else if (p == NULL && i == F_CURRENCY)
				s = "USD";
			else if (p == NULL && i == F_POLICY)
				s = "moderate";
			else
				s = "";
		}
		view_set_str(form, field_names[i], s);
	}
	view_set_bool(v, "is_new", p == NULL);
	policy = json_string_value(json_object_get(form,
	    "cancellation_policy"));
	arr = view_array();
	for (i = 0; i < NPOLICIES; i++)
		set_opt(arr, policies[i].value, policies[i].label,
		    strcmp(policy, policies[i].value) == 0);
	view_set(v, "policies", arr);
	listed = json_string_value(json_object_get(form, "is_listed"));
	arr = view_array();
	set_opt(arr, "true", "Listed: guests can find and book it",
	    strcmp(listed, "false") != 0);
	set_opt(arr, "false", "Unlisted: hidden from search, no new bookings",
	    strcmp(listed, "false") == 0);
	view_set(v, "listed_options", arr);
	view_set(v, "form", form);
	if (p == NULL) {
		view_set_str(v, "action", "/properties");
		c->title = "List your place";
	} else {
		o = view_object();
		view_set(o, "id", json_incref(json_object_get(p, "id")));
		view_set(o, "url", json_incref(json_object_get(p, "url")));
		view_set(o, "name", json_incref(json_object_get(p, "name")));
		view_set(o, "delete_url", json_incref(json_object_get(p,
		    "url")));
		view_set(v, "property", o);
		view_set(v, "action", json_incref(json_object_get(p, "url")));
		c->title = "Edit your listing";
	}
	c->view = v;
	c->tmpl = "property-form";
}

/* A 422 from the checks (or from a CHECK constraint, in the same shape). */
static int
listing_invalid(struct ctx *c, json_t *errs, const json_t *p)
{
	if (!c->req->want_json)
		form_view(c, p);
	else
		c->view = NULL;
	return ctx_invalid(c, errs);
}

/* A CHECK the handler's checks let through: name the column's field. */
static int
listing_conflict(struct ctx *c, const json_t *p)
{
	const char	*con = db_constraint(c->db);
	json_t		*errs = view_object();
	size_t		 i, n;

	for (i = 0; i < F__N; i++) {
		n = strlen(field_names[i]);
		if (strncmp(con, "properties_", 11) == 0 &&
		    strncmp(con + 11, field_names[i], n) == 0 &&
		    strcmp(con + 11 + n, "_check") == 0)
			view_set_str(errs, field_names[i], "is not valid");
	}
	if (json_object_size(errs) == 0)
		view_set_str(errs, "name", "could not be saved");
	return listing_invalid(c, errs, p);
}

/* ---------------------------------------------------------------- loading */

/* The listing of the route's {id}, or the status to answer. */
static int
load(struct ctx *c, PGresult **res, json_t **p)
{
	char		 id[24];
	const char	*params[1] = { id };
	enum db_status	 st;

	snprintf(id, sizeof(id), "%lld", c->req->id[0]);
	st = db_exec_row(c->db, c->arena, STMT_PROPERTY_GET, params, 1, res);
	if (st == DB_NONE)
		return ctx_error(c, 404, NULL, "no such listing");
	if (st != DB_OK)
		return ctx_db_error(c, st);
	*p = property_view(c, *res, 0, 0);
	return 0;
}

/* The owner's listing: 403 for the others (a listing is public). */
static int
load_own(struct ctx *c, PGresult **res, json_t **p)
{
	int	 rc;

	if ((rc = load(c, res, p)) != 0)
		return rc;
	if (owner_of(*p) != c->sess.user_id)
		return ctx_error(c, 403, NULL,
		    "only the host can change this listing");
	return 0;
}

/* The booked stays of the next 12 months; 0 or the status. */
static int
load_calendar(struct ctx *c, long today, PGresult **res)
{
	char		 id[24], d[11];
	const char	*params[2] = { id, d };
	enum db_status	 st;

	snprintf(id, sizeof(id), "%lld", c->req->id[0]);
	date_format(today, d);
	st = db_exec(c->db, c->arena, STMT_PROPERTY_CALENDAR, params, 2, res);
	return st == DB_OK ? 0 : ctx_db_error(c, st);
}

static json_t *
months(struct ctx *c, const PGresult *res, long today, int n)
{
	struct calgrid_range	*r;
	int			 i, k = 0;

	r = arena_calloc(c->arena, (size_t)PQntuples(res) + 1, sizeof(*r));
	for (i = 0; i < PQntuples(res); i++)
		if (date_parse(PQgetvalue(res, i, 1), &r[k].start) == 0 &&
		    date_parse(PQgetvalue(res, i, 2), &r[k].end) == 0)
			k++;
	return calgrid_months(today, n, r, (size_t)k);
}

/* ---------------------------------------------------------------- search */

static const char *const search_params[] = { "q", "city", "country",
    "check_in", "check_out", "guests", "min_price", "max_price", "sort" };
#define NSEARCH (sizeof(search_params) / sizeof(search_params[0]))

/* The page's additions: the form's values, the sorts, the next link. */
static void
search_html(struct ctx *c, const struct search *s, const char *next)
{
	json_t		*form = view_object(), *sorts = view_array();
	struct buf	 b, stay;
	const char	*v;
	size_t		 i;
	int		 searched = 0;

	buf_init(&b, c->arena, 256);
	buf_init(&stay, c->arena, 64);
	buf_puts(&b, "/properties?");
	for (i = 0; i < NSEARCH; i++) {
		v = req_query(c->req, search_params[i]);
		view_set_str(form, search_params[i], v ? v : "");
		if (v == NULL || *v == '\0')
			continue;
		if (i < NSEARCH - 1)
			searched = 1;
		buf_printf(&b, "%s=%s&", search_params[i],
		    url_encode(c->arena, v));
		/* Result links carry the stay, for the total on the page. */
		if (i >= 3 && i <= 5)
			buf_printf(&stay, "%s%s=%s", stay.len ? "&" : "?",
			    search_params[i], url_encode(c->arena, v));
	}
	if ((v = req_query(c->req, "limit")) != NULL && *v != '\0')
		buf_printf(&b, "limit=%s&", url_encode(c->arena, v));
	view_set(c->view, "search", form);
	v = req_query(c->req, "sort");
	if (s != NULL && s->q != NULL)
		set_opt(sorts, "relevance", "Best match",
		    s->sort == SORT_RELEVANCE);
	set_opt(sorts, "newest", "Newest", s != NULL ?
	    s->sort == SORT_NEWEST : v == NULL);
	set_opt(sorts, "price_asc", "Price: low to high",
	    s != NULL && s->sort == SORT_PRICE_ASC);
	set_opt(sorts, "price_desc", "Price: high to low",
	    s != NULL && s->sort == SORT_PRICE_DESC);
	set_opt(sorts, "rating", "Rating", s != NULL &&
	    s->sort == SORT_RATING);
	view_set(c->view, "sorts", sorts);
	view_set_bool(c->view, "searched", searched);
	if (next != NULL)
		view_set_str(c->view, "next_url", arena_printf(c->arena,
		    "%scursor=%s", b.data, next));
	else
		view_set_null(c->view, "next_url");
	if (stay.len > 0) {
		json_t	*it;

		json_array_foreach(json_object_get(c->view, "items"), i, it)
			view_set_str(it, "url", arena_printf(c->arena, "%s%s",
			    json_string_value(json_object_get(it, "url")),
			    stay.data));
	}
}

int
h_properties(struct ctx *c)
{
	struct search		 s;
	struct search_sql	 q;
	const char		*err, *next = NULL;
	json_t			*items;
	PGresult		*res;
	enum db_status		 st;
	int			 i, n = 0, last = -1, cols = 1 + PROPERTY_NCOLS;

	c->tmpl = "properties";
	c->title = "Find a place to stay";
	c->view = view_object();
	view_set(c->view, "items", view_array());
	view_set_null(c->view, "next_cursor");
	if ((err = search_parse(&s, c->arena, c->req, date_today())) != NULL) {
		if (!c->req->want_json)
			search_html(c, NULL, NULL);
		return ctx_error(c, 400, NULL, err);
	}
	search_sql(&s, c->arena, &q);
	st = db_exec_sql(c->db, c->arena, q.sql, q.params, q.nparams, &res);
	if (st == DB_INVALID) {
		/* Only a cursor's key reaches the database unchecked. */
		if (!c->req->want_json)
			search_html(c, NULL, NULL);
		return ctx_error(c, 400, NULL, "cursor is not valid");
	}
	if (st != DB_OK)
		return ctx_db_error(c, st);
	items = view_array();
	for (i = 0; i < PQntuples(res); i++) {
		if (PQgetvalue(res, i, 0)[0] != '0') {
			/* Where the scan stopped: go on from there if it
			 * stopped at its bound rather than at the end. */
			if (num(res, i, cols + 2) >= SEARCH_SCAN_BOUND)
				last = i;
			continue;
		}
		if (n == s.limit) {	/* the row after the page */
			next = search_cursor(c->arena, s.sort,
			    PQgetvalue(res, i - 1, cols), PQgetvalue(res, i - 1,
			    1));
			continue;
		}
		view_push(items, property_view(c, res, i, 1));
		n++;
	}
	if (next == NULL && last >= 0)
		next = search_cursor(c->arena, s.sort, PQgetvalue(res, last,
		    cols), PQgetvalue(res, last, 1));
	view_set(c->view, "items", items);
	if (next != NULL)
		view_set_str(c->view, "next_cursor", next);
	if (!c->req->want_json)
		search_html(c, &s, next);
	return 200;
}

/* test_routes: the search's statement and its plan (plan tests, bench). */
int
h_search_sql(struct ctx *c)
{
	struct search		 s;
	struct search_sql	 q;
	const char		*err;
	json_t			*params, *plan;
	PGresult		*res;
	enum db_status		 st;
	int			 i;

	if ((err = search_parse(&s, c->arena, c->req, date_today())) != NULL)
		return ctx_error(c, 400, NULL, err);
	search_sql(&s, c->arena, &q);
	st = db_exec_sql(c->db, c->arena, arena_printf(c->arena,
	    "EXPLAIN (FORMAT JSON) %s", q.sql), q.params, q.nparams, &res);
	if (st != DB_OK)
		return ctx_db_error(c, st);
	params = view_array();
	for (i = 0; i < q.nparams; i++)
		view_push(params, q.params[i] ? json_string(q.params[i]) :
		    json_null());
	plan = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	c->view = view_object();
	view_set_str(c->view, "sql", q.sql);
	view_set(c->view, "params", params);
	view_set(c->view, "plan", plan ? plan : json_null());
	return 200;
}

/* ---------------------------------------------------------------- one */

int
h_property_new(struct ctx *c)
{
	if (c->req->want_json) {
		c->view = view_object();
		return 200;
	}
	form_view(c, NULL);
	return 200;
}

int
h_property_create(struct ctx *c)
{
	json_t		*errs = view_object(), *p;
	const char	*v[F__N], *params[10];
	char		 owner[24];
	PGresult	*res;
	enum db_status	 st;

	listing_read(c, errs, v, 1);
	if (json_object_size(errs) > 0)
		return listing_invalid(c, errs, NULL);
	snprintf(owner, sizeof(owner), "%lld", c->sess.user_id);
	params[0] = owner;
	memcpy(params + 1, v, 9 * sizeof(*v));
	st = db_exec_row(c->db, c->arena, STMT_PROPERTY_INSERT, params, 10,
	    &res);
	if (st == DB_CONFLICT)
		return listing_conflict(c, NULL);
	if (st != DB_OK)
		return ctx_db_error(c, st);
	p = property_view(c, res, 0, 0);
	if (!c->req->want_json)
		return ctx_redirect(c, json_string_value(json_object_get(p,
		    "url")));
	resp_header(c->resp, "Location", arena_printf(c->arena,
	    "/properties/%s", PQgetvalue(res, 0, 0)));
	c->view = p;
	return 201;
}

/* The booking form's state for ?check_in&check_out&guests (HTML). */
static json_t *
booking_view(struct ctx *c, const json_t *p)
{
	json_t		*b = view_object();
	const char	*in = req_query(c->req, "check_in");
	const char	*out = req_query(c->req, "check_out");
	const char	*guests = req_query(c->req, "guests");
	const char	*params[3], *msg = NULL;
	char		 id[24], total[24];
	long		 din, dout;
	long long	 cents;
	PGresult	*res;
	int		 free;

	view_set_str(b, "start_date", in ? in : "");
	view_set_str(b, "end_date", out ? out : "");
	view_set_str(b, "guests", guests ? guests : "1");
	view_set_bool(b, "checked", 0);
	if (in == NULL || out == NULL || *in == '\0' || *out == '\0')
		return b;
	view_set_bool(b, "checked", 1);
	view_set_bool(b, "available", 0);
	if (date_parse(in, &din) != 0 || date_parse(out, &dout) != 0)
		msg = "Dates look like 2026-12-01.";
	else if (din < date_today())
		msg = "Check-in cannot be in the past.";
	else if (dout <= din)
		msg = "Check-out must be after check-in.";
	else if (dout - din > 365)
		msg = "Stays are at most 365 nights.";
	else if (guests != NULL && *guests != '\0' && field_whole(guests, 1,
	    json_integer_value(json_object_get(p, "max_guests"))) < 0)
		msg = "Too many guests for this place.";
	if (msg != NULL) {
		view_set_str(b, "message", msg);
		return b;
	}
	snprintf(id, sizeof(id), "%lld", c->req->id[0]);
	params[0] = id;
	params[1] = in;
	params[2] = out;
	if (db_exec_row(c->db, c->arena, STMT_PROPERTY_FREE, params, 3,
	    &res) != DB_OK)
		return b;
	free = PQgetvalue(res, 0, 0)[0] == 't';
	money_parse(json_string_value(json_object_get(p, "price_per_night")),
	    MAX_CENTS, &cents);
	money_format(cents * (dout - din), total);
	view_set_int(b, "nights", dout - din);
	view_set_str(b, "total_label", arena_printf(c->arena, "%s %s", total,
	    json_string_value(json_object_get(p, "currency"))));
	view_set_bool(b, "available", free);
	view_set_str(b, "message", free ? "These dates are free." :
	    "These dates are taken: try others.");
	return b;
}

int
h_property(struct ctx *c)
{
	PGresult	*res, *cal;
	json_t		*p, *reviews, *r, *who;
	long		 today = date_today();
	size_t		 i;
	int		 rc, own;

	if ((rc = load(c, &res, &p)) != 0)
		return rc;
	reviews = json_loads(PQgetvalue(res, 0, PROPERTY_NCOLS), 0, NULL);
	if (!json_is_array(reviews))
		reviews = view_array();
	view_set(p, "latest_reviews", reviews);
	c->view = p;
	c->tmpl = "property";
	c->title = json_string_value(json_object_get(p, "name"));
	if (c->req->want_json)
		return 200;
	json_array_foreach(reviews, i, r) {
		field_add_date(c, r, "created_at", "created_on");
		who = json_object_get(r, "reviewer");
		view_set_str(who, "url", arena_printf(c->arena, "/users/%s",
		    json_string_value(json_object_get(who, "username"))));
		view_set_str(who, "name", shown_name(json_string_value(
		    json_object_get(who, "display_name")), json_string_value(
		    json_object_get(who, "username"))));
	}
	own = c->sess.user_id != 0 && owner_of(p) == c->sess.user_id;
	view_set_bool(p, "is_owner", own);
	view_set_bool(p, "can_book", !own && json_is_true(json_object_get(p,
	    "is_listed")));
	view_set_str(p, "edit_url", arena_printf(c->arena, "/properties/%lld/edit",
	    c->req->id[0]));
	view_set_str(p, "calendar_url", arena_printf(c->arena,
	    "/properties/%lld/calendar", c->req->id[0]));
	view_set_str(p, "ics_url", arena_printf(c->arena,
	    "/properties/%lld/calendar.ics", c->req->id[0]));
	view_set_str(p, "bookings_url", arena_printf(c->arena,
	    "/properties/%lld/bookings", c->req->id[0]));
	if ((rc = load_calendar(c, today, &cal)) != 0)
		return rc;
	view_set(p, "months", months(c, cal, today, DETAIL_MONTHS));
	view_set(p, "booking", booking_view(c, p));
	return 200;
}

int
h_property_edit(struct ctx *c)
{
	PGresult	*res;
	json_t		*p;
	int		 rc;

	if ((rc = load_own(c, &res, &p)) != 0)
		return rc;
	if (c->req->want_json) {
		c->view = p;
		return 200;
	}
	form_view(c, p);
	return 200;
}

int
h_property_update(struct ctx *c)
{
	json_t		*errs = view_object(), *p;
	const char	*v[F__N], *params[11];
	char		 id[24];
	PGresult	*res;
	enum db_status	 st;
	int		 rc;

	if ((rc = load_own(c, &res, &p)) != 0)
		return rc;
	listing_read(c, errs, v, 0);
	if (json_object_size(errs) > 0)
		return listing_invalid(c, errs, p);
	snprintf(id, sizeof(id), "%lld", c->req->id[0]);
	params[0] = id;
	memcpy(params + 1, v, F__N * sizeof(*v));
	st = db_exec_row(c->db, c->arena, STMT_PROPERTY_UPDATE, params, 11,
	    &res);
	if (st == DB_NONE)	/* deleted meanwhile */
		return ctx_error(c, 404, NULL, "no such listing");
	if (st == DB_CONFLICT)
		return listing_conflict(c, p);
	if (st != DB_OK)
		return ctx_db_error(c, st);
	p = property_view(c, res, 0, 0);
	if (!c->req->want_json)
		return ctx_redirect(c, json_string_value(json_object_get(p,
		    "url")));
	c->view = p;
	return 200;
}

int
h_property_delete(struct ctx *c)
{
	json_t		*p;
	const char	*params[1];
	char		 id[24];
	PGresult	*res;
	enum db_status	 st;
	int		 rc;

	if ((rc = load_own(c, &res, &p)) != 0)
		return rc;
	snprintf(id, sizeof(id), "%lld", c->req->id[0]);
	params[0] = id;
	st = db_exec(c->db, c->arena, STMT_PROPERTY_DELETE, params, 1, &res);
	if (st == DB_CONFLICT || (st == DB_OK && PQntuples(res) == 0))
		st = db_exec(c->db, c->arena, STMT_PROPERTY_UNLIST, params, 1,
		    NULL);
	if (st != DB_OK)
		return ctx_db_error(c, st);
	if (c->req->want_json)
		return 204;
	return ctx_redirect(c, json_string_value(json_object_get(
	    json_object_get(p, "owner"), "url")));
}

/* ---------------------------------------------------------------- calendar */

int
h_calendar(struct ctx *c)
{
	PGresult	*res, *cal;
	json_t		*p, *booked, *b, *prop;
	long		 today = date_today();
	int		 i, rc;

	if ((rc = load(c, &res, &p)) != 0 ||
	    (rc = load_calendar(c, today, &cal)) != 0)
		return rc;
	booked = view_array();
	for (i = 0; i < PQntuples(cal); i++) {
		b = view_object();
		view_set_str(b, "start_date", PQgetvalue(cal, i, 1));
		view_set_str(b, "end_date", PQgetvalue(cal, i, 2));
		view_push(booked, b);
	}
	c->view = view_object();
	view_set(c->view, "booked", booked);
	c->tmpl = "calendar";
	c->title = arena_printf(c->arena, "Availability: %s",
	    json_string_value(json_object_get(p, "name")));
	if (c->req->want_json)
		return 200;
	prop = view_object();
	view_set(prop, "id", json_incref(json_object_get(p, "id")));
	view_set(prop, "name", json_incref(json_object_get(p, "name")));
	view_set(prop, "url", json_incref(json_object_get(p, "url")));
	view_set_str(prop, "ics_url", arena_printf(c->arena,
	    "/properties/%lld/calendar.ics", c->req->id[0]));
	view_set(c->view, "property", prop);
	view_set(c->view, "months", months(c, cal, today, CALENDAR_MONTHS));
	return 200;
}

int
h_calendar_ics(struct ctx *c)
{
	PGresult		*res, *cal;
	json_t			*p;
	struct ical_event	*ev;
	int			 i, n = 0, rc;

	if ((rc = load(c, &res, &p)) != 0 ||
	    (rc = load_calendar(c, date_today(), &cal)) != 0)
		return rc;
	ev = arena_calloc(c->arena, (size_t)PQntuples(cal) + 1, sizeof(*ev));
	for (i = 0; i < PQntuples(cal); i++) {
		if (date_parse(PQgetvalue(cal, i, 1), &ev[n].start) != 0 ||
		    date_parse(PQgetvalue(cal, i, 2), &ev[n].end) != 0)
			continue;
		ev[n].id = num(cal, i, 0);
		ev[n].tentative = PQgetvalue(cal, i, 3)[0] == 't';
		ev[n].stamp = PQgetvalue(cal, i, 4);
		n++;
	}
	resp_text(c->resp, 200, "");
	c->resp->content_type = "text/calendar; charset=utf-8";
	resp_header(c->resp, "Content-Disposition", arena_printf(c->arena,
	    "inline; filename=\"innkeep-%lld.ics\"", c->req->id[0]));
	ical_write(&c->resp->body, json_string_value(json_object_get(p,
	    "name")), PACKAGE_VERSION, ev, (size_t)n);
	return 200;
}
