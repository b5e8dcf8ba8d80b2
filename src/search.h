/*
 * Search of listings (GET /properties, docs/properties.md): the query
 * parameters checked into a struct search, and the one SQL statement that
 * answers it, composed from constant fragments with every value a
 * parameter.  Pure (no database), so it is unit-tested and fuzzed alone.
 *
 * The statement walks listings in sort order from the cursor, examines at
 * most SEARCH_SCAN_BOUND of them and returns the page's rows ('r') plus,
 * when the page is short, one row ('e') holding where the walk stopped and
 * how many it examined, from which the next cursor is made.
 */
#ifndef INNKEEP_SEARCH_H
#define INNKEEP_SEARCH_H

#include <stddef.h>

struct arena;
struct req;

#define SEARCH_SCAN_BOUND	1000
#define SEARCH_MAX_PARAMS	16

enum search_sort {
	SORT_NEWEST,
	SORT_PRICE_ASC,
	SORT_PRICE_DESC,
	SORT_RATING,
	SORT_RELEVANCE
};

struct search {
	const char		*q;		/* NULL: none */
	const char		*city;
	const char		*country;
	long long		 min_cents;	/* -1: none */
	long long		 max_cents;
	int			 guests;	/* 0: none */
	long			 check_in;	/* day numbers; both or none */
	long			 check_out;
	int			 has_dates;
	enum search_sort	 sort;
	int			 limit;
	const char		*cursor_key;	/* NULL: first page */
	const char		*cursor_id;
};

/*
 * Reads the parameters of req's query string into s.  NULL when they are
 * good, else the 400 message, which starts with the parameter's name.
 * today is the day number (date.h) that check_in may not be before.
 */
const char	*search_parse(struct search *, struct arena *,
		    const struct req *, long today);

/* The statement and its parameters (NULL for SQL NULL). */
struct search_sql {
	const char	*sql;
	const char	*params[SEARCH_MAX_PARAMS];
	int		 nparams;
};
void		 search_sql(const struct search *, struct arena *,
		    struct search_sql *);

/* The opaque cursor after a row whose sort key and id are given. */
char		*search_cursor(struct arena *, enum search_sort,
		    const char *key, const char *id);

/* The names of the sort orders, by enum value. */
extern const char *const search_sort_names[];

#endif
