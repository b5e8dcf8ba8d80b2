/*
 * libFuzzer harness: req_parse_json().  jansson allocates with malloc
 * here; the arena cleanup must release every tree, or LeakSanitizer says
 * so.  The parser measures nesting on the text; the tree it accepts is
 * measured again here, the slow way.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* Nesting of v, counting containers; recursion bounded by the parser. */
static size_t
tree_depth(json_t *v)
{
	json_t		*m;
	void		*it;
	size_t		 i, d, max = 0;

	if (json_is_array(v)) {
		json_array_foreach(v, i, m)
			if ((d = tree_depth(m)) > max)
				max = d;
		return max + 1;
	}
	if (json_is_object(v)) {
		for (it = json_object_iter(v); it != NULL;
		    it = json_object_iter_next(v, it))
			if ((d = tree_depth(json_object_iter_value(it))) > max)
				max = d;
		return max + 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		*a = fuzz_arena();
	struct req_limits	 lim;
	struct req_fields	 f = { NULL, 0, 0 };
	json_t			*root = NULL;
	const char		*why = NULL;
	char			*s;
	enum req_err		 e;
	size_t			 i;

	fuzz_limits(&lim);
	s = fuzz_copy(data, size);
	e = req_parse_json(a, s, size, &lim, &f, &root, &why);
	fuzz_check(e, &f, 0, &lim, why);
	if (e == REQ_OK) {
		FUZZ_ASSERT(json_is_object(root));
		FUZZ_ASSERT(tree_depth(root) <= lim.max_depth);
		FUZZ_ASSERT(f.n == json_object_size(root));
		for (i = 0; i < f.n; i++) {
			FUZZ_ASSERT(f.v[i].json ==
			    json_object_get(root, f.v[i].name));
			FUZZ_ASSERT((f.v[i].value == NULL) ==
			    (json_is_null(f.v[i].json) ||
			    json_is_array(f.v[i].json) ||
			    json_is_object(f.v[i].json)));
		}
	} else
		FUZZ_ASSERT(root == NULL);
	FUZZ_ASSERT(e == REQ_OK || e == REQ_MALFORMED || e == REQ_TOO_LARGE);
	free(s);
	arena_reset(a);
	return 0;
}
