/*
 * View values and their JSON serialization (see view.h).  The allocator
 * tags each block with where it came from, because jansson frees through
 * one global hook: memory from an arena is released with the arena, while
 * malloc'ed memory (start-up, tests) is freed normally.
 */
#include "config.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "view.h"

#define TAG_ARENA	0xA7E4A000u
#define TAG_MALLOC	0x3A110C00u

/* 16 bytes keep the caller's pointer aligned for any type. */
struct tag {
	alignas(16) uint32_t	 tag;
};

static _Thread_local struct arena *view_arena;

static void *
view_malloc(size_t n)
{
	struct tag	*t;

	if (n > SIZE_MAX - sizeof(*t))
		return NULL;
	if (view_arena != NULL) {
		t = arena_alloc(view_arena, sizeof(*t) + n);
		t->tag = TAG_ARENA;
	} else {
		if ((t = malloc(sizeof(*t) + n)) == NULL)
			return NULL;
		t->tag = TAG_MALLOC;
	}
	return t + 1;
}

static void
view_free(void *p)
{
	struct tag	*t;

	if (p == NULL)
		return;
	t = (struct tag *)p - 1;
	if (t->tag == TAG_MALLOC) {
		t->tag = 0;
		free(t);
	}
}

void
view_init(void)
{
	json_set_alloc_funcs(view_malloc, view_free);
	/* Seed the hash function now, not racing in the first requests. */
	json_object_seed(0);
}

void
view_bind(struct arena *a)
{
	view_arena = a;
}

static int
view_dump_cb(const char *p, size_t n, void *arg)
{
	buf_append(arg, p, n);
	return 0;
}

void
view_to_json(struct buf *b, const json_t *v)
{
	if (v == NULL) {
		buf_puts(b, "null");
		return;
	}
	json_dump_callback(v, view_dump_cb, b,
	    JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
}

static json_t *
must(json_t *v)
{
	if (v == NULL) {
		fputs("innkeep: out of memory in view\n", stderr);
		abort();
	}
	return v;
}

json_t *
view_object(void)
{
	return must(json_object());
}

json_t *
view_array(void)
{
	return must(json_array());
}

void
view_set(json_t *obj, const char *key, json_t *value)
{
	if (json_object_set_new(obj, key, must(value)) == -1)
		must(NULL);
}

void
view_set_str(json_t *obj, const char *key, const char *value)
{
	json_t	*s;

	if (value == NULL) {
		view_set(obj, key, json_null());
		return;
	}
	/* Input and database text are UTF-8; never emit invalid JSON anyway. */
	if ((s = json_stringn(value, strlen(value))) == NULL)
		s = json_string("\xef\xbf\xbd");
	view_set(obj, key, s);
}

void
view_set_int(json_t *obj, const char *key, long long value)
{
	view_set(obj, key, json_integer(value));
}

void
view_set_bool(json_t *obj, const char *key, int value)
{
	view_set(obj, key, json_boolean(value));
}

void
view_set_null(json_t *obj, const char *key)
{
	view_set(obj, key, json_null());
}

void
view_push(json_t *arr, json_t *value)
{
	if (json_array_append_new(arr, must(value)) == -1)
		must(NULL);
}
