/*
 * libFuzzer harness: req_parse_multipart().  The first line of the input
 * (up to LF, a CR before it dropped) is the Content-Type header; the rest
 * is the body.
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
	const uint8_t		*nl;
	const char		*why = NULL;
	char			*ct, *body;
	size_t			 ctlen, blen;
	enum req_err		 e;

	fuzz_limits(&lim);
	if ((nl = memchr(data, '\n', size)) == NULL)
		return 0;
	ctlen = (size_t)(nl - data);
	if (ctlen > 0 && data[ctlen - 1] == '\r')
		ctlen--;
	ct = fuzz_strndup(data, ctlen);
	blen = size - (size_t)(nl + 1 - data);
	body = fuzz_copy(nl + 1, blen);
	e = req_parse_multipart(a, ct, body, blen, &lim, &f, &why);
	fuzz_check(e, &f, 0, &lim, why);
	FUZZ_ASSERT(e != REQ_UNSUPPORTED);
	free(body);
	free(ct);
	arena_reset(a);
	return 0;
}
