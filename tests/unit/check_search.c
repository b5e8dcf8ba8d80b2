/*
 * Unit tests: the search of GET /properties (docs/properties.md, "Search"):
 * query strings read into a struct search, every 400 message, cursors,
 * and the shape of the one SQL statement.
 */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "date.h"
#include "req.h"
#include "search.h"
#include "unit.h"

#define NSORTS	5

static struct arena	*a;
static long		 today;		/* 2026-06-15 */

static void
setup(void)
{
	a = arena_new(4096);
	ck_assert_int_eq(date_parse("2026-06-15", &today), 0);
}

static void
teardown(void)
{
	arena_free(a);
}

/* The query string qs read as the server reads it, then searched. */
static const char *
parse(struct search *s, const char *qs)
{
	struct req		*r = arena_calloc(a, 1, sizeof(*r));
	struct req_limits	 lim;
	const char		*why = NULL;

	req_limits_default(&lim, 65536);
	r->arena = a;
	r->query = qs;
	if (req_parse_urlencoded(a, qs, strlen(qs), &lim, &r->query_fields,
	    &why) != REQ_OK)
		ck_abort_msg("query \"%s\" not parsed: %s", qs, why);
	return search_parse(s, a, r, today);
}

static void
accepted(struct search *s, const char *qs)
{
	const char	*err = parse(s, qs);

	if (err != NULL)
		ck_abort_msg("\"%s\" refused: %s", qs, err);
}

/* Refused with exactly msg, which starts with a parameter's name. */
static void
refused(const char *qs, const char *msg)
{
	static const char *const names[] = { "q ", "city ", "country ",
	    "min_price ", "max_price ", "guests ", "check_in ", "check_out ",
	    "sort ", "limit ", "cursor " };
	struct search	 s;
	const char	*err = parse(&s, qs);
	size_t		 i;

	if (err == NULL)
		ck_abort_msg("\"%s\" accepted, expected \"%s\"", qs, msg);
	if (strcmp(err, msg) != 0)
		ck_abort_msg("\"%s\": \"%s\", expected \"%s\"", qs, err, msg);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(err, names[i], strlen(names[i])) == 0)
			return;
	ck_abort_msg("\"%s\" does not start with a parameter's name", err);
}

/* name=v repeated n times, percent-encoded as given. */
static const char *
repeat(const char *name, const char *v, size_t n)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b, a, 64);
	buf_printf(&b, "%s=", name);
	for (i = 0; i < n; i++)
		buf_puts(&b, v);
	return b.data;
}

