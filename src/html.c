/* HTML escaping (see html.h); the template engine builds on this. */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "html.h"

void
html_escape(struct buf *b, const char *s, size_t n)
{
	size_t	 i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_append(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_append(b, s + start, n - start);
}

void
html_escape_str(struct buf *b, const char *s)
{
	html_escape(b, s, strlen(s));
}
