/*
 * HTML escaping: the one place where text becomes markup.  Escapes
 * & < > " and ' so the result is safe in text and in quoted attributes.
 */
#ifndef INNKEEP_HTML_H
#define INNKEEP_HTML_H

#include <stddef.h>

struct buf;

void	html_escape(struct buf *, const char *, size_t);
void	html_escape_str(struct buf *, const char *);

#endif