/* Base64url of len raw bytes, as a cursor is encoded. */
static const char *
b64(const char *raw, size_t len)
{
	size_t	 cap = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char	*out = arena_alloc(a, cap);

	sodium_bin2base64(out, cap, (const unsigned char *)raw, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static const char *
date_plus(long days)
{
	char	 d[11];

	date_format(today + days, d);
	return arena_strdup(a, d);
}

/* ------------------------------------------------------------ parsing */

START_TEST(test_defaults)
{
	struct search	 s;

	accepted(&s, "");
	ck_assert_ptr_null(s.q);
	ck_assert_ptr_null(s.city);
	ck_assert_ptr_null(s.country);
	ck_assert_int_eq(s.min_cents, -1);
	ck_assert_int_eq(s.max_cents, -1);
	ck_assert_int_eq(s.guests, 0);
	ck_assert_int_eq(s.has_dates, 0);
	ck_assert_int_eq(s.sort, SORT_NEWEST);
	ck_assert_int_eq(s.limit, 20);
	ck_assert_ptr_null(s.cursor_key);
	ck_assert_ptr_null(s.cursor_id);
	/* Parameters it does not know are none of its business. */
	accepted(&s, "page=3&utm_source=x");
	ck_assert_int_eq(s.sort, SORT_NEWEST);
	ck_assert_int_eq(s.limit, 20);
}
END_TEST

START_TEST(test_all_values)
{
	struct search	 s;
	const char	*qs;

	qs = arena_printf(a, "q=sea+view&city=Lisboa&country=Portugal&"
	    "min_price=50&max_price=120.5&guests=4&check_in=%s&"
	    "check_out=%s&sort=price_asc&limit=100", date_plus(0),
	    date_plus(7));
	accepted(&s, qs);
	ck_assert_str_eq(s.q, "sea view");
	ck_assert_str_eq(s.city, "Lisboa");
	ck_assert_str_eq(s.country, "Portugal");
	ck_assert_int_eq(s.min_cents, 5000);
	ck_assert_int_eq(s.max_cents, 12050);
	ck_assert_int_eq(s.guests, 4);
	ck_assert_int_eq(s.has_dates, 1);
	ck_assert_int_eq(s.check_in, today);
	ck_assert_int_eq(s.check_out, today + 7);
	ck_assert_int_eq(s.sort, SORT_PRICE_ASC);
	ck_assert_int_eq(s.limit, 100);
	/* The bounds that are allowed. */
	accepted(&s, "guests=1&limit=1&min_price=0&max_price=9999999.99");
	ck_assert_int_eq(s.guests, 1);
	ck_assert_int_eq(s.limit, 1);
	ck_assert_int_eq(s.min_cents, 0);
	ck_assert_int_eq(s.max_cents, 999999999LL);
	accepted(&s, "guests=100&min_price=10&max_price=10");
	ck_assert_int_eq(s.guests, 100);
	ck_assert_int_eq(s.min_cents, 1000);
	ck_assert_int_eq(s.max_cents, 1000);
}
END_TEST

START_TEST(test_sort)
{
	struct search	 s;
	size_t		 i;

	/* With q and no sort: relevance; an explicit sort wins. */
	accepted(&s, "q=beach");
	ck_assert_int_eq(s.sort, SORT_RELEVANCE);
	ck_assert_str_eq(s.q, "beach");
	accepted(&s, "q=beach&sort=newest");
	ck_assert_int_eq(s.sort, SORT_NEWEST);
	accepted(&s, "sort=rating&q=beach");
	ck_assert_int_eq(s.sort, SORT_RATING);
	accepted(&s, "q=beach&sort=relevance");
	ck_assert_int_eq(s.sort, SORT_RELEVANCE);
	for (i = 0; i < NSORTS; i++) {
		accepted(&s, arena_printf(a, "q=x&sort=%s",
		    search_sort_names[i]));
		ck_assert_int_eq(s.sort, (int)i);
		if (i == SORT_RELEVANCE)
			continue;
		accepted(&s, arena_printf(a, "sort=%s",
		    search_sort_names[i]));
		ck_assert_int_eq(s.sort, (int)i);
	}
	refused("sort=relevance", "sort relevance needs q");
	refused("q=&sort=relevance", "sort relevance needs q");
	refused("sort=cheapest",
	    "sort must be newest, price_asc, price_desc or rating");
	refused("sort=NEWEST",
	    "sort must be newest, price_asc, price_desc or rating");
	refused("sort=newest+",
	    "sort must be newest, price_asc, price_desc or rating");
	refused("q=x&sort=cheapest", "sort must be relevance, newest, "
	    "price_asc, price_desc or rating");
}
END_TEST

START_TEST(test_empty_is_absent)
{
	struct search	 s;

	accepted(&s, "q=&city=&country=&min_price=&max_price=&guests=&"
	    "check_in=&check_out=&sort=&limit=&cursor=");
	ck_assert_ptr_null(s.q);
	ck_assert_ptr_null(s.city);
	ck_assert_ptr_null(s.country);
	ck_assert_int_eq(s.min_cents, -1);
	ck_assert_int_eq(s.max_cents, -1);
	ck_assert_int_eq(s.guests, 0);
	ck_assert_int_eq(s.has_dates, 0);
	ck_assert_int_eq(s.sort, SORT_NEWEST);
	ck_assert_int_eq(s.limit, 20);
	ck_assert_ptr_null(s.cursor_key);
	accepted(&s, "q&city&sort");
	ck_assert_ptr_null(s.q);
	ck_assert_int_eq(s.sort, SORT_NEWEST);
	/* One date empty is that date missing. */
	refused(arena_printf(a, "check_in=%s&check_out=", date_plus(1)),
	    "check_out is required with check_in");
}
END_TEST

START_TEST(test_blank_q)
{
	struct search	 s;

	accepted(&s, "q=+++");
	ck_assert_ptr_null(s.q);
	ck_assert_int_eq(s.sort, SORT_NEWEST);
	accepted(&s, "q=%20%09%0D%0A");
	ck_assert_ptr_null(s.q);
	refused("q=++&sort=relevance", "sort relevance needs q");
	/* Blanks around words are the words' business. */
	accepted(&s, "q=+sea+");
	ck_assert_str_eq(s.q, " sea ");
	ck_assert_int_eq(s.sort, SORT_RELEVANCE);
}
END_TEST

START_TEST(test_text_lengths)
{
	struct search	 s;

	accepted(&s, repeat("q", "a", 200));
	ck_assert_int_eq(strlen(s.q), 200);
	refused(repeat("q", "a", 201), "q must be at most 200 characters");
	/* Characters, not bytes: 200 two-byte é are 400 bytes and fine. */
	accepted(&s, repeat("q", "%C3%A9", 200));
	ck_assert_int_eq(strlen(s.q), 400);
	refused(repeat("q", "%C3%A9", 201),
	    "q must be at most 200 characters");
	/* Four-byte characters too. */
	accepted(&s, repeat("q", "%F0%9F%8F%A0", 200));
	refused(repeat("q", "%F0%9F%8F%A0", 201),
	    "q must be at most 200 characters");
	/* Too long is refused even when blank. */
	refused(repeat("q", "+", 201), "q must be at most 200 characters");

	accepted(&s, repeat("city", "%C3%A9", 100));
	refused(repeat("city", "b", 101),
	    "city must be at most 100 characters");
	refused(repeat("city", "%C3%A9", 101),
	    "city must be at most 100 characters");
	accepted(&s, repeat("country", "c", 100));
	ck_assert_int_eq(strlen(s.country), 100);
	refused(repeat("country", "c", 101),
	    "country must be at most 100 characters");
}
END_TEST

START_TEST(test_prices)
{
	static const char *const syntax[] = { "abc", "1.234", "-1", "1e3",
	    "1,5", ".5", "1.", "+1", "%201", "0x10" };
	size_t	 i;

	for (i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++) {
		refused(arena_printf(a, "min_price=%s", syntax[i]),
		    "min_price must be an amount like 120.00");
		refused(arena_printf(a, "max_price=%s", syntax[i]),
		    "max_price must be an amount like 120.00");
	}
	refused("min_price=10000000", "min_price must be at most 9999999.99");
	refused("max_price=10000000.00",
	    "max_price must be at most 9999999.99");
	refused("max_price=99999999999999999999999999",
	    "max_price must be at most 9999999.99");
	refused("min_price=100&max_price=99.99",
	    "max_price must not be below min_price");
	refused("max_price=0&min_price=0.01",
	    "max_price must not be below min_price");
}
END_TEST

START_TEST(test_guests)
{
	static const char *const bad[] = { "0", "101", "2.5", "abc", "-1",
	    "+1", "1e1", "%201", "1000000", "99999999999999999999" };
	struct search	 s;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(arena_printf(a, "guests=%s", bad[i]),
		    "guests must be a whole number from 1 to 100");
	accepted(&s, "guests=007");
	ck_assert_int_eq(s.guests, 7);
}
END_TEST

START_TEST(test_dates)
{
	struct search	 s;
	const char	*in = date_plus(10);

	refused(arena_printf(a, "check_in=%s", in),
	    "check_out is required with check_in");
	refused(arena_printf(a, "check_out=%s", in),
	    "check_in is required with check_out");
	refused("check_in=2026-02-30&check_out=2026-03-02",
	    "check_in must be a date like 2026-12-01");
	refused(arena_printf(a, "check_in=%s&check_out=2027-02-29", in),
	    "check_out must be a date like 2026-12-01");
	refused(arena_printf(a, "check_in=%s&check_out=tomorrow", in),
	    "check_out must be a date like 2026-12-01");
	refused("check_in=2026-7-1&check_out=2026-07-05",
	    "check_in must be a date like 2026-12-01");
	refused("check_in=01%2F07%2F2026&check_out=2026-07-05",
	    "check_in must be a date like 2026-12-01");
	/* Today is allowed, yesterday is not. */
	accepted(&s, arena_printf(a, "check_in=%s&check_out=%s",
	    date_plus(0), date_plus(1)));
	ck_assert_int_eq(s.has_dates, 1);
	ck_assert_int_eq(s.check_in, today);
	ck_assert_int_eq(s.check_out, today + 1);
	refused(arena_printf(a, "check_in=%s&check_out=%s", date_plus(-1),
	    date_plus(1)), "check_in must not be in the past");
	refused("check_in=1970-01-01&check_out=1970-01-02",
	    "check_in must not be in the past");
	refused(arena_printf(a, "check_in=%s&check_out=%s", in, in),
	    "check_out must be after check_in");
	refused(arena_printf(a, "check_in=%s&check_out=%s", in,
	    date_plus(9)), "check_out must be after check_in");
	/* 365 nights, not 366. */
	accepted(&s, arena_printf(a, "check_in=%s&check_out=%s", in,
	    date_plus(10 + 365)));
	ck_assert_int_eq(s.check_out - s.check_in, 365);
	refused(arena_printf(a, "check_in=%s&check_out=%s", in,
	    date_plus(10 + 366)),
	    "check_out must be at most 365 nights after check_in");
	refused("check_in=2026-07-01&check_out=9999-12-31",
	    "check_out must be at most 365 nights after check_in");
	/* The day the caller says is today is the one that counts. */
	ck_assert_int_eq(date_parse("2030-01-01", &today), 0);
	refused("check_in=2029-12-31&check_out=2030-01-02",
	    "check_in must not be in the past");
	accepted(&s, "check_in=2030-01-01&check_out=2030-01-02");
}
END_TEST

START_TEST(test_limit)
{
	static const char *const bad[] = { "0", "101", "abc", "-5", "20.0",
	    "1e2", "%2020", "100000000000000000000" };
	struct search	 s;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(arena_printf(a, "limit=%s", bad[i]),
		    "limit must be a whole number from 1 to 100");
	accepted(&s, "limit=100");
	ck_assert_int_eq(s.limit, 100);
	accepted(&s, "limit=1");
	ck_assert_int_eq(s.limit, 1);
}
END_TEST

/* ------------------------------------------------------------ cursors */

START_TEST(test_cursor_round_trip)
{
	static const struct {
		enum search_sort	 sort;
		const char		*key;
		const char		*id;
	} c[] = {
		{ SORT_NEWEST, "2026-01-02 03:04:05.123456+00", "42" },
		{ SORT_NEWEST, "2026-01-02 03:04:05+05:30", "1" },
		{ SORT_NEWEST, "1999-12-31 23:59:59-08", "999999999999999999" },
		{ SORT_PRICE_ASC, "120.50", "7" },
		{ SORT_PRICE_ASC, "0.00", "123456789" },
		{ SORT_PRICE_DESC, "9999999.99", "100" },
		{ SORT_RATING, "4.6666666666666667", "3" },
		{ SORT_RATING, "0", "8" },
		{ SORT_RELEVANCE, "0.0607927", "55" },
		{ SORT_RELEVANCE, "1e-05", "56" },
		{ SORT_RELEVANCE, "1.5e+20", "57" },
	};
	struct search	 s;
	const char	*cur, *qs;
	size_t		 i, k;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cur = search_cursor(a, c[i].sort, c[i].key, c[i].id);
		ck_assert(strlen(cur) <= 256);
		/* Query-string safe as it is. */
		ck_assert_uint_eq(strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_"), strlen(cur));
		qs = arena_printf(a, "q=sea&sort=%s&cursor=%s",
		    search_sort_names[c[i].sort], cur);
		accepted(&s, qs);
		ck_assert_int_eq(s.sort, c[i].sort);
		ck_assert_str_eq(s.cursor_key, c[i].key);
		ck_assert_str_eq(s.cursor_id, c[i].id);
		/* The same cursor under every other order is refused. */
		for (k = 0; k < NSORTS; k++) {
			if (k == c[i].sort)
				continue;
			refused(arena_printf(a, "q=sea&sort=%s&cursor=%s",
			    search_sort_names[k], cur),
			    "cursor belongs to another sort order");
		}
	}
	/* The default orders, with and without q. */
	cur = search_cursor(a, SORT_NEWEST, "2026-01-02 03:04:05+00", "9");
	accepted(&s, arena_printf(a, "cursor=%s", cur));
	ck_assert_str_eq(s.cursor_key, "2026-01-02 03:04:05+00");
	refused(arena_printf(a, "q=sea&cursor=%s", cur),
	    "cursor belongs to another sort order");
	cur = search_cursor(a, SORT_RELEVANCE, "0.5", "9");
	accepted(&s, arena_printf(a, "q=sea&cursor=%s", cur));
	ck_assert_str_eq(s.cursor_key, "0.5");
	refused(arena_printf(a, "cursor=%s", cur),
	    "cursor belongs to another sort order");
	/* price_asc and price_desc share a prefix, not an order. */
	cur = search_cursor(a, SORT_PRICE_ASC, "1.00", "9");
	refused(arena_printf(a, "sort=price_desc&cursor=%s", cur),
	    "cursor belongs to another sort order");
}
END_TEST

START_TEST(test_cursor_garbage)
{
	static const char *const raw[] = {
		"newest|x|1",			/* forbidden in the key */
		"newest|2026-01-01;DROP|1",
		"price_asc|1-2|1",		/* '-' is not a price's */
		"newest|2026|0",		/* id 0 */
		"newest|2026|01",		/* leading zero */
		"newest|2026|1234567890123456789", /* 19 digits */
		"newest|2026|-1",
		"newest|2026|1 ",
		"newest|2026|",			/* no id */
		"newest||1",			/* no key */
		"newest|2026",			/* one separator */
		"newest|2026|1|2",		/* two ids */
		"newest|12345678901234567890123456789012345678901|1",
	};
	struct search	 s;
	const char	*sort;
	char		 nul[] = "newest|2026\0-01-01|1";
	size_t		 i;

	for (i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
		sort = raw[i][0] == 'p' ? "price_asc" : "newest";
		refused(arena_printf(a, "sort=%s&cursor=%s", sort,
		    b64(raw[i], strlen(raw[i]))), "cursor is not valid");
	}
	/* The longest id and key are fine. */
	accepted(&s, arena_printf(a, "cursor=%s",
	    b64("newest|2026|123456789012345678", 30)));
	ck_assert_str_eq(s.cursor_id, "123456789012345678");
	accepted(&s, arena_printf(a, "cursor=%s", b64("newest|"
	    "1234567890123456789012345678901234567890|1", 49)));
	ck_assert_uint_eq(strlen(s.cursor_key), 40);
	/* An embedded NUL. */
	refused(arena_printf(a, "cursor=%s", b64(nul, sizeof(nul) - 1)),
	    "cursor is not valid");
	/* Not base64url. */
	refused("cursor=!!!", "cursor is not valid");
	refused("cursor=bmV3ZXN0fDIwMjZ8MQ%3D%3D", "cursor is not valid");
	refused("cursor=bmV3ZXN0fDIw%2FjZ8MQ", "cursor is not valid");
	refused("cursor=A", "cursor is not valid");
	/* Over 256 characters, and 256 of them that decode to NULs. */
	refused(repeat("cursor", "A", 257), "cursor is not valid");
	refused(repeat("cursor", "A", 256), "cursor is not valid");
	refused(repeat("cursor", "bmV3", 1000), "cursor is not valid");
	/* Checked last: any earlier error wins. */
	refused("limit=0&cursor=!!!",
	    "limit must be a whole number from 1 to 100");
}
END_TEST

/* ---------------------------------------------------------------- SQL */

/* Parses qs (which must be good) and builds its statement. */
static void
sql(struct search_sql *q, const char *qs)
{
	struct search	 s;
	const char	*p;
	int		 used[SEARCH_MAX_PARAMS + 1] = { 0 };
	long		 n;
	int		 i;

	accepted(&s, qs);
	search_sql(&s, a, q);
	ck_assert_ptr_nonnull(q->sql);
	ck_assert_int_ge(q->nparams, 1);
	ck_assert_int_le(q->nparams, SEARCH_MAX_PARAMS);
	/* $1..$n for exactly n parameters, each of them used. */
	for (p = strchr(q->sql, '$'); p != NULL; p = strchr(p + 1, '$')) {
		if (!isdigit((unsigned char)p[1]))
			ck_abort_msg("a '$' without a number: %s", p);
		n = strtol(p + 1, NULL, 10);
		if (n < 1 || n > q->nparams)
			ck_abort_msg("$%ld with %d parameters", n, q->nparams);
		used[n] = 1;
	}
	for (i = 1; i <= q->nparams; i++) {
		if (!used[i])
			ck_abort_msg("$%d unused in %s", i, q->sql);
		ck_assert_ptr_nonnull(q->params[i - 1]);
	}
	/* The last parameter is limit + 1. */
	ck_assert_str_eq(q->params[q->nparams - 1],
	    arena_printf(a, "%d", s.limit + 1));
	ck_assert_ptr_nonnull(strstr(q->sql, arena_printf(a,
	    "LIMIT $%d::integer", q->nparams)));
	/* The scan's bound, in the page and in where it stopped. */
	p = strstr(q->sql, "LIMIT 1000");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p + 1, "LIMIT 1000"));
}

