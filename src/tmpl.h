/*
 * Templates: XHTML files parsed with libxml2 once at start-up and compiled
 * to a flat list of operations; rendering walks the list and appends bytes
 * to a buffer, with no parsing and no allocation per node.  The language
 * is in docs/templates.md.
 *
 * Escaping is by construction: a value can only become a text node or an
 * attribute value, escaped for that context; URL attributes take only
 * http, https, mailto or relative URLs.  There is no way to emit markup
 * from a value, and <script>, <style> and on* attributes never take one.
 */
#ifndef INNKEEP_TMPL_H
#define INNKEEP_TMPL_H

#include <stddef.h>
#include <jansson.h>

struct buf;
struct tmpl;
struct tmpl_set;

/*
 * Loads and compiles every page of dir (dir/NAME.html, with partials in
 * dir/partials/).  NULL on the first error, with "file:line: message" in
 * err.  The set is read-only once loaded and shared by all threads.
 */
struct tmpl_set		*tmpl_load(const char *dir, char *err, size_t errsz);
void			 tmpl_free(struct tmpl_set *);
/* A page by name ("home"), or NULL. */
const struct tmpl	*tmpl_find(const struct tmpl_set *, const char *name);

/*
 * Compiles one page from memory (for tests and fuzzing); partials come
 * from dir, which may be NULL when the page includes none.  NULL with
 * "name:line: message" in err on error.
 */
struct tmpl		*tmpl_compile(const char *name, const char *xml,
			    size_t len, const char *dir, char *err,
			    size_t errsz);
void			 tmpl_destroy(struct tmpl *);

/* Renders with root as the context of paths; appends to out. */
void			 tmpl_render(const struct tmpl *, const json_t *root,
			    struct buf *out);

/* The escapers, shared with the tests and the fuzz harness. */
void			 tmpl_escape_text(struct buf *, const char *, size_t);
void			 tmpl_escape_attr(struct buf *, const char *, size_t);
/* 1 when s is an http, https, mailto or relative URL safe in href/src. */
int			 tmpl_url_ok(const char *, size_t);

#endif
