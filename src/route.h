/*
 * The router: one table of method + path pattern.  A pattern is a literal
 * path whose segments may be captures: "{id}" matches a positive decimal
 * integer that fits in 63 bits, with no leading zero; "{username}" matches
 * 3 to 32 of [a-z0-9_]; "{name}" (anything else) matches any non-empty
 * segment.  A path that matches no pattern is 404; one that matches with
 * another method is 405, with the allowed methods.  HEAD matches GET.
 *
 * The table is data, so the router is pure and tested alone.
 */
#ifndef INNKEEP_ROUTE_H
#define INNKEEP_ROUTE_H

#include <stddef.h>

#include "req.h"

#define ROUTE_MAX_CAPTURES 4
#define ROUTE_MAX_PATH 2048

struct route {
	enum req_method	 method;
	const char	*pattern;
};

enum route_res {
	ROUTE_FOUND,
	ROUTE_NOT_FOUND,
	ROUTE_BAD_METHOD
};

struct route_match {
	size_t		 index;		/* into the table; on a 405, the
					   first route of that path */
	unsigned int	 allow;		/* bit (1 << method) per allowed method */
	size_t		 ncapture;
	const char	*capture[ROUTE_MAX_CAPTURES];	/* in the arena */
	long long	 id[ROUTE_MAX_CAPTURES];	/* 0 unless {id} */
};

enum route_res	route_find(const struct route *, size_t nroutes,
		    struct arena *, enum req_method, const char *path,
		    struct route_match *);
/* "GET, HEAD, POST" for an allow mask, in the arena. */
char		*route_allow_header(struct arena *, unsigned int allow);

#endif