static int
has_param(const struct search_sql *q, const char *v)
{
	int	 i;

	for (i = 0; i < q->nparams; i++)
		if (strcmp(q->params[i], v) == 0)
			return 1;
	return 0;
}

START_TEST(test_sql_params)
{
	struct search_sql	 q;
	const char		*cur;

	sql(&q, "");
	ck_assert_int_eq(q.nparams, 1);
	ck_assert_str_eq(q.params[0], "21");
	sql(&q, "limit=100");
	ck_assert_str_eq(q.params[0], "101");
	sql(&q, "limit=1");
	ck_assert_str_eq(q.params[0], "2");

	/* Everything at once: eleven parameters, none in the text. */
	cur = search_cursor(a, SORT_RATING, "4.5", "77");
	sql(&q, arena_printf(a, "q=Qqx%%27%%22+or+1%%3D1&"
	    "city=Zzq%%27%%29%%3B+DROP&country=Yyk%%27--&min_price=12.5&"
	    "max_price=99&guests=3&check_in=%s&check_out=%s&sort=rating&"
	    "limit=7&cursor=%s", date_plus(3), date_plus(5), cur));
	ck_assert_int_eq(q.nparams, 11);
	ck_assert(has_param(&q, "Qqx'\" or 1=1"));
	ck_assert(has_param(&q, "Zzq'); DROP"));
	ck_assert(has_param(&q, "Yyk'--"));
	ck_assert(has_param(&q, "12.50"));
	ck_assert(has_param(&q, "99.00"));
	ck_assert(has_param(&q, "3"));
	ck_assert(has_param(&q, date_plus(3)));
	ck_assert(has_param(&q, date_plus(5)));
	ck_assert(has_param(&q, "4.5"));
	ck_assert(has_param(&q, "77"));
	ck_assert(has_param(&q, "8"));
	ck_assert_ptr_null(strstr(q.sql, "Qqx"));
	ck_assert_ptr_null(strstr(q.sql, "Zzq"));
	ck_assert_ptr_null(strstr(q.sql, "DROP"));
	ck_assert_ptr_null(strstr(q.sql, "Yyk"));
	ck_assert_ptr_null(strstr(q.sql, "12.50"));
	ck_assert_ptr_null(strstr(q.sql, "99.00"));
	ck_assert_ptr_null(strstr(q.sql, date_plus(3)));
	ck_assert_ptr_null(strstr(q.sql, "4.5"));
	ck_assert_ptr_null(strstr(q.sql, "'77'"));
	ck_assert_ptr_null(strstr(q.sql, ";"));
	/* The filters' fragments. */
	ck_assert_ptr_nonnull(strstr(q.sql, "websearch_to_tsquery('simple', "
	    "$1)"));
	ck_assert_ptr_nonnull(strstr(q.sql, "lower(p.city) = lower($2)"));
	ck_assert_ptr_nonnull(strstr(q.sql, "lower(p.country) = lower($3)"));
	ck_assert_ptr_nonnull(strstr(q.sql, "s.max_guests >= $8::integer"));
	ck_assert_ptr_nonnull(strstr(q.sql, "daterange($9::date, $10::date"));
	ck_assert_ptr_nonnull(strstr(q.sql,
	    "(coalesce(p.rating_avg, 0), p.id) < ($6::numeric, $7::bigint)"));
}
END_TEST

