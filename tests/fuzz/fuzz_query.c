/*
 * libFuzzer harness: a query string through req_parse_urlencoded(), and
 * utf8_valid() against a plainer decoder written from RFC 3629's table.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* Decodes code points one by one and checks each against its range. */
static int
utf8_reference(const uint8_t *s, size_t len)
{
	size_t		 i = 0, n, k;
	uint32_t	 cp, min;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		*a = fuzz_arena();
	struct req_limits	 lim;
	struct req_fields	 f = { NULL, 0, 0 };
	const char		*why = NULL;
	char			*s;
	enum req_err		 e;

	fuzz_limits(&lim);
	s = fuzz_copy(data, size);
	FUZZ_ASSERT(utf8_valid(s, size) == utf8_reference(data, size));
	e = req_parse_urlencoded(a, s, size, &lim, &f, &why);
	fuzz_check(e, &f, 0, &lim, why);
	free(s);
	arena_reset(a);
	return 0;
}
