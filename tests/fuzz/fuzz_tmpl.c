/*
 * libFuzzer harness: the input as a page for tmpl_compile(), and what
 * compiles rendered with a context whose every string is hostile.  The
 * output must be valid UTF-8 without NUL, its markup must be what the
 * engine writes (tags, double-quoted attributes, entities, nothing raw),
 * and no value may reach markup, a URL attribute with a bad scheme, an
 * on* attribute or the inside of <script> or <style>.
 *
 * Values carry the token TOK; markup or URLs holding TOK can only come
 * from a value, unless the page itself holds TOK, which then goes
 * unchecked for that input.  Partials and layouts come from the directory
 * in INNKEEP_FUZZ_TMPL_DIR (make fuzz points it at tests/unit/tmpl), or
 * none when it is unset.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "harness.h"
#include "tmpl.h"

#define TOK	"Q7zK"

static const char *const hostile[] = {
	"X<script>" TOK "</script>X",
	"\"><script>" TOK "</script>",
	"x\" onfocus=\"" TOK,
	"x' onblur='" TOK,
	"javascript:" TOK,
	"JAVASCRIPT:" TOK,
	"JavaScript:" TOK,
	" javascript:" TOK,
	"\tjavascript:" TOK,
	"java\tscript:" TOK,
	"java\nscript:" TOK,
	"javascript\x01:" TOK,
	"data:text/html," TOK,
	"vbscript:" TOK,
	"&lt;script&gt;" TOK,
	"<![CDATA[" TOK "]]>",
	"<!--" TOK "-->",
	"</textarea><script>" TOK,
	"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 " TOK,
	"/ok?" TOK "&a=<b>",
	"https://example.org/" TOK,
};
#define NHOSTILE	(sizeof(hostile) / sizeof(hostile[0]))

/* view.s0 ... view.sN, view.items (strings and objects), and the rest. */
static json_t *
context(void)
{
	json_t	*root, *view, *items, *objs, *o;
	char	 key[16];
	size_t	 i;

	view = json_object();
	items = json_array();
	objs = json_array();
	for (i = 0; i < NHOSTILE; i++) {
		snprintf(key, sizeof(key), "s%zu", i);
		json_object_set_new(view, key, json_string(hostile[i]));
		json_array_append_new(items, json_string(hostile[i]));
		o = json_pack("{s:s, s:s, s:s, s:b, s:i}", "name", hostile[i],
		    "url", hostile[(i + 4) % NHOSTILE], "title",
		    hostile[(i + 1) % NHOSTILE], "on", (int)(i & 1), "n",
		    (int)i);
		json_array_append_new(objs, o);
	}
	json_object_set_new(view, "s", json_string(hostile[0]));
	json_object_set_new(view, "u", json_string(hostile[4]));
	json_object_set_new(view, "items", items);
	json_object_set_new(view, "objs", objs);
	json_object_set_new(view, "t", json_true());
	json_object_set_new(view, "f", json_false());
	json_object_set_new(view, "n", json_integer(-42));
	json_object_set_new(view, "r", json_real(2.5));
	json_object_set_new(view, "z", json_null());
	json_object_set_new(view, "e", json_array());
	json_object_set_new(view, "o", json_pack("{s:s, s:[s]}", "x",
	    hostile[1], "y", hostile[5]));
	root = json_pack("{s:o, s:{s:s, s:i, s:s, s:{s:s}, s:{s:s}},"
	    " s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}, s:{s:i, s:s, s:s}}",
	    "view", view,
	    "page", "title", hostile[0], "status", 200, "message", hostile[2],
	    "fields", "name", hostile[3], "form", "name", hostile[5],
	    "site", "name", hostile[1], "version", hostile[6], "base_url",
	    hostile[7],
	    "request", "path", hostile[8], "query", hostile[9], "csrf_token",
	    hostile[10],
	    "me", "id", 1, "username", hostile[11], "display_name",
	    hostile[12]);
	FUZZ_ASSERT(root != NULL);
	return root;
}

static int
url_attr(const char *name, size_t n)
{
	static const char *const names[] = {
		"href", "src", "action", "formaction", "poster", "cite",
		"srcset", "background", "data", "xlink:href",
	};
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && strncasecmp(names[i], name, n) == 0)
			return 1;
	return 0;
}

/* A byte of an XML name: ASCII name characters or any non-ASCII. */
static int
name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == ':' ||
	    c == '_' || c == '.' || (unsigned char)c >= 0x80;
}

/* An attribute value as written: no raw < > " ', entities only. */
static void
check_entities(const char *s, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(s[i] != '<' && s[i] != '>' && s[i] != '"' &&
		    s[i] != '\'');
		if (s[i] != '&')
			continue;
		j = i + 1;
		if (j < n && s[j] == '#') {
			j++;
			if (j < n && (s[j] == 'x' || s[j] == 'X'))
				for (j++; j < n && isxdigit((unsigned char)s[j]);
				    j++)
					;
			else
				for (; j < n && isdigit((unsigned char)s[j]); j++)
					;
		} else
			for (; j < n && isalnum((unsigned char)s[j]); j++)
				;
		FUZZ_ASSERT(j > i + 1 && j < n && s[j] == ';');
	}
}