START_TEST(test_sql_order)
{
	static const struct {
		const char	*qs;
		const char	*scan;		/* the scan's ORDER BY */
		const char	*page;		/* the page's */
		const char	*after;		/* the cursor's comparison */
	} o[] = {
		{ "sort=newest", "ORDER BY p.created_at DESC, p.id DESC",
		    "ORDER BY s.k DESC, s.id DESC",
		    "(p.created_at, p.id) < ($1::timestamptz, $2::bigint)" },
		{ "sort=price_asc",
		    "ORDER BY p.price_per_night ASC, p.id ASC",
		    "ORDER BY s.k ASC, s.id ASC",
		    "(p.price_per_night, p.id) > ($1::numeric, $2::bigint)" },
		{ "sort=price_desc",
		    "ORDER BY p.price_per_night DESC, p.id DESC",
		    "ORDER BY s.k DESC, s.id DESC",
		    "(p.price_per_night, p.id) < ($1::numeric, $2::bigint)" },
		{ "sort=rating",
		    "ORDER BY coalesce(p.rating_avg, 0) DESC, p.id DESC",
		    "ORDER BY s.k DESC, s.id DESC",
		    "(coalesce(p.rating_avg, 0), p.id) < ($1::numeric, "
		    "$2::bigint)" },
		{ "q=sea&sort=relevance",
		    "ORDER BY ts_rank(p.search, websearch_to_tsquery("
		    "'simple', $1)) DESC, p.id DESC",
		    "ORDER BY s.k DESC, s.id DESC",
		    "(ts_rank(p.search, websearch_to_tsquery('simple', $1)), "
		    "p.id) < ($2::real, $3::bigint)" },
	};
	static const char *const key[] = { "2026-01-02 03:04:05+00", "1.00",
	    "1.00", "4.5", "0.25" };
	struct search_sql	 q;
	const char		*cur;
	size_t			 i;

	for (i = 0; i < sizeof(o) / sizeof(o[0]); i++) {
		sql(&q, o[i].qs);
		ck_assert_ptr_nonnull(strstr(q.sql, o[i].scan));
		ck_assert_ptr_nonnull(strstr(q.sql, o[i].page));
		/* No cursor, no comparison. */
		ck_assert_ptr_null(strstr(q.sql, "::bigint)"));
		cur = search_cursor(a, (enum search_sort)i, key[i], "5");
		sql(&q, arena_printf(a, "%s&cursor=%s", o[i].qs, cur));
		ck_assert_ptr_nonnull(strstr(q.sql, o[i].after));
		/* In the page's scan and in where it stopped. */
		ck_assert_ptr_nonnull(strstr(strstr(q.sql, o[i].after) + 1,
		    o[i].after));
		ck_assert(has_param(&q, key[i]));
		ck_assert(has_param(&q, "5"));
	}
}
END_TEST

