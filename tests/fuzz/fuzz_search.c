/*
 * libFuzzer harness: the search of GET /properties (search.h).
 *
 * Input: a query string, up to the first newline, read by
 * req_parse_urlencoded() and, when that succeeds, by search_parse() (today
 * fixed at 2026-06-15), and a good search turned into SQL by search_sql().
 * After the newline: one byte choosing a sort order, then a cursor's key
 * up to the next newline and its id, made into a cursor by search_cursor()
 * and read back.
 *
 * A refusal must name its parameter first; an accepted search must keep
 * every rule of docs/properties.md; the statement must use $1..$n for
 * exactly its n parameters, carry the values in them, and have the same
 * text whatever the values (so none is ever in it); a cursor
 * must come back as it was made, or be refused when its key or id is not
 * of the form search.c makes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "field.h"
#include "harness.h"
#include "search.h"

#define NSORTS		5
#define MAX_CENTS	999999999LL

/* The characters of a cursor key, by sort (search.c's orders[]). */
static const char *const key_chars[NSORTS] = {
	[SORT_NEWEST] = "0123456789-:. +",
	[SORT_PRICE_ASC] = "0123456789.",
	[SORT_PRICE_DESC] = "0123456789.",
	[SORT_RATING] = "0123456789.",
	[SORT_RELEVANCE] = "0123456789.e-+",
};

static long
fuzz_today(void)
{
	static long	 today = -1;

	if (today < 0 && date_parse("2026-06-15", &today) != 0)
		abort();
	return today;
}

/* A refusal starts with the name of the parameter it is about. */
static void
check_refusal(const char *err)
{
	static const char *const names[] = { "q ", "city ", "country ",
	    "min_price ", "max_price ", "guests ", "check_in ", "check_out ",
	    "sort ", "limit ", "cursor " };
	size_t	 i;

	FUZZ_ASSERT(err != NULL);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(err, names[i], strlen(names[i])) == 0)
			return;
	fprintf(stderr, "refusal \"%s\" names no parameter\n", err);
	abort();
}

/* What docs/properties.md promises of a search it accepts. */
static void
check_search(const struct search *s, long today)
{
	FUZZ_ASSERT(s->limit >= 1 && s->limit <= 100);
	FUZZ_ASSERT((int)s->sort >= 0 && (int)s->sort < NSORTS);
	FUZZ_ASSERT(s->sort != SORT_RELEVANCE || s->q != NULL);
	if (s->q != NULL) {
		FUZZ_ASSERT(*s->q != '\0' && !field_blank(s->q));
		FUZZ_ASSERT(field_chars(s->q) <= 200);
	}
	if (s->city != NULL)
		FUZZ_ASSERT(*s->city != '\0' && field_chars(s->city) <= 100);
	if (s->country != NULL)
		FUZZ_ASSERT(*s->country != '\0' &&
		    field_chars(s->country) <= 100);
	FUZZ_ASSERT(s->min_cents >= -1 && s->min_cents <= MAX_CENTS);
	FUZZ_ASSERT(s->max_cents >= -1 && s->max_cents <= MAX_CENTS);
	if (s->min_cents >= 0 && s->max_cents >= 0)
		FUZZ_ASSERT(s->min_cents <= s->max_cents);
	FUZZ_ASSERT(s->guests >= 0 && s->guests <= 100);
	if (s->has_dates) {
		FUZZ_ASSERT(s->check_in >= today);
		FUZZ_ASSERT(s->check_out > s->check_in);
		FUZZ_ASSERT(s->check_out - s->check_in <= 365);
	}
	FUZZ_ASSERT((s->cursor_key == NULL) == (s->cursor_id == NULL));
	if (s->cursor_key != NULL) {
		FUZZ_ASSERT(*s->cursor_key != '\0' &&
		    strlen(s->cursor_key) <= 40);
		FUZZ_ASSERT(strspn(s->cursor_key, key_chars[s->sort]) ==
		    strlen(s->cursor_key));
		FUZZ_ASSERT(*s->cursor_id >= '1' && *s->cursor_id <= '9');
		FUZZ_ASSERT(strlen(s->cursor_id) <= 18);
		FUZZ_ASSERT(strspn(s->cursor_id, "0123456789") ==
		    strlen(s->cursor_id));
	}
}

