/*
 * The request value (see req.h): accessors, method names and content
 * negotiation.  Reading the body from FastCGI lives in server.c; the
 * parsers in req_parse.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "req.h"

static const char *const method_names[METHOD__MAX] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"
};

enum req_method
req_method_parse(const char *s)
{
	int	 i;

	if (s == NULL)
		return METHOD_OTHER;
	for (i = 0; i < METHOD_OTHER; i++)
		if (strcmp(s, method_names[i]) == 0)
			return (enum req_method)i;
	return METHOD_OTHER;
}

const char *
req_method_name(enum req_method m)
{
	return m < METHOD__MAX ? method_names[m] : "OTHER";
}

const struct req_field *
req_fields_get(const struct req_fields *f, const char *name)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return &f->v[i];
	return NULL;
}

const char *
req_param(const struct req *r, const char *name)
{
	const struct req_field	*f;

	if ((f = req_fields_get(&r->body_fields, name)) != NULL &&
	    f->filename == NULL)
		return f->value;
	return req_query(r, name);
}

const char *
req_query(const struct req *r, const char *name)
{
	const struct req_field	*f = req_fields_get(&r->query_fields, name);

	return f ? f->value : NULL;
}

const char *
req_cookie(const struct req *r, const char *name)
{
	const struct req_field	*f = req_fields_get(&r->cookies, name);

	return f ? f->value : NULL;
}

const char *
req_env(const struct req *r, const char *name)
{
	size_t	 n = strlen(name);
	char	**e;

	if (r->envp == NULL)
		return NULL;
	for (e = r->envp; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/*
 * One media range of an Accept header: how specific it is for the type
 * (3 exact, 2 type/\*, 1 \*\/\*, 0 no match) and its quality in thousandths.
 */
static void
accept_range(const char *s, size_t n, const char *type, int *spec, int *q)
{
	const char	*semi, *p, *end = s + n;
	size_t		 mlen, tlen = strlen(type);
	const char	*slash = strchr(type, '/');
	int		 v, d;

	*spec = 0;
	*q = 1000;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	semi = memchr(s, ';', (size_t)(end - s));
	mlen = (size_t)((semi ? semi : end) - s);
	while (mlen > 0 && (s[mlen - 1] == ' ' || s[mlen - 1] == '\t'))
		mlen--;
	if (mlen == tlen && strncasecmp(s, type, tlen) == 0)
		*spec = 3;
	else if (mlen == (size_t)(slash - type) + 2 &&
	    strncasecmp(s, type, (size_t)(slash - type) + 1) == 0 &&
	    s[mlen - 1] == '*')
		*spec = 2;
	else if (mlen == 3 && memcmp(s, "*/*", 3) == 0)
		*spec = 1;
	/* Parameters: only q matters; q=0.xyz with up to three decimals. */
	for (p = semi; p != NULL && p < end; ) {
		p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') &&
		    p[1] == '=') {
			p += 2;
			v = 0;
			if (p < end && (*p == '0' || *p == '1')) {
				v = (*p - '0') * 1000;
				p++;
				if (p < end && *p == '.')
					for (p++, d = 100; p < end &&
					    *p >= '0' && *p <= '9' && d > 0;
					    p++, d /= 10)
						v += (*p - '0') * d;
			}
			*q = v > 1000 ? 1000 : v;
		}
		p = memchr(p, ';', (size_t)(end - p));
	}
}

/* The quality of a type: that of the most specific range naming it. */
static int
accept_quality(const char *accept, const char *type, size_t *pos)
{
	const char	*s = accept, *comma;
	int		 best = 0, bestq = 0, spec, q;
	size_t		 idx = 0, n;

	*pos = (size_t)-1;
	for (;;) {
		comma = strchr(s, ',');
		n = comma ? (size_t)(comma - s) : strlen(s);
		accept_range(s, n, type, &spec, &q);
		if (spec > best) {
			best = spec;
			bestq = q;
			*pos = idx;
		}
		if (comma == NULL)
			break;
		s = comma + 1;
		idx++;
	}
	return bestq;
}

int
req_accept_json(const char *accept)
{
	size_t	 jpos, hpos, xpos;
	int	 json, html, xhtml;

	if (accept == NULL || *accept == '\0')
		return 0;
	/* JSON must be asked for by name; a wildcard means a browser. */
	json = accept_quality(accept, "application/json", &jpos);
	if (json == 0 || strcasestr(accept, "application/json") == NULL)
		return 0;
	html = accept_quality(accept, "text/html", &hpos);
	xhtml = accept_quality(accept, "application/xhtml+xml", &xpos);
	if (xhtml > html) {
		html = xhtml;
		hpos = xpos;
	}
	if (json != html)
		return json > html;
	return jpos < hpos;
}
