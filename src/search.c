/*
 * GET /properties: parameters in, one SQL statement out (search.h).
 *
 * The statement has two levels.  The inner scan walks the listings that
 * match the filters an index can serve (q, city, country, and the price
 * range when sorting by price) in sort order from the cursor, and stops
 * after SEARCH_SCAN_BOUND rows.  The outer level applies the other filters
 * (price, guests, free dates) to the rows the scan yields, lazily, and
 * stops at limit + 1.  So a page costs at most SEARCH_SCAN_BOUND index
 * rows and availability probes, however few of them qualify; when the
 * page comes out short, the statement also returns where the scan stopped,
 * and the next page starts from there.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "date.h"
#include "field.h"
#include "money.h"
#include "req.h"
#include "search.h"
#include "sql_cols.h"

#define MAX_CENTS	999999999LL	/* 9999999.99, the column's CHECK */
#define CURSOR_MAX	256		/* characters of an encoded cursor */

const char *const search_sort_names[] = {
	[SORT_NEWEST] = "newest",
	[SORT_PRICE_ASC] = "price_asc",
	[SORT_PRICE_DESC] = "price_desc",
	[SORT_RATING] = "rating",
	[SORT_RELEVANCE] = "relevance",
};

/* How each order sorts, and how its key travels in a cursor. */
static const struct order {
	const char	*key;		/* the sort key over properties p */
	int		 desc;
	const char	*type;		/* its SQL type, for the cursor */
	const char	*chars;		/* the characters of its text form */
} orders[] = {
	[SORT_NEWEST] = { "p.created_at", 1, "timestamptz",
	    "0123456789-:. +" },
	[SORT_PRICE_ASC] = { "p.price_per_night", 0, "numeric",
	    "0123456789." },
	[SORT_PRICE_DESC] = { "p.price_per_night", 1, "numeric",
	    "0123456789." },
	[SORT_RATING] = { "coalesce(p.rating_avg, 0)", 1, "numeric",
	    "0123456789." },
	[SORT_RELEVANCE] = { NULL, 1, "real", "0123456789.e-+" },
};