/*
 * The statement's text depends on which filters there are, never on their
 * values: the same search with plain values in their place has the same
 * text.  (A value such as "'" may well be a substring of the constant
 * text, so looking for the values in it proves nothing.)
 */
static void
check_no_values(const struct search *s, struct arena *a, const char *sql,
    int nparams)
{
	struct search		 t = *s;
	struct search_sql	 q;

	if (t.q != NULL)
		t.q = "x";
	if (t.city != NULL)
		t.city = "x";
	if (t.country != NULL)
		t.country = "x";
	if (t.min_cents >= 0)
		t.min_cents = 1;
	if (t.max_cents >= 0)
		t.max_cents = 2;
	if (t.guests > 0)
		t.guests = 1;
	if (t.has_dates) {
		t.check_in = 20000;
		t.check_out = 20001;
	}
	t.limit = 20;
	if (t.cursor_key != NULL) {
		t.cursor_key = "1";
		t.cursor_id = "1";
	}
	search_sql(&t, a, &q);
	FUZZ_ASSERT(strcmp(q.sql, sql) == 0);
	FUZZ_ASSERT(q.nparams == nparams);
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

static void
check_sql(const struct search *s, struct arena *a)
{
	struct search_sql	 q;
	int			 used[SEARCH_MAX_PARAMS + 1] = { 0 };
	const char		*p;
	char			*end, lim[8];
	long			 n;
	int			 i;

	search_sql(s, a, &q);
	FUZZ_ASSERT(q.sql != NULL);
	FUZZ_ASSERT(q.nparams >= 1 && q.nparams <= SEARCH_MAX_PARAMS);
	for (p = strchr(q.sql, '$'); p != NULL; p = strchr(p + 1, '$')) {
		n = strtol(p + 1, &end, 10);
		FUZZ_ASSERT(end != p + 1);
		FUZZ_ASSERT(n >= 1 && n <= q.nparams);
		used[n] = 1;
	}
	for (i = 1; i <= q.nparams; i++) {
		FUZZ_ASSERT(used[i]);
		FUZZ_ASSERT(q.params[i - 1] != NULL);
	}
	/* The last parameter is limit + 1. */
	snprintf(lim, sizeof(lim), "%d", s->limit + 1);
	FUZZ_ASSERT(strcmp(q.params[q.nparams - 1], lim) == 0);
	FUZZ_ASSERT(strstr(q.sql, "LIMIT 1000") != NULL);
	/* Constant fragments only: ASCII, one statement. */
	for (p = q.sql; *p != '\0'; p++)
		FUZZ_ASSERT(*p > 0 && *p != ';');
	FUZZ_ASSERT((strstr(q.sql, "NOT EXISTS") != NULL) == s->has_dates);
	FUZZ_ASSERT(s->q == NULL || has_param(&q, s->q));
	FUZZ_ASSERT(s->city == NULL || has_param(&q, s->city));
	FUZZ_ASSERT(s->country == NULL || has_param(&q, s->country));
	FUZZ_ASSERT(s->cursor_key == NULL || has_param(&q, s->cursor_key));
	FUZZ_ASSERT(s->cursor_id == NULL || has_param(&q, s->cursor_id));
	check_no_values(s, a, q.sql, q.nparams);
}

/* A key and id search.c would make a cursor of, and read back. */
static int
cursor_ok(enum search_sort sort, const char *key, const char *id)
{
	size_t	 k = strlen(key), n = strlen(id);

	return k > 0 && k <= 40 && strspn(key, key_chars[sort]) == k &&
	    n > 0 && n <= 18 && *id != '0' &&
	    strspn(id, "0123456789") == n;
}

/* Reads cursor back under sort name, with a q so relevance is allowed. */
static const char *
parse_cursor(struct arena *a, const char *name, const char *cur,
    struct search *s)
{
	struct req	*r = arena_calloc(a, 1, sizeof(*r));
	struct req_field *f = arena_calloc(a, 3, sizeof(*f));

	f[0].name = "q";
	f[0].value = "x";
	f[1].name = "sort";
	f[1].value = name;
	f[2].name = "cursor";
	f[2].value = cur;
	f[0].len = 1;
	f[1].len = strlen(name);
	f[2].len = strlen(cur);
	r->arena = a;
	r->query = "";
	r->query_fields.v = f;
	r->query_fields.n = r->query_fields.cap = 3;
	return search_parse(s, a, r, fuzz_today());
}

static void
check_cursor(struct arena *a, const uint8_t *data, size_t size)
{
	enum search_sort	 sort;
	struct search		 s;
	const uint8_t		*nl;
	const char		*cur, *err;
	char			*key, *id;
	size_t			 klen;

	if (size == 0)
		return;
	sort = (enum search_sort)(data[0] % NSORTS);
	data++;
	size--;
	nl = memchr(data, '\n', size);
	klen = nl != NULL ? (size_t)(nl - data) : size;
	key = fuzz_strndup(data, klen);
	id = nl != NULL ? fuzz_strndup(nl + 1, size - klen - 1) :
	    fuzz_strndup(data, 0);

	cur = search_cursor(a, sort, key, id);
	err = parse_cursor(a, search_sort_names[sort], cur, &s);
	if (cursor_ok(sort, key, id)) {
		if (err != NULL) {
			fprintf(stderr, "cursor (%s, \"%s\", \"%s\") "
			    "refused: %s\n", search_sort_names[sort], key, id,
			    err);
			abort();
		}
		FUZZ_ASSERT(s.sort == sort);
		FUZZ_ASSERT(strcmp(s.cursor_key, key) == 0);
		FUZZ_ASSERT(strcmp(s.cursor_id, id) == 0);
	} else {
		/*
		 * A '|' in the key or id leaves one in the id read back, so
		 * nothing else can pass for a good cursor.
		 */
		FUZZ_ASSERT(err != NULL);
		FUZZ_ASSERT(strcmp(err, "cursor is not valid") == 0);
	}
	/* Under any other order it is refused, as such unless too long. */
	err = parse_cursor(a, search_sort_names[(sort + 1) % NSORTS], cur, &s);
	FUZZ_ASSERT(err != NULL);
	FUZZ_ASSERT(strcmp(err, strlen(cur) > 256 ? "cursor is not valid" :
	    "cursor belongs to another sort order") == 0);
	free(key);
	free(id);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		*a = fuzz_arena();
	struct req_limits	 lim;
	struct req		 r;
	struct search		 s;
	const uint8_t		*nl;
	const char		*why = NULL, *err;
	char			*qs;
	size_t			 qlen;

	fuzz_limits(&lim);
	nl = memchr(data, '\n', size);
	qlen = nl != NULL ? (size_t)(nl - data) : size;
	qs = fuzz_copy(data, qlen);
	memset(&r, 0, sizeof(r));
	r.arena = a;
	r.query = "";
	if (req_parse_urlencoded(a, qs, qlen, &lim, &r.query_fields,
	    &why) == REQ_OK) {
		if ((err = search_parse(&s, a, &r, fuzz_today())) != NULL)
			check_refusal(err);
		else {
			check_search(&s, fuzz_today());
			check_sql(&s, a);
		}
	}
	free(qs);
	if (nl != NULL)
		check_cursor(a, nl + 1, size - qlen - 1);
	arena_reset(a);
	return 0;
}
