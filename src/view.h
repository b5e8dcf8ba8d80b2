/*
 * The view: the tree of values a handler fills (design §5), held as
 * jansson values so the JSON representation is a plain serialization.
 * While a thread serves a request, jansson allocates from that request's
 * arena (view_bind), so views are never freed piecemeal; outside a
 * request jansson falls back to malloc.
 */
#ifndef INNKEEP_VIEW_H
#define INNKEEP_VIEW_H

#include <jansson.h>

struct arena;
struct buf;

/* Installs the arena-aware allocator; once, before threads start. */
void	 view_init(void);
/* Binds this thread's jansson allocations to an arena (NULL: malloc). */
void	 view_bind(struct arena *);

/* Serializes compactly, keys in insertion order, UTF-8 kept as is. */
void	 view_to_json(struct buf *, const json_t *);

/* Shorthands that never fail (allocation failure aborts). */
json_t	*view_object(void);
json_t	*view_array(void);
void	 view_set(json_t *obj, const char *key, json_t *value);
void	 view_set_str(json_t *obj, const char *key, const char *value);
void	 view_set_int(json_t *obj, const char *key, long long value);
void	 view_set_bool(json_t *obj, const char *key, int value);
void	 view_set_null(json_t *obj, const char *key);
void	 view_push(json_t *arr, json_t *value);

#endif
