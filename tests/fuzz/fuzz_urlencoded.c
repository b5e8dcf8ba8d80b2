/*
 * libFuzzer harness: a form body through req_parse_body() as
 * application/x-www-form-urlencoded, and pct_decode() in place against a
 * separate buffer.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "harness.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		*a = fuzz_arena();
	struct req_limits	 lim;
	struct req_fields	 f = { NULL, 0, 0 };
	json_t			*root = NULL;
	const char		*why = NULL;
	char			*s, *d1, *d2;
	long			 n1, n2;
	enum req_err		 e;

	fuzz_limits(&lim);
	s = fuzz_copy(data, size);
	e = req_parse_body(a, "application/x-www-form-urlencoded", s, size,
	    &lim, &f, &root, &why);
	fuzz_check(e, &f, 0, &lim, why);
	FUZZ_ASSERT(root == NULL);
	FUZZ_ASSERT(e != REQ_UNSUPPORTED);

	d1 = arena_alloc(a, size + 1);
	d2 = arena_alloc(a, size + 1);
	memcpy(d2, s, size);
	n1 = pct_decode(d1, s, size, 1);
	n2 = pct_decode(d2, d2, size, 1);
	FUZZ_ASSERT(n1 == n2);
	FUZZ_ASSERT(n1 <= (long)size);
	if (n1 >= 0) {
		FUZZ_ASSERT(d1[n1] == '\0');
		FUZZ_ASSERT(memcmp(d1, d2, (size_t)n1) == 0);
	}
	free(s);
	arena_reset(a);
	return 0;
}
