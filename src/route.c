/*
 * Path routing (see route.h).  Patterns are matched segment by segment
 * against the decoded path; the table is short, so a linear scan costs
 * less than building anything cleverer, and keeps 404/405 exact.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "route.h"

/* A positive decimal that fits in 63 bits, without a leading zero. */
static int
seg_id(const char *s, size_t n, long long *out)
{
	long long	 v = 0;
	size_t		 i;

	if (n == 0 || n > 19 || s[0] == '0')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (v > (9223372036854775807LL - (s[i] - '0')) / 10)
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static int
seg_username(const char *s, size_t n)
{
	size_t	 i;

	if (n < 3 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* Matches one pattern; fills captures only on success. */
static int
match(const char *pat, const char *path, struct arena *a,
    struct route_match *m)
{
	const char	*cap[ROUTE_MAX_CAPTURES];
	size_t		 caplen[ROUTE_MAX_CAPTURES];
	long long	 ids[ROUTE_MAX_CAPTURES];
	size_t		 ncap = 0, pn, sn, i;
	const char	*pe, *se;

	for (;;) {
		if (*pat != '/' || *path != '/')
			return 0;
		pat++;
		path++;
		pe = strchr(pat, '/');
		pn = pe ? (size_t)(pe - pat) : strlen(pat);
		se = strchr(path, '/');
		sn = se ? (size_t)(se - path) : strlen(path);
		if (pn > 2 && pat[0] == '{' && pat[pn - 1] == '}') {
			if (ncap == ROUTE_MAX_CAPTURES || sn == 0)
				return 0;
			ids[ncap] = 0;
			if (pn == 4 && memcmp(pat, "{id}", 4) == 0) {
				if (!seg_id(path, sn, &ids[ncap]))
					return 0;
			} else if (pn == 10 &&
			    memcmp(pat, "{username}", 10) == 0) {
				if (!seg_username(path, sn))
					return 0;
			}
			cap[ncap] = path;
			caplen[ncap] = sn;
			ncap++;
		} else if (pn != sn || memcmp(pat, path, pn) != 0)
			return 0;
		pat += pn;
		path += sn;
		if (*pat == '\0' && *path == '\0')
			break;
		if (*pat == '\0' || *path == '\0')
			return 0;
	}
	if (m != NULL) {
		m->ncapture = ncap;
		for (i = 0; i < ncap; i++) {
			m->capture[i] = arena_strndup(a, cap[i], caplen[i]);
			m->id[i] = ids[i];
		}
	}
	return 1;
}

enum route_res
route_find(const struct route *t, size_t n, struct arena *a,
    enum req_method method, const char *path, struct route_match *m)
{
	enum req_method	 want = method == METHOD_HEAD ? METHOD_GET : method;
	size_t		 i;
	int		 found = 0;

	memset(m, 0, sizeof(*m));
	if (path == NULL || path[0] != '/' || strlen(path) > ROUTE_MAX_PATH)
		return ROUTE_NOT_FOUND;
	for (i = 0; i < n; i++) {
		if (t[i].method == want && match(t[i].pattern, path, a, m)) {
			m->index = i;
			return ROUTE_FOUND;
		}
	}
	/* No route for this method: is there one for another? */
	for (i = 0; i < n; i++)
		if (match(t[i].pattern, path, a, NULL)) {
			/* The first route of the path labels the 405. */
			if (!found)
				m->index = i;
			found = 1;
			m->allow |= 1u << t[i].method;
			if (t[i].method == METHOD_GET)
				m->allow |= 1u << METHOD_HEAD;
		}
	return found ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

char *
route_allow_header(struct arena *a, unsigned int allow)
{
	struct buf	 b;
	int		 i;

	buf_init(&b, a, 64);
	for (i = 0; i < METHOD__MAX; i++) {
		if (!(allow & (1u << i)) || i == METHOD_OTHER)
			continue;
		if (b.len > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, req_method_name((enum req_method)i));
	}
	return b.data;
}