/* A query parameter; an empty one is no parameter. */
static const char *
param(const struct req *r, const char *name)
{
	const char	*v = req_query(r, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static const char *
price(struct arena *a, const char *name, const char *v, long long *cents)
{
	switch (money_parse(v, MAX_CENTS, cents)) {
	case MONEY_OK:
		return NULL;
	case MONEY_RANGE:
		return arena_printf(a, "%s must be at most 9999999.99", name);
	default:
		return arena_printf(a, "%s must be an amount like 120.00",
		    name);
	}
}

static const char *
text(struct arena *a, const char *name, const char *v, size_t max,
    const char **out)
{
	*out = v;
	if (v != NULL && field_chars(v) > max)
		return arena_printf(a, "%s must be at most %zu characters",
		    name, max);
	return NULL;
}

static const char *
dates(struct search *s, const struct req *r, long today)
{
	const char	*in = param(r, "check_in"), *out = param(r, "check_out");

	if (in == NULL && out == NULL)
		return NULL;
	if (in == NULL)
		return "check_in is required with check_out";
	if (out == NULL)
		return "check_out is required with check_in";
	if (date_parse(in, &s->check_in) != 0)
		return "check_in must be a date like 2026-12-01";
	if (date_parse(out, &s->check_out) != 0)
		return "check_out must be a date like 2026-12-01";
	if (s->check_in < today)
		return "check_in must not be in the past";
	if (s->check_out <= s->check_in)
		return "check_out must be after check_in";
	if (s->check_out - s->check_in > 365)
		return "check_out must be at most 365 nights after check_in";
	s->has_dates = 1;
	return NULL;
}

/*
 * q for websearch_to_tsquery(): a run of '-' is one '-', and a '-' that
 * negates nothing (before a blank, another operator or the end) is a
 * blank.  PostgreSQL nests one level per '-' and fails a long run with
 * "tsquery stack too small"; a lone '-' means nothing to people either.
 */
static const char *
q_clean(struct arena *a, const char *q)
{
	char		*out = arena_strdup(a, q), *o = out;
	const char	*p;

	for (p = q; *p != '\0'; p++) {
		if (*p != '-') {
			*o++ = *p;
			continue;
		}
		while (p[1] == '-')
			p++;
		*o++ = p[1] != '\0' && strchr(" \t\r\n-()|&!:*<>'", p[1]) ==
		    NULL ? '-' : ' ';
	}
	*o = '\0';
	return out;
}

/* "sort|key|id", base64url: opaque to clients, checked here. */
static const char *
cursor(struct search *s, struct arena *a, const char *v)
{
	const struct order	*o = &orders[s->sort];
	const char		*bad = "cursor is not valid";
	const char		*name = search_sort_names[s->sort];
	unsigned char		*bin;
	char			*key, *id;
	size_t			 len, n;

	if (strlen(v) > CURSOR_MAX)
		return bad;
	bin = arena_alloc(a, CURSOR_MAX + 1);
	if (sodium_base642bin(bin, CURSOR_MAX, v, strlen(v), NULL, &len,
	    NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return bad;
	bin[len] = '\0';
	if (memchr(bin, '\0', len) != NULL)
		return bad;
	if ((key = strchr((char *)bin, '|')) == NULL)
		return bad;
	*key++ = '\0';
	if (strcmp((char *)bin, name) != 0) {
		for (n = 0; n < sizeof(orders) / sizeof(orders[0]); n++)
			if (strcmp((char *)bin, search_sort_names[n]) == 0)
				return "cursor belongs to another sort order";
		return bad;
	}
	if ((id = strchr(key, '|')) == NULL)
		return bad;
	*id++ = '\0';
	if (*key == '\0' || strlen(key) > 40 ||
	    strspn(key, o->chars) != strlen(key))
		return bad;
	if (*id == '\0' || *id == '0' || strlen(id) > 18 ||
	    strspn(id, "0123456789") != strlen(id))
		return bad;
	s->cursor_key = key;
	s->cursor_id = id;
	return NULL;
}

const char *
search_parse(struct search *s, struct arena *a, const struct req *r,
    long today)
{
	const char	*v, *err;
	size_t		 i;

	memset(s, 0, sizeof(*s));
	s->min_cents = s->max_cents = -1;
	s->limit = 20;
	if ((err = text(a, "q", param(r, "q"), 200, &s->q)) != NULL ||
	    (err = text(a, "city", param(r, "city"), 100, &s->city)) != NULL ||
	    (err = text(a, "country", param(r, "country"), 100,
	    &s->country)) != NULL)
		return err;
	/* A q of blanks searches for nothing in particular: no q. */
	if (s->q != NULL && field_blank(s->q = q_clean(a, s->q)))
		s->q = NULL;
	if ((v = param(r, "min_price")) != NULL &&
	    (err = price(a, "min_price", v, &s->min_cents)) != NULL)
		return err;
	if ((v = param(r, "max_price")) != NULL &&
	    (err = price(a, "max_price", v, &s->max_cents)) != NULL)
		return err;
	if (s->min_cents >= 0 && s->max_cents >= 0 &&
	    s->max_cents < s->min_cents)
		return "max_price must not be below min_price";
	if ((v = param(r, "guests")) != NULL &&
	    (s->guests = (int)field_whole(v, 1, 100)) < 0)
		return "guests must be a whole number from 1 to 100";
	if ((err = dates(s, r, today)) != NULL)
		return err;
	s->sort = s->q != NULL ? SORT_RELEVANCE : SORT_NEWEST;
	if ((v = param(r, "sort")) != NULL) {
		for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
			if (strcmp(v, search_sort_names[i]) == 0)
				break;
		if (i == sizeof(orders) / sizeof(orders[0]))
			return s->q != NULL ? "sort must be relevance, newest, "
			    "price_asc, price_desc or rating" : "sort must be "
			    "newest, price_asc, price_desc or rating";
		if (i == SORT_RELEVANCE && s->q == NULL)
			return "sort relevance needs q";
		s->sort = (enum search_sort)i;
	}
	if ((v = param(r, "limit")) != NULL &&
	    (s->limit = (int)field_whole(v, 1, 100)) < 0)
		return "limit must be a whole number from 1 to 100";
	if ((v = param(r, "cursor")) != NULL &&
	    (err = cursor(s, a, v)) != NULL)
		return err;
	return NULL;
}

char *
search_cursor(struct arena *a, enum search_sort sort, const char *key,
    const char *id)
{
	const char	*raw = arena_printf(a, "%s|%s|%s",
	    search_sort_names[sort], key, id);
	size_t		 n = strlen(raw), cap;
	char		*out;

	cap = sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	out = arena_alloc(a, cap);
	sodium_bin2base64(out, cap, (const unsigned char *)raw, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/* ---------------------------------------------------------------- SQL */

struct sql {
	struct buf		 b;
	struct search_sql	*out;
	struct arena		*a;
};

/* Adds a parameter; its $n. */
static int
bind(struct sql *q, const char *v)
{
	q->out->params[q->out->nparams] = v;
	return ++q->out->nparams;
}

/* The cents as a decimal parameter. */
static int
bind_cents(struct sql *q, long long cents)
{
	char	 m[24];

	money_format(cents, m);
	return bind(q, arena_strdup(q->a, m));
}

/* What an index serves, and the cursor: the scan's WHERE. */
static void
scan_where(struct sql *q, const struct search *s, const char *key,
    const int *pn)
{
	const struct order	*o = &orders[s->sort];
	int			 price_sort = s->sort == SORT_PRICE_ASC ||
	    s->sort == SORT_PRICE_DESC;

	buf_puts(&q->b, " WHERE p.is_listed");
	if (pn[0])
		buf_printf(&q->b, " AND p.search @@ "
		    "websearch_to_tsquery('simple', $%d)", pn[0]);
	if (pn[1])
		buf_printf(&q->b, " AND lower(p.city) = lower($%d)", pn[1]);
	if (pn[2])
		buf_printf(&q->b, " AND lower(p.country) = lower($%d)", pn[2]);
	if (price_sort && pn[3])
		buf_printf(&q->b, " AND p.price_per_night >= $%d::numeric",
		    pn[3]);
	if (price_sort && pn[4])
		buf_printf(&q->b, " AND p.price_per_night <= $%d::numeric",
		    pn[4]);
	if (pn[5])
		buf_printf(&q->b, " AND (%s, p.id) %s ($%d::%s, $%d::bigint)",
		    key, o->desc ? "<" : ">", pn[5], o->type, pn[6]);
	buf_printf(&q->b, " ORDER BY %s %s, p.id %s LIMIT %d", key,
	    o->desc ? "DESC" : "ASC", o->desc ? "DESC" : "ASC",
	    SEARCH_SCAN_BOUND);
}

void
search_sql(const struct search *s, struct arena *a, struct search_sql *out)
{
	const struct order	*o = &orders[s->sort];
	const char		*dir = o->desc ? "DESC" : "ASC";
	const char		*rdir = o->desc ? "ASC" : "DESC";
	const char		*key = o->key;
	struct sql		 q;
	/* $n of q, city, country, min, max, cursor key, cursor id */
	int			 pn[7] = { 0 }, pguests = 0, pin = 0, pout = 0;
	int			 plimit, outer = 0;
	char			 d[11];
	int			 price_sort = s->sort == SORT_PRICE_ASC ||
	    s->sort == SORT_PRICE_DESC;

	memset(out, 0, sizeof(*out));
	q.out = out;
	q.a = a;
	buf_init(&q.b, a, 2048);
	if (s->q != NULL)
		pn[0] = bind(&q, s->q);
	if (s->city != NULL)
		pn[1] = bind(&q, s->city);
	if (s->country != NULL)
		pn[2] = bind(&q, s->country);
	if (s->min_cents >= 0)
		pn[3] = bind_cents(&q, s->min_cents);
	if (s->max_cents >= 0)
		pn[4] = bind_cents(&q, s->max_cents);
	if (s->cursor_key != NULL) {
		pn[5] = bind(&q, s->cursor_key);
		pn[6] = bind(&q, s->cursor_id);
	}
	if (s->guests > 0)
		pguests = bind(&q, arena_printf(a, "%d", s->guests));
	if (s->has_dates) {
		date_format(s->check_in, d);
		pin = bind(&q, arena_strdup(a, d));
		date_format(s->check_out, d);
		pout = bind(&q, arena_strdup(a, d));
	}
	plimit = bind(&q, arena_printf(a, "%d", s->limit + 1));
	if (key == NULL)	/* relevance */
		key = arena_printf(a, "ts_rank(p.search, "
		    "websearch_to_tsquery('simple', $%d))", pn[0]);

	/*
	 * The page: the scan, then the other filters, limit + 1 rows.  The
	 * %s below are only sort keys of orders[] and the $%d parameter
	 * numbers: no value of the request is ever printed into the text
	 * (check_search and fuzz_search hold that).
	 */
	buf_printf(&q.b, "WITH hit AS MATERIALIZED (SELECT s.id, s.k FROM ("
	    "SELECT p.id, %s AS k, p.price_per_night, p.max_guests "
	    "FROM properties p", key);
	scan_where(&q, s, key, pn);
	buf_puts(&q.b, ") s");
#define AND() buf_puts(&q.b, outer++ ? " AND " : " WHERE ")
	if (!price_sort && pn[3]) {
		AND();
		buf_printf(&q.b, "s.price_per_night >= $%d::numeric", pn[3]);
	}
	if (!price_sort && pn[4]) {
		AND();
		buf_printf(&q.b, "s.price_per_night <= $%d::numeric", pn[4]);
	}
	if (pguests) {
		AND();
		buf_printf(&q.b, "s.max_guests >= $%d::integer", pguests);
	}
	if (pin) {
		/*
		 * The predicate of bookings_no_overlap, so that its index
		 * answers; 'completed' stays are in the past and never meet
		 * dates from today on.
		 */
		AND();
		buf_printf(&q.b, "NOT EXISTS (SELECT 1 FROM bookings b "
		    "WHERE b.property_id = s.id AND daterange(b.start_date, "
		    "b.end_date, '[)') && daterange($%d::date, $%d::date, '[)') "
		    "AND b.status IN ('pending', 'confirmed', 'completed'))",
		    pin, pout);
	}
#undef AND
	buf_printf(&q.b, " ORDER BY s.k %s, s.id %s LIMIT $%d::integer) ",
	    dir, dir, plimit);

	/* Its rows, with the listing and its owner. */
	buf_puts(&q.b, "SELECT 0 AS part, " PROPERTY_COLS ", h.k::text, "
	    "h.k AS sk, NULL::bigint AS scanned FROM hit h "
	    "JOIN properties p ON p.id = h.id "
	    "JOIN users u ON u.id = p.owner_id ");

	/* A short page: where the scan stopped, and how far it went. */
	buf_puts(&q.b, "UNION ALL SELECT 1, e.id");
	for (int i = 1; i < PROPERTY_NCOLS; i++)
		buf_puts(&q.b, ", NULL");
	buf_printf(&q.b, ", e.k::text, e.k, e.n FROM (SELECT x.id, x.k, "
	    "count(*) OVER () AS n FROM (SELECT p.id, %s AS k "
	    "FROM properties p", key);
	scan_where(&q, s, key, pn);
	buf_printf(&q.b, ") x ORDER BY x.k %s, x.id %s LIMIT 1) e "
	    "WHERE (SELECT count(*) FROM hit) < $%d::integer "
	    "ORDER BY part, sk %s, 2 %s", rdir, rdir, plimit, dir, dir);
	out->sql = q.b.data;
}
