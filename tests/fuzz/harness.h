/*
 * Shared by the parser harnesses: one arena reused across inputs as the
 * server reuses a thread's, small limits so the fuzzer reaches them, and
 * checks of what req.h promises of a result, so a wrong answer is a crash
 * as much as a bad read is.
 */
#ifndef INNKEEP_FUZZ_HARNESS_H
#define INNKEEP_FUZZ_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "req.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_ASSERT(x) do {						\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #x);	\
		abort();						\
	}								\
} while (0)

/* Made once; reset after each input, which runs the JSON cleanups. */
static inline struct arena *
fuzz_arena(void)
{
	static struct arena	*a;

	if (a == NULL)
		a = arena_new(16384);
	return a;
}

static inline void
fuzz_limits(struct req_limits *l)
{
	req_limits_default(l, 65536);
	l->max_fields = 32;
	l->max_name = 64;
	l->max_value = 4096;
	l->max_depth = 8;
}

/* Text in a result: NUL-terminated at len, no NUL before, UTF-8. */
static inline void
fuzz_text(const char *s, size_t len)
{
	FUZZ_ASSERT(s != NULL);
	FUZZ_ASSERT(s[len] == '\0');
	FUZZ_ASSERT(memchr(s, '\0', len) == NULL);
	FUZZ_ASSERT(utf8_valid(s, len));
}

/*
 * Checks a parser's answer: on success the fields it added keep every
 * promise of req.h within the limits; on failure it added none and said
 * why in printable ASCII.
 */
static inline void
fuzz_check(enum req_err e, const struct req_fields *f, size_t n0,
    const struct req_limits *l, const char *why)
{
	const struct req_field	*fp;
	const char		*p;
	size_t			 i;

	FUZZ_ASSERT(e >= REQ_OK && e < REQ_ERR__MAX);
	FUZZ_ASSERT(f->n <= f->cap);
	if (e != REQ_OK) {
		FUZZ_ASSERT(f->n == n0);
		FUZZ_ASSERT(why != NULL && *why != '\0');
		for (p = why; *p != '\0'; p++)
			FUZZ_ASSERT(*p >= 0x20 && *p < 0x7f);
		return;
	}
	FUZZ_ASSERT(f->n - n0 <= l->max_fields);
	for (i = n0; i < f->n; i++) {
		fp = &f->v[i];
		fuzz_text(fp->name, strlen(fp->name));
		FUZZ_ASSERT(strlen(fp->name) <= l->max_name);
		if (fp->type != NULL)
			fuzz_text(fp->type, strlen(fp->type));
		if (fp->filename != NULL) {
			fuzz_text(fp->filename, strlen(fp->filename));
			FUZZ_ASSERT(fp->value != NULL);
			FUZZ_ASSERT(fp->value[fp->len] == '\0');
			continue;
		}
		if (fp->value == NULL) {
			FUZZ_ASSERT(fp->len == 0 && fp->json != NULL);
			continue;
		}
		fuzz_text(fp->value, fp->len);
		FUZZ_ASSERT(fp->len <= l->max_value || fp->json != NULL);
	}
}

/* An exact-size copy, so ASan sees any read past the end. */
static inline char *
fuzz_copy(const uint8_t *data, size_t size)
{
	char	*p;

	if ((p = malloc(size ? size : 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(p, data, size);
	return p;
}

/* A NUL-terminated exact-size copy, for inputs read as C strings. */
static inline char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char	*p;

	if ((p = malloc(size + 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(p, data, size);
	p[size] = '\0';
	return p;
}

#endif
