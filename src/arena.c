/*
 * The per-request arena (see arena.h).  Memory comes in blocks; the first
 * block is kept across resets so a steady request load allocates nothing
 * from malloc once warm.  Large requests chain extra blocks, freed at reset.
 * Cleanups are a LIFO list stored in the arena itself.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ALIGN		16
#define ALIGN_UP(n)	(((n) + (ALIGN - 1)) & ~(size_t)(ALIGN - 1))

struct block {
	struct block	*next;
	size_t		 size;	/* usable bytes after the header */
	size_t		 used;
	/* max_align_t keeps data[] aligned for any type */
	max_align_t	 data[];
};

struct cleanup {
	struct cleanup	*next;
	void		(*fn)(void *);
	void		*arg;
};

struct arena {
	struct block	*first;
	struct block	*cur;
	struct cleanup	*cleanups;
	size_t		 block_size;
	size_t		 used;
	void		*last;		/* most recent allocation, for realloc */
};

static void __attribute__((noreturn))
arena_oom(size_t n)
{
	fprintf(stderr, "innkeep: out of memory allocating %zu bytes\n", n);
	abort();
}

static struct block *
block_new(size_t size)
{
	struct block	*b;

	if (size > SIZE_MAX - sizeof(*b))
		arena_oom(size);
	if ((b = malloc(sizeof(*b) + size)) == NULL)
		arena_oom(size);
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *
arena_new(size_t block_size)
{
	struct arena	*a;

	if (block_size < 1024)
		block_size = 1024;
	block_size = ALIGN_UP(block_size);
	if ((a = calloc(1, sizeof(*a))) == NULL)
		arena_oom(sizeof(*a));
	a->block_size = block_size;
	a->first = a->cur = block_new(block_size);
	return a;
}

static void
arena_run_cleanups(struct arena *a)
{
	struct cleanup	*c;

	/* A cleanup may not allocate, but read the list head each time anyway. */
	while ((c = a->cleanups) != NULL) {
		a->cleanups = c->next;
		c->fn(c->arg);
	}
}

void
arena_reset(struct arena *a)
{
	struct block	*b, *next;

	arena_run_cleanups(a);
	for (b = a->first->next; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->first->next = NULL;
	a->first->used = 0;
	a->cur = a->first;
	a->used = 0;
	a->last = NULL;
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	arena_reset(a);
	free(a->first);
	free(a);
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct block	*b;
	size_t		 need;
	void		*p;

	if (n > SIZE_MAX - ALIGN)
		arena_oom(n);
	need = ALIGN_UP(n ? n : 1);
	b = a->cur;
	if (b->size - b->used < need) {
		/* Oversized requests get a block of their own. */
		b = block_new(need > a->block_size ? need : a->block_size);
		b->next = a->cur->next;
		a->cur->next = b;
		a->cur = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	a->used += need;
	a->last = p;
	return p;
}

void *
arena_calloc(struct arena *a, size_t nmemb, size_t size)
{
	void	*p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		arena_oom(SIZE_MAX);
	p = arena_alloc(a, nmemb * size);
	memset(p, 0, nmemb * size);
	return p;
}

void *
arena_realloc(struct arena *a, void *old, size_t oldsize, size_t newsize)
{
	struct block	*b = a->cur;
	size_t		 oldneed, newneed;
	void		*p;

	if (old == NULL)
		return arena_alloc(a, newsize);
	if (newsize <= oldsize)
		return old;
	if (old == a->last && newsize <= SIZE_MAX - ALIGN) {
		oldneed = ALIGN_UP(oldsize ? oldsize : 1);
		newneed = ALIGN_UP(newsize);
		if (b->size - (b->used - oldneed) >= newneed) {
			b->used += newneed - oldneed;
			a->used += newneed - oldneed;
			return old;
		}
	}
	p = arena_alloc(a, newsize);
	memcpy(p, old, oldsize);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p;

	p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list	 ap2;
	char	*p;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		arena_oom(0);
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_cleanup_add(struct arena *a, void (*fn)(void *), void *arg)
{
	struct cleanup	*c;

	c = arena_alloc(a, sizeof(*c));
	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}

void
buf_init(struct buf *b, struct arena *a, size_t hint)
{
	b->arena = a;
	b->cap = hint < 64 ? 64 : hint;
	b->data = arena_alloc(a, b->cap);
	b->len = 0;
	b->data[0] = '\0';
}

static void
buf_reserve(struct buf *b, size_t extra)
{
	size_t	 cap;

	if (extra > SIZE_MAX / 2 - b->len)
		arena_oom(extra);
	if (b->len + extra + 1 <= b->cap)
		return;
	cap = b->cap * 2;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->data = arena_realloc(b->arena, b->data, b->cap, cap);
	b->cap = cap;
}

void
buf_append(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		arena_oom(0);
	if ((size_t)n >= b->cap - b->len) {
		buf_reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}
