/* HTML escaping (see html.h): the one escaper of pages and templates. */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "html.h"

/* The five characters that markup fears, and what they become. */
static const struct {
	const char	*rep;
	size_t		 len;
} esc[256] = {
	['&'] = { "&amp;", 5 },
	['<'] = { "&lt;", 4 },
	['>'] = { "&gt;", 4 },
	['"'] = { "&quot;", 6 },
	['\''] = { "&#39;", 5 },
};

void
html_escape(struct buf *b, const char *s, size_t n)
{
	size_t		 i, start = 0;
	unsigned char	 ch;

	/* Runs of plain text are copied whole: most values have no markup. */
	for (i = 0; i < n; i++) {
		ch = (unsigned char)s[i];
		if (esc[ch].rep == NULL)
			continue;
		buf_append(b, s + start, i - start);
		buf_append(b, esc[ch].rep, esc[ch].len);
		start = i + 1;
	}
	buf_append(b, s + start, n - start);
}

void
html_escape_str(struct buf *b, const char *s)
{
	html_escape(b, s, strlen(s));
}