START_TEST(test_sql_dates)
{
	struct search_sql	 q;

	sql(&q, "city=Porto&guests=2");
	ck_assert_ptr_null(strstr(q.sql, "NOT EXISTS"));
	ck_assert_ptr_null(strstr(q.sql, "bookings"));
	sql(&q, arena_printf(a, "check_in=%s&check_out=%s", date_plus(0),
	    date_plus(365)));
	ck_assert_int_eq(q.nparams, 3);
	ck_assert_str_eq(q.params[0], date_plus(0));
	ck_assert_str_eq(q.params[1], date_plus(365));
	ck_assert_ptr_nonnull(strstr(q.sql, "NOT EXISTS (SELECT 1 FROM "
	    "bookings b WHERE b.property_id = s.id"));
	ck_assert_ptr_nonnull(strstr(q.sql,
	    "daterange($1::date, $2::date, '[)')"));
	/* Outside the scan: after it is closed. */
	ck_assert(strstr(q.sql, "NOT EXISTS") > strstr(q.sql, ") s"));
}
END_TEST

START_TEST(test_sql_price_place)
{
	static const char *const sorts[] = { "newest", "price_asc",
	    "price_desc", "rating" };
	struct search_sql	 q;
	const char		*end, *lo, *hi;
	size_t			 i;
	int			 price_sort;

	for (i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
		price_sort = i == SORT_PRICE_ASC || i == SORT_PRICE_DESC;
		sql(&q, arena_printf(a, "min_price=10&max_price=20&sort=%s",
		    sorts[i]));
		ck_assert_int_eq(q.nparams, 3);
		ck_assert_str_eq(q.params[0], "10.00");
		ck_assert_str_eq(q.params[1], "20.00");
		end = strstr(q.sql, ") s");
		ck_assert_ptr_nonnull(end);
		if (price_sort) {
			/* In the scan, where the index serves it. */
			lo = strstr(q.sql, "p.price_per_night >= $1::numeric");
			hi = strstr(q.sql, "p.price_per_night <= $2::numeric");
			ck_assert_ptr_nonnull(lo);
			ck_assert_ptr_nonnull(hi);
			ck_assert(lo < end && hi < end);
			ck_assert_ptr_null(strstr(q.sql, "s.price_per_night"));
		} else {
			lo = strstr(q.sql, "s.price_per_night >= $1::numeric");
			hi = strstr(q.sql, "s.price_per_night <= $2::numeric");
			ck_assert_ptr_nonnull(lo);
			ck_assert_ptr_nonnull(hi);
			ck_assert(lo > end && hi > end);
			ck_assert_ptr_null(strstr(q.sql,
			    "p.price_per_night >="));
		}
	}
	/* One bound alone. */
	sql(&q, "max_price=5&sort=price_desc");
	ck_assert_int_eq(q.nparams, 2);
	ck_assert_ptr_nonnull(strstr(q.sql,
	    "p.price_per_night <= $1::numeric"));
	ck_assert_ptr_null(strstr(q.sql, "price_per_night >="));
}
END_TEST

static Suite *
search_suite(void)
{
	Suite	*s = suite_create("search");
	TCase	*core = tcase_create("core");
	TCase	*lim = tcase_create("limits");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(lim, setup, teardown);
	tcase_add_test(core, test_defaults);
	tcase_add_test(core, test_all_values);
	tcase_add_test(core, test_sort);
	tcase_add_test(core, test_empty_is_absent);
	tcase_add_test(core, test_blank_q);
	tcase_add_test(core, test_cursor_round_trip);
	tcase_add_test(core, test_sql_params);
	tcase_add_test(core, test_sql_order);
	tcase_add_test(core, test_sql_dates);
	tcase_add_test(core, test_sql_price_place);
	tcase_add_test(lim, test_text_lengths);
	tcase_add_test(lim, test_prices);
	tcase_add_test(lim, test_guests);
	tcase_add_test(lim, test_dates);
	tcase_add_test(lim, test_limit);
	tcase_add_test(lim, test_cursor_garbage);
	suite_add_tcase(s, core);
	suite_add_tcase(s, lim);
	return s;
}

int
main(void)
{
	return unit_run(search_suite());
}