/* A URL attribute whose value came from a context value. */
static void
check_url(const char *v, size_t n)
{
	size_t	 i;

	if (memmem(v, n, TOK, strlen(TOK)) == NULL)
		return;
	FUZZ_ASSERT(n > 0 && v[0] != ' ' && v[0] != '\t' && v[0] != '\n');
	for (i = 0; i < n; i++)
		FUZZ_ASSERT((unsigned char)v[i] >= 0x20 && v[i] != 0x7f);
	FUZZ_ASSERT(!(n >= 11 && strncasecmp(v, "javascript:", 11) == 0));
	FUZZ_ASSERT(!(n >= 9 && strncasecmp(v, "vbscript:", 9) == 0));
	FUZZ_ASSERT(!(n >= 5 && strncasecmp(v, "data:", 5) == 0));
}

/*
 * Walks the output as the engine writes it: tags with double-quoted
 * attributes, text with entities, raw text in <script> and <style>.
 * checkval: the page does not hold TOK, so TOK in markup is a value.
 */
static void
check_markup(const char *s, size_t n, int checkval)
{
	const char	*p = s, *end = s + n, *name, *v, *close;
	size_t		 nl, an;
	int		 raw;

	while (p < end) {
		if (*p == '>')
			FUZZ_ASSERT(!"raw > in text");
		if (*p == '&') {
			close = memchr(p, ';', (size_t)(end - p));
			FUZZ_ASSERT(close != NULL && close - p <= 32);
			check_entities(p, (size_t)(close - p + 1));
			p = close + 1;
			continue;
		}
		if (*p != '<') {
			p++;
			continue;
		}
		if ((size_t)(end - p) >= 15 &&
		    strncmp(p, "<!DOCTYPE html>", 15) == 0) {
			FUZZ_ASSERT(p == s);
			p += 15;
			continue;
		}
		if (p + 1 < end && p[1] == '/') {
			for (p += 2; p < end && *p != '>'; p++)
				FUZZ_ASSERT(name_char(*p));
			FUZZ_ASSERT(p < end);
			p++;
			continue;
		}
		/* A start tag: <name (sp attr[="value"])* > */
		name = ++p;
		while (p < end && *p != ' ' && *p != '>' && *p != '/')
			p++;
		nl = (size_t)(p - name);
		FUZZ_ASSERT(nl > 0 && p < end);
		raw = (nl == 6 && strncasecmp(name, "script", 6) == 0) ||
		    (nl == 5 && strncasecmp(name, "style", 5) == 0);
		while (p < end && *p == ' ') {
			const char *an0 = ++p;

			while (p < end && *p != '=' && *p != ' ' &&
			    *p != '>' && *p != '/')
				p++;
			an = (size_t)(p - an0);
			FUZZ_ASSERT(an > 0 && p < end);
			if (*p != '=')
				continue;
			FUZZ_ASSERT(p + 1 < end && p[1] == '"');
			v = p + 2;
			close = memchr(v, '"', (size_t)(end - v));
			FUZZ_ASSERT(close != NULL);
			check_entities(v, (size_t)(close - v));
			if (checkval && url_attr(an0, an))
				check_url(v, (size_t)(close - v));
			if (checkval && an >= 2 &&
			    strncasecmp(an0, "on", 2) == 0)
				FUZZ_ASSERT(memmem(v, (size_t)(close - v), TOK,
				    strlen(TOK)) == NULL);
			p = close + 1;
		}
		if (p < end && *p == '/')
			p++;
		FUZZ_ASSERT(p < end && *p == '>');
		p++;
		if (!raw)
			continue;
		/* Raw text up to the end tag: never a value. */
		for (close = p; close < end; close++)
			if (*close == '<' && close + 1 < end &&
			    close[1] == '/' && (size_t)(end - close - 2) >= nl &&
			    strncasecmp(close + 2, name, nl) == 0)
				break;
		if (checkval)
			FUZZ_ASSERT(memmem(p, (size_t)(close - p), TOK,
			    strlen(TOK)) == NULL);
		p = close;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t		*root;
	static const char	*dir;
	static int		 init;
	struct arena		*a = fuzz_arena();
	struct tmpl		*t;
	struct buf		 out;
	char			 err[256], *xml;
	int			 checkval;

	if (!init) {
		dir = getenv("INNKEEP_FUZZ_TMPL_DIR");
		if (dir != NULL && *dir == '\0')
			dir = NULL;
		root = context();
		init = 1;
	}
	xml = fuzz_copy(data, size);
	memset(err, 'Z', sizeof(err));
	t = tmpl_compile("fuzz", xml, size, dir, err, sizeof(err));
	if (t == NULL) {
		/* "file:line: message", terminated within the buffer. */
		FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
		FUZZ_ASSERT(err[0] != '\0' && err[0] != ':');
		FUZZ_ASSERT(strchr(err, ':') != NULL);
		FUZZ_ASSERT(isdigit((unsigned char)strchr(err, ':')[1]));
		free(xml);
		return 0;
	}
	buf_init(&out, a, 1024);
	tmpl_render(t, root, &out);
	tmpl_destroy(t);
	FUZZ_ASSERT(out.data[out.len] == '\0');
	FUZZ_ASSERT(memchr(out.data, '\0', out.len) == NULL);
	FUZZ_ASSERT(utf8_valid(out.data, out.len));
	checkval = memmem(data, size, TOK, strlen(TOK)) == NULL;
	if (checkval) {
		FUZZ_ASSERT(memmem(out.data, out.len, "<script>" TOK,
		    strlen("<script>" TOK)) == NULL);
		FUZZ_ASSERT(memmem(out.data, out.len, "onfocus=\"" TOK,
		    strlen("onfocus=\"" TOK)) == NULL);
		FUZZ_ASSERT(memmem(out.data, out.len, "onblur='" TOK,
		    strlen("onblur='" TOK)) == NULL);
	}
	check_markup(out.data, out.len, checkval);
	free(xml);
	arena_reset(a);
	return 0;
}
