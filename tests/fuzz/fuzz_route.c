/*
 * libFuzzer harness: route_find() on a table like the application's.  The
 * first byte picks the method, the rest is the path (any length, cut at
 * its first NUL as a C string would be).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "route.h"

static const struct route routes[] = {
	{ METHOD_GET,	"/" },
	{ METHOD_GET,	"/healthz" },
	{ METHOD_GET,	"/properties/{id}" },
	{ METHOD_PATCH,	"/properties/{id}" },
	{ METHOD_GET,	"/users/{username}" },
	{ METHOD_POST,	"/bookings/{id}/cancel" },
};
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

/* What route.h promises of a capture: "{id}" and "{username}". */
static void
check_found(const struct route_match *m, enum req_method meth)
{
	const struct route	*r = &routes[m->index];
	const char		*c;
	size_t			 i, n;

	FUZZ_ASSERT(m->index < NROUTES);
	FUZZ_ASSERT(r->method == meth ||
	    (meth == METHOD_HEAD && r->method == METHOD_GET));
	FUZZ_ASSERT(m->ncapture <= ROUTE_MAX_CAPTURES);
	for (i = 0; i < m->ncapture; i++)
		FUZZ_ASSERT(m->capture[i] != NULL && *m->capture[i] != '\0');
	if (strstr(r->pattern, "{id}") != NULL) {
		FUZZ_ASSERT(m->ncapture == 1 && m->id[0] > 0);
		FUZZ_ASSERT(m->capture[0][0] >= '1' && m->capture[0][0] <= '9');
	}
	if (strstr(r->pattern, "{username}") != NULL) {
		FUZZ_ASSERT(m->ncapture == 1);
		c = m->capture[0];
		n = strlen(c);
		FUZZ_ASSERT(n >= 3 && n <= 32);
		FUZZ_ASSERT(strspn(c, "abcdefghijklmnopqrstuvwxyz0123456789_")
		    == n);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		*a = fuzz_arena();
	struct route_match	 m;
	enum route_res		 rr;
	enum req_method		 meth;
	char			*path;

	if (size == 0)
		return 0;
	meth = (enum req_method)(data[0] % METHOD__MAX);
	path = fuzz_strndup(data + 1, size - 1);
	memset(&m, 0, sizeof(m));
	rr = route_find(routes, NROUTES, a, meth, path, &m);
	switch (rr) {
	case ROUTE_FOUND:
		check_found(&m, meth);
		break;
	case ROUTE_BAD_METHOD:
		FUZZ_ASSERT(m.allow != 0);
		FUZZ_ASSERT((m.allow & (1u << meth)) == 0);
		FUZZ_ASSERT(route_allow_header(a, m.allow) != NULL);
		break;
	case ROUTE_NOT_FOUND:
		break;
	default:
		FUZZ_ASSERT(!"route_find returned no route_res");
	}
	free(path);
	arena_reset(a);
	return 0;
}
