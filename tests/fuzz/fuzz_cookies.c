/* libFuzzer harness: a Cookie header through req_parse_cookies(). */
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
	const char		*why = NULL;
	char			*s;
	enum req_err		 e;
	size_t			 i;

	fuzz_limits(&lim);
	s = fuzz_copy(data, size);
	e = req_parse_cookies(a, s, size, &lim, &f, &why);
	fuzz_check(e, &f, 0, &lim, why);
	/* Cookies are not decoded and are trimmed: no edge spaces. */
	for (i = 0; e == REQ_OK && i < f.n; i++) {
		FUZZ_ASSERT(f.v[i].name[0] != '\0');
		FUZZ_ASSERT(f.v[i].name[0] != ' ');
		FUZZ_ASSERT(strchr(f.v[i].name, ';') == NULL);
		FUZZ_ASSERT(strchr(f.v[i].name, '=') == NULL);
		FUZZ_ASSERT(memchr(f.v[i].value, ';', f.v[i].len) == NULL);
	}
	free(s);
	arena_reset(a);
	return 0;
}
