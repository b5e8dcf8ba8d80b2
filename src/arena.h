/*
 * Per-request memory: a region allocator in the spirit of nginx's pools and
 * PostgreSQL's memory contexts.  Everything a request allocates comes from
 * its thread's arena and is released in one step by arena_reset() once the
 * response is sent.  Non-memory resources (a PGresult, say) register a
 * cleanup that arena_reset() runs, newest first.
 *
 * Allocation never returns NULL: running out of memory aborts the process,
 * and the service manager restarts it.
 */
#ifndef INNKEEP_ARENA_H
#define INNKEEP_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena	*arena_new(size_t block_size);
void		 arena_free(struct arena *);
void		 arena_reset(struct arena *);

/* Memory aligned for any object, uninitialised. */
void		*arena_alloc(struct arena *, size_t);
void		*arena_calloc(struct arena *, size_t nmemb, size_t size);
/* Grows the most recent allocation in place when it can. */
void		*arena_realloc(struct arena *, void *, size_t oldsize,
		    size_t newsize);
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
char		*arena_vprintf(struct arena *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

/* Runs fn(arg) at the next arena_reset() or arena_free(). */
void		 arena_cleanup_add(struct arena *, void (*fn)(void *),
		    void *arg);

/* Bytes handed out since the last reset (for tests and metrics). */
size_t		 arena_used(const struct arena *);

/*
 * A growable byte string in an arena: response bodies, JSON text, SQL
 * parameters.  Always NUL-terminated after the len bytes.
 */
struct buf {
	struct arena	*arena;
	char		*data;
	size_t		 len;
	size_t		 cap;
};

void	buf_init(struct buf *, struct arena *, size_t hint);
void	buf_append(struct buf *, const void *, size_t);
void	buf_puts(struct buf *, const char *);
void	buf_putc(struct buf *, char);
void	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
