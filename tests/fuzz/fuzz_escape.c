/*
 * libFuzzer harness: the escapers and the URL check of tmpl.h.
 *
 * tmpl_escape_text() leaves no raw < or >, tmpl_escape_attr() no raw
 * < > " or ', and both leave every & starting an entity; decoding either
 * gives the input back.  tmpl_url_ok() never accepts a string with a
 * control character, a leading space, or a scheme (as a browser's URL
 * parser reads one: a letter, then letters, digits, + - ., then a colon)
 * other than http, https or mailto; above all not javascript, data or
 * vbscript in any case.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness.h"
#include "tmpl.h"

/* Decodes the entities an escaper may write; -1 on any other. */
static int
unescape(const char *s, size_t n, struct buf *out)
{
	static const struct {
		const char	*name;
		char		 c;
	} named[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
		{ "apos", '\'' },
	};
	const char	*semi;
	size_t		 i, k, len;
	unsigned long	 cp;
	char		*endp, num[16];

	for (i = 0; i < n; i++) {
		if (s[i] != '&') {
			buf_putc(out, s[i]);
			continue;
		}
		if ((semi = memchr(s + i, ';', n - i)) == NULL)
			return -1;
		len = (size_t)(semi - (s + i)) - 1;
		if (len == 0 || len >= sizeof(num))
			return -1;
		memcpy(num, s + i + 1, len);
		num[len] = '\0';
		if (num[0] == '#') {
			if (num[1] == 'x' || num[1] == 'X')
				cp = strtoul(num + 2, &endp, 16);
			else
				cp = strtoul(num + 1, &endp, 10);
			/* Only ASCII: the escapers leave the rest alone. */
			if (*endp != '\0' || endp == num + 1 || cp == 0 ||
			    cp > 0x7f)
				return -1;
			buf_putc(out, (char)cp);
		} else {
			for (k = 0; k < sizeof(named) / sizeof(named[0]); k++)
				if (strcmp(num, named[k].name) == 0)
					break;
			if (k == sizeof(named) / sizeof(named[0]))
				return -1;
			buf_putc(out, named[k].c);
		}
		i += len + 1;
	}
	return 0;
}

/* The scheme of s as the WHATWG URL parser finds one, or 0 bytes. */
static size_t
scheme_len(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] == ':')
			return i;
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return 0;
	}
	return 0;
}

static int
is_scheme(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = fuzz_arena();
	struct buf	 text, attr, back;
	char		*s;
	size_t		 i, sl;

	s = fuzz_copy(data, size);

	buf_init(&text, a, 64);
	buf_putc(&text, 'x');
	tmpl_escape_text(&text, s, size);
	FUZZ_ASSERT(text.data[text.len] == '\0');
	FUZZ_ASSERT(text.data[0] == 'x');
	for (i = 1; i < text.len; i++)
		FUZZ_ASSERT(text.data[i] != '<' && text.data[i] != '>');
	buf_init(&back, a, size + 1);
	FUZZ_ASSERT(unescape(text.data + 1, text.len - 1, &back) == 0);
	FUZZ_ASSERT(back.len == size && memcmp(back.data, s, size) == 0);

	buf_init(&attr, a, 64);
	tmpl_escape_attr(&attr, s, size);
	FUZZ_ASSERT(attr.data[attr.len] == '\0');
	for (i = 0; i < attr.len; i++)
		FUZZ_ASSERT(attr.data[i] != '<' && attr.data[i] != '>' &&
		    attr.data[i] != '"' && attr.data[i] != '\'');
	buf_init(&back, a, size + 1);
	FUZZ_ASSERT(unescape(attr.data, attr.len, &back) == 0);
	FUZZ_ASSERT(back.len == size && memcmp(back.data, s, size) == 0);

	if (tmpl_url_ok(s, size)) {
		FUZZ_ASSERT(size == 0 || (s[0] != ' ' && s[0] != '\t' &&
		    s[0] != '\n' && s[0] != '\f' && s[0] != '\r'));
		for (i = 0; i < size; i++)
			FUZZ_ASSERT((unsigned char)s[i] >= 0x20 &&
			    s[i] != 0x7f);
		if ((sl = scheme_len(s, size)) > 0) {
			FUZZ_ASSERT(!is_scheme(s, sl, "javascript"));
			FUZZ_ASSERT(!is_scheme(s, sl, "data"));
			FUZZ_ASSERT(!is_scheme(s, sl, "vbscript"));
			FUZZ_ASSERT(is_scheme(s, sl, "http") ||
			    is_scheme(s, sl, "https") ||
			    is_scheme(s, sl, "mailto"));
		}
		FUZZ_ASSERT(!(size >= 11 &&
		    strncasecmp(s, "javascript:", 11) == 0));
		FUZZ_ASSERT(!(size >= 5 && strncasecmp(s, "data:", 5) == 0));
		FUZZ_ASSERT(!(size >= 9 &&
		    strncasecmp(s, "vbscript:", 9) == 0));
	}
	free(s);
	arena_reset(a);
	return 0;
}
