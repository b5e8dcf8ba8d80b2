/*
 * The request parsers: query strings, urlencoded and multipart forms,
 * JSON bodies and the Cookie header (see req.h).  Every byte they hand out
 * lives in the request's arena, or, for JSON strings, in the jansson tree
 * that an arena cleanup releases; both last until arena_reset().
 *
 * Inputs are length-counted and never NUL-terminated; nothing here reads
 * past the length it was given.  Limits are checked as each field is read,
 * so a hostile body is refused before the parser does the rest of the work.
 *
 * Which input gives which result:
 *
 *  REQ_TOO_LARGE	body over max_body (checked first); more than
 *			max_fields fields in one call; a decoded name over
 *			max_name or a decoded non-file value over max_value
 *			bytes; a multipart part header line over
 *			MP_HEADER_MAX bytes, or more than MP_HEADERS_MAX
 *			header lines in one part.
 *  REQ_MALFORMED	syntax: a bad %XX escape; a NUL byte in any text
 *			(NUL never reaches the database); a multipart body
 *			with no boundary parameter or one RFC 2046 forbids,
 *			no opening or no final delimiter (an empty multipart
 *			body included), a part without Content-Disposition:
 *			form-data and a name, bare CR or LF in part headers;
 *			JSON that nests deeper than max_depth (checked
 *			before jansson runs), that jansson refuses (duplicate
 *			keys and \u0000 included) or that is not an object.
 *  REQ_BAD_UTF8	a name, a non-file value, a cookie, a file name or a
 *			part Content-Type that is not strict UTF-8 once
 *			decoded.  File contents are exempt: any bytes.
 *  REQ_UNSUPPORTED	req_parse_body() with a media type other than
 *			application/x-www-form-urlencoded,
 *			multipart/form-data and application/json (whatever
 *			the body), or a non-empty body with no type.
 *
 * Checks run in that order for each field: count, name length, name
 * escapes, name NUL, name UTF-8, then the same for the value.  max_fields
 * counts the fields one call adds, so a query and a body each get the
 * full allowance.  max_body is req_parse_body()'s alone: a query string
 * or Cookie header is bounded by the web server.  On failure the parser
 * leaves out as it found it (n is restored) and *why is a static or arena
 * string that echoes none of the client's bytes.
 */
#include "config.h"

#include <float.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "arena.h"
#include "req.h"

#define FIELDS_MIN	8
#define DEF_FIELDS	256
#define DEF_NAME	128
#define DEF_VALUE	(1024 * 1024)
#define DEF_DEPTH	32

/* RFC 2046: a boundary is 1 to 70 characters. */
#define MP_BOUNDARY_MAX	70
/* Part headers: a browser sends two or three, each well under this. */
#define MP_HEADER_MAX	1024
#define MP_HEADERS_MAX	16

/* What a piece of text is, to say so in the error message. */
enum what {
	W_NAME,
	W_VALUE,
	W_COOKIE_NAME,
	W_COOKIE_VALUE,
	W_FILENAME,
	W_TYPE,
	W__MAX
};

static const char *const msg_nul[W__MAX] = {
	"null byte in field name",
	"null byte in field value",
	"null byte in cookie name",
	"null byte in cookie value",
	"null byte in file name",
	"null byte in part content type",
};

static const char *const msg_utf8[W__MAX] = {
	"invalid UTF-8 in field name",
	"invalid UTF-8 in field value",
	"invalid UTF-8 in cookie name",
	"invalid UTF-8 in cookie value",
	"invalid UTF-8 in file name",
	"invalid UTF-8 in part content type",
};

/* One parser call: where fields go, the limits, and how many it added. */
struct pctx {
	struct arena		*a;
	const struct req_limits	*lim;
	struct req_fields	*out;
	size_t			 n0;	/* out->n on entry, to count and undo */
	const char		**why;
};

void
req_limits_default(struct req_limits *l, size_t max_body)
{
	l->max_body = max_body;
	l->max_fields = DEF_FIELDS;
	l->max_name = DEF_NAME;
	/* A value cannot be longer than the body that carries it. */
	l->max_value = max_body < DEF_VALUE ? max_body : DEF_VALUE;
	l->max_depth = DEF_DEPTH;
}

/*
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past
 * U+10FFFF, no truncated sequence at the end.  NUL is valid UTF-8; callers
 * that refuse it check for it themselves.
 */
int
utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*end = p + len;
	unsigned char		 c, lo, hi;
	size_t			 need, i;

	while (p < end) {
		c = *p;
		if (c < 0x80) {
			p++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (c < 0xc2)		/* continuation, or overlong C0/C1 */
			return 0;
		else if (c < 0xe0)
			need = 1;
		else if (c < 0xf0) {
			need = 2;
			if (c == 0xe0)		/* overlong */
				lo = 0xa0;
			else if (c == 0xed)	/* surrogates */
				hi = 0x9f;
		} else if (c < 0xf5) {
			need = 3;
			if (c == 0xf0)		/* overlong */
				lo = 0x90;
			else if (c == 0xf4)	/* past U+10FFFF */
				hi = 0x8f;
		} else
			return 0;
		if ((size_t)(end - p) <= need)
			return 0;
		/* Only the first continuation byte has a narrowed range. */
		if (p[1] < lo || p[1] > hi)
			return 0;
		for (i = 2; i <= need; i++)
			if (p[i] < 0x80 || p[i] > 0xbf)
				return 0;
		p += need + 1;
	}
	return 1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * dst must have room for len + 1 bytes; it is NUL-terminated on success
 * and unspecified on failure.  dst may equal src: the write position never
 * passes the read position.  A '%' not followed by two hex digits is an
 * error rather than a literal, so two parsers never read one query two
 * ways.
 */
long
pct_decode(char *dst, const char *src, size_t len, int plus)
{
	size_t	 i, j;
	int	 hi, lo;

	if (len > LONG_MAX)
		return -1;
	for (i = j = 0; i < len; j++) {
		if (src[i] == '%') {
			if (len - i < 3 ||
			    (hi = hexval(src[i + 1])) < 0 ||
			    (lo = hexval(src[i + 2])) < 0)
				return -1;
			dst[j] = (char)(hi << 4 | lo);
			i += 3;
		} else if (plus && src[i] == '+') {
			dst[j] = ' ';
			i++;
		} else
			dst[j] = src[i++];
	}
	dst[j] = '\0';
	return (long)j;
}

static enum req_err
fail(struct pctx *c, enum req_err err, const char *msg)
{
	if (c->why != NULL)
		*c->why = msg;
	return err;
}

/* The parsers' common exit: on failure, drop what this call appended. */
static enum req_err
done(struct pctx *c, enum req_err err)
{
	if (err != REQ_OK)
		c->out->n = c->n0;
	return err;
}

/* NUL first: it is the more dangerous, and valid UTF-8 besides. */
static enum req_err
text_check(struct pctx *c, const char *s, size_t len, enum what w)
{
	if (memchr(s, '\0', len) != NULL)
		return fail(c, REQ_MALFORMED, msg_nul[w]);
	if (!utf8_valid(s, len))
		return fail(c, REQ_BAD_UTF8, msg_utf8[w]);
	return REQ_OK;
}

/* Refuses a field past max_fields, before any work is spent on it. */
static enum req_err
field_room(struct pctx *c)
{
	if (c->out->n - c->n0 >= c->lim->max_fields)
		return fail(c, REQ_TOO_LARGE, "too many fields");
	return REQ_OK;
}

/* Appends a zeroed field; field_room() has been called. */
static struct req_field *
field_add(struct pctx *c)
{
	struct req_fields	*f = c->out;
	struct req_field	*fp;
	size_t			 cap;

	if (f->n == f->cap) {
		cap = f->cap < FIELDS_MIN ? FIELDS_MIN : f->cap * 2;
		f->v = arena_realloc(c->a, f->v, f->cap * sizeof(*f->v),
		    cap * sizeof(*f->v));
		f->cap = cap;
	}
	fp = &f->v[f->n++];
	memset(fp, 0, sizeof(*fp));
	return fp;
}

/*
 * Decodes one urlencoded name or value into the arena.  A %XX escape takes
 * three bytes for one, so a raw string over three times the limit is
 * refused before anything is copied.
 */
static enum req_err
pct_field(struct pctx *c, const char *s, size_t len, enum what w,
    const char **out, size_t *outlen)
{
	size_t		 max;
	char		*d;
	long		 n;

	max = w == W_NAME ? c->lim->max_name : c->lim->max_value;
	if (len / 3 > max)
		return fail(c, REQ_TOO_LARGE, w == W_NAME ?
		    "field name too long" : "field value too long");
	d = arena_alloc(c->a, len + 1);
	if ((n = pct_decode(d, s, len, 1)) < 0)
		return fail(c, REQ_MALFORMED, w == W_NAME ?
		    "invalid percent-encoding in field name" :
		    "invalid percent-encoding in field value");
	if ((size_t)n > max)
		return fail(c, REQ_TOO_LARGE, w == W_NAME ?
		    "field name too long" : "field value too long");
	*out = d;
	*outlen = (size_t)n;
	return text_check(c, d, (size_t)n, w);
}

/* One "name=value" or "name" of a query string or form. */
static enum req_err
urlencoded_pair(struct pctx *c, const char *p, size_t len)
{
	struct req_field	*f;
	const char		*eq, *name, *value;
	size_t			 raw, nlen, vlen;
	enum req_err		 err;

	eq = memchr(p, '=', len);
	raw = eq != NULL ? (size_t)(eq - p) : len;
	/* Browsers never send an unnamed field and no handler can ask. */
	if (raw == 0)
		return REQ_OK;
	if ((err = field_room(c)) != REQ_OK)
		return err;
	if ((err = pct_field(c, p, raw, W_NAME, &name, &nlen)) != REQ_OK)
		return err;
	if (eq == NULL) {
		value = "";
		vlen = 0;
	} else if ((err = pct_field(c, eq + 1, len - raw - 1, W_VALUE,
	    &value, &vlen)) != REQ_OK)
		return err;
	f = field_add(c);
	f->name = name;
	f->value = value;
	f->len = vlen;
	return REQ_OK;
}

enum req_err
req_parse_urlencoded(struct arena *a, const char *s, size_t len,
    const struct req_limits *lim, struct req_fields *out, const char **why)
{
	struct pctx	 c = { a, lim, out, out->n, why };
	const char	*p, *end, *amp;
	enum req_err	 err;

	if (len == 0)
		return REQ_OK;
	for (p = s, end = s + len;; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp > p &&
		    (err = urlencoded_pair(&c, p, (size_t)(amp - p))) != REQ_OK)
			return done(&c, err);
		if (amp == end)
			return REQ_OK;
	}
}

static int
is_ows(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Trims spaces and tabs off both ends of [*p, *end). */
static void
trim(const char **p, const char **end)
{
	while (*p < *end && is_ows(**p))
		(*p)++;
	while (*end > *p && is_ows((*end)[-1]))
		(*end)--;
}

/* Text a cookie may hold: UTF-8, no NUL. */
static int
cookie_text_ok(const char *p, size_t n)
{
	return memchr(p, '\0', n) == NULL && utf8_valid(p, n);
}

/*
 * One "name=value" of a Cookie header.  Cookies are set by whatever else
 * runs on the domain, and a browser sends them all: one we cannot read
 * (malformed, too long, not UTF-8, past the count limit) is skipped rather
 * than failing every request of a visitor who cannot get rid of it.
 */
static enum req_err
cookie_pair(struct pctx *c, const char *p, const char *end)
{
	struct req_field	*f;
	const char		*eq, *ne, *v;

	trim(&p, &end);
	if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
		return REQ_OK;
	ne = eq;
	v = eq + 1;
	trim(&p, &ne);
	trim(&v, &end);
	if (ne == p)
		return REQ_OK;
	/* RFC 6265 cookie-value: DQUOTE *cookie-octet DQUOTE. */
	if (end - v >= 2 && v[0] == '"' && end[-1] == '"') {
		v++;
		end--;
	}
	if (c->out->n - c->n0 >= c->lim->max_fields ||
	    (size_t)(ne - p) > c->lim->max_name ||
	    (size_t)(end - v) > c->lim->max_value ||
	    !cookie_text_ok(p, (size_t)(ne - p)) ||
	    !cookie_text_ok(v, (size_t)(end - v)))
		return REQ_OK;
	f = field_add(c);
	f->name = arena_strndup(c->a, p, (size_t)(ne - p));
	f->value = arena_strndup(c->a, v, (size_t)(end - v));
	f->len = (size_t)(end - v);
	return REQ_OK;
}

enum req_err
req_parse_cookies(struct arena *a, const char *s, size_t len,
    const struct req_limits *lim, struct req_fields *out, const char **why)
{
	struct pctx	 c = { a, lim, out, out->n, why };
	const char	*p, *end, *semi;
	enum req_err	 err;

	if (len == 0)
		return REQ_OK;
	for (p = s, end = s + len;; p = semi + 1) {
		if ((semi = memchr(p, ';', (size_t)(end - p))) == NULL)
			semi = end;
		if ((err = cookie_pair(&c, p, semi)) != REQ_OK)
			return done(&c, err);
		if (semi == end)
			return REQ_OK;
	}
}

/* RFC 7230 tchar: the characters of a token. */
static int
is_tchar(char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return 1;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* RFC 2046 bchars, besides letters and digits. */
static int
is_bchar(char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return 1;
	return ch != '\0' && strchr("'()+_,-./:=? ", ch) != NULL;
}

/* A header parameter, its value unquoted into the arena. */
struct hparam {
	const char	*name;
	size_t		 namelen;
	char		*value;
	size_t		 len;
};

/*
 * Reads a token or an RFC 7230 quoted-string (backslash escapes any byte)
 * at *pp into the arena; -1 when there is neither.
 */
static int
param_value(struct arena *a, const char **pp, const char *end,
    struct hparam *hp)
{
	const char	*p = *pp, *start = p;
	char		*d;
	size_t		 n = 0;

	if (p < end && *p != '"') {
		while (p < end && is_tchar(*p))
			p++;
		if (p == start)
			return -1;
		hp->value = arena_strndup(a, start, (size_t)(p - start));
		hp->len = (size_t)(p - start);
		*pp = p;
		return 0;
	}
	if (p == end)
		return -1;
	/* Unquoting only shrinks: the raw rest bounds the value. */
	d = arena_alloc(a, (size_t)(end - p));
	for (p++; p < end && *p != '"'; p++) {
		if (*p == '\\' && ++p == end)
			return -1;
		d[n++] = *p;
	}
	if (p == end)
		return -1;
	d[n] = '\0';
	hp->value = d;
	hp->len = n;
	*pp = p + 1;
	return 0;
}

/*
 * Reads the next "; name=value" of a header: 1 when read, 0 at the end, -1
 * when malformed.  Whitespace is allowed around ';' only, as RFC 7231 says.
 */
static int
param_next(struct arena *a, const char **pp, const char *end,
    struct hparam *hp)
{
	const char	*p = *pp;

	for (;;) {
		while (p < end && is_ows(*p))
			p++;
		if (p == end)
			return 0;
		if (*p != ';')
			return -1;
		p++;
		while (p < end && is_ows(*p))
			p++;
		/* Empty parameters ("a;;b", a trailing ';') are harmless. */
		if (p < end && *p != ';')
			break;
	}
	hp->name = p;
	while (p < end && is_tchar(*p))
		p++;
	hp->namelen = (size_t)(p - hp->name);
	if (hp->namelen == 0 || p == end || *p != '=')
		return -1;
	p++;
	if (param_value(a, &p, end, hp) == -1)
		return -1;
	*pp = p;
	return 1;
}

static int
param_is(const struct hparam *hp, const char *name)
{
	return hp->namelen == strlen(name) &&
	    strncasecmp(hp->name, name, hp->namelen) == 0;
}

/* Length of the media type at the head of a Content-Type value. */
static size_t
media_type_len(const char *ct, size_t len)
{
	const char	*semi;

	if ((semi = memchr(ct, ';', len)) != NULL)
		len = (size_t)(semi - ct);
	while (len > 0 && is_ows(ct[len - 1]))
		len--;
	return len;
}

/* The boundary parameter of a multipart Content-Type, checked. */
static enum req_err
mp_boundary(struct pctx *c, const char *ct, const char **b, size_t *blen)
{
	struct hparam	 hp;
	const char	*p, *end;
	size_t		 i;
	int		 rc;

	*b = NULL;
	*blen = 0;
	p = ct;
	end = ct + strlen(ct);
	while (p < end && is_ows(*p))
		p++;
	p += media_type_len(p, (size_t)(end - p));
	while ((rc = param_next(c->a, &p, end, &hp)) == 1) {
		if (!param_is(&hp, "boundary"))
			continue;
		if (*b != NULL)
			return fail(c, REQ_MALFORMED,
			    "duplicate multipart boundary");
		*b = hp.value;
		*blen = hp.len;
	}
	if (rc == -1)
		return fail(c, REQ_MALFORMED, "malformed content type");
	if (*b == NULL)
		return fail(c, REQ_MALFORMED, "missing multipart boundary");
	if (*blen == 0 || *blen > MP_BOUNDARY_MAX || (*b)[*blen - 1] == ' ')
		return fail(c, REQ_MALFORMED, "invalid multipart boundary");
	for (i = 0; i < *blen; i++)
		if (!is_bchar((*b)[i]))
			return fail(c, REQ_MALFORMED,
			    "invalid multipart boundary");
	return REQ_OK;
}

/*
 * After a "--boundary": 1 for the close delimiter, 0 when a part starts at
 * *next (past the transport padding and CRLF), -1 when malformed.
 */
static int
mp_delim_end(const char *p, const char *end, const char **next)
{
	if (end - p >= 2 && p[0] == '-' && p[1] == '-')
		return 1;
	while (p < end && is_ows(*p))
		p++;
	if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
		return -1;
	*next = p + 2;
	return 0;
}

/* What a part's headers say. */
struct mp_part {
	const char	*name;
	size_t		 namelen;
	const char	*filename;
	size_t		 fnlen;
	const char	*type;
	size_t		 typelen;
	int		 disposition;
};

static enum req_err
mp_disposition(struct pctx *c, const char *p, const char *end,
    struct mp_part *mp)
{
	struct hparam	 hp;
	const char	*t = p;
	int		 rc;

	if (mp->disposition)
		return fail(c, REQ_MALFORMED,
		    "duplicate content-disposition in multipart part");
	mp->disposition = 1;
	while (p < end && is_tchar(*p))
		p++;
	if (p - t != 9 || strncasecmp(t, "form-data", 9) != 0)
		return fail(c, REQ_MALFORMED,
		    "multipart part is not form-data");
	while ((rc = param_next(c->a, &p, end, &hp)) == 1) {
		/* filename*= (RFC 5987) is ignored: RFC 7578 forbids it. */
		if (param_is(&hp, "name")) {
			if (mp->name != NULL)
				return fail(c, REQ_MALFORMED,
				    "duplicate name in multipart part");
			mp->name = hp.value;
			mp->namelen = hp.len;
		} else if (param_is(&hp, "filename")) {
			if (mp->filename != NULL)
				return fail(c, REQ_MALFORMED,
				    "duplicate filename in multipart part");
			mp->filename = hp.value;
			mp->fnlen = hp.len;
		}
	}
	if (rc == -1)
		return fail(c, REQ_MALFORMED,
		    "malformed content-disposition in multipart part");
	return REQ_OK;
}

/* One "Name: value" line of a part's headers, CRLF excluded. */
static enum req_err
mp_header(struct pctx *c, const char *p, const char *end, struct mp_part *mp)
{
	static const char	 bad[] = "malformed multipart part header";
	const char		*name = p, *ne;

	if (memchr(p, '\r', (size_t)(end - p)) != NULL ||
	    memchr(p, '\n', (size_t)(end - p)) != NULL ||
	    memchr(p, '\0', (size_t)(end - p)) != NULL)
		return fail(c, REQ_MALFORMED, bad);
	while (p < end && is_tchar(*p))
		p++;
	/* No space before ':', no folding: RFC 7230 section 3.2.4. */
	if (p == name || p == end || *p != ':')
		return fail(c, REQ_MALFORMED, bad);
	ne = p++;
	trim(&p, &end);
	if (ne - name == 19 &&
	    strncasecmp(name, "content-disposition", 19) == 0)
		return mp_disposition(c, p, end, mp);
	if (ne - name == 12 && strncasecmp(name, "content-type", 12) == 0) {
		if (mp->type != NULL)
			return fail(c, REQ_MALFORMED,
			    "duplicate content-type in multipart part");
		mp->type = p;
		mp->typelen = (size_t)(end - p);
	}
	return REQ_OK;
}

/* Reads a part's headers from *pp up to and past the blank line. */
static enum req_err
mp_headers(struct pctx *c, const char **pp, const char *end,
    struct mp_part *mp)
{
	const char	*p = *pp, *eol;
	size_t		 win, nh;
	enum req_err	 err;

	for (nh = 0;; nh++) {
		/* Look no further than the longest line allowed. */
		win = (size_t)(end - p);
		if (win > MP_HEADER_MAX + 2)
			win = MP_HEADER_MAX + 2;
		if ((eol = memmem(p, win, "\r\n", 2)) == NULL) {
			if ((size_t)(end - p) >= MP_HEADER_MAX + 2)
				return fail(c, REQ_TOO_LARGE,
				    "multipart part header too long");
			return fail(c, REQ_MALFORMED,
			    "missing final multipart boundary");
		}
		if (eol == p)
			break;
		if (nh == MP_HEADERS_MAX)
			return fail(c, REQ_TOO_LARGE,
			    "too many multipart part headers");
		if ((err = mp_header(c, p, eol, mp)) != REQ_OK)
			return err;
		p = eol + 2;
	}
	*pp = p + 2;
	return REQ_OK;
}

/* Makes a field of a part whose headers and content have been read. */
static enum req_err
mp_field(struct pctx *c, const struct mp_part *mp, const char *v,
    size_t vlen)
{
	struct req_field	*f;
	enum req_err		 err;

	if (!mp->disposition || mp->name == NULL)
		return fail(c, REQ_MALFORMED, "multipart part without a name");
	if (mp->namelen > c->lim->max_name)
		return fail(c, REQ_TOO_LARGE, "field name too long");
	if ((err = text_check(c, mp->name, mp->namelen, W_NAME)) != REQ_OK)
		return err;
	if (mp->filename != NULL && (err = text_check(c, mp->filename,
	    mp->fnlen, W_FILENAME)) != REQ_OK)
		return err;
	if (mp->type != NULL && (err = text_check(c, mp->type, mp->typelen,
	    W_TYPE)) != REQ_OK)
		return err;
	/* A file is bytes, bounded by max_body alone. */
	if (mp->filename == NULL) {
		if (vlen > c->lim->max_value)
			return fail(c, REQ_TOO_LARGE, "field value too long");
		if ((err = text_check(c, v, vlen, W_VALUE)) != REQ_OK)
			return err;
	}
	f = field_add(c);
	f->name = mp->name;
	f->value = arena_strndup(c->a, v, vlen);
	f->len = vlen;
	f->filename = mp->filename;
	if (mp->type != NULL)
		f->type = arena_strndup(c->a, mp->type, mp->typelen);
	return REQ_OK;
}

/*
 * RFC 7578 over RFC 2046.  A delimiter is CRLF "--" boundary at the start
 * of a line; the first may open the body.  Anything before it (preamble)
 * and after the close delimiter (epilogue) is ignored.  A body with no
 * delimiter at all, the empty body included, is malformed: even a form
 * with no fields sends the close delimiter.
 */
enum req_err
req_parse_multipart(struct arena *a, const char *content_type, const char *s,
    size_t len, const struct req_limits *lim, struct req_fields *out,
    const char **why)
{
	struct pctx	 c = { a, lim, out, out->n, why };
	struct mp_part	 mp;
	const char	*b, *p, *end, *next, *hit;
	char		*delim;
	size_t		 blen, dlen;
	enum req_err	 err;
	int		 rc;

	if (content_type == NULL)
		return fail(&c, REQ_MALFORMED, "missing multipart boundary");
	if ((err = mp_boundary(&c, content_type, &b, &blen)) != REQ_OK)
		return err;
	/* delim is CRLF "--" boundary; the first may lack the CRLF. */
	dlen = blen + 4;
	delim = arena_alloc(a, dlen);
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, b, blen);
	end = s + len;
	if (len >= dlen - 2 && memcmp(s, delim + 2, dlen - 2) == 0)
		p = s + dlen - 2;
	else if (len > 0 && (hit = memmem(s, len, delim, dlen)) != NULL)
		p = hit + dlen;
	else
		return fail(&c, REQ_MALFORMED,
		    "missing multipart boundary in body");

	while ((rc = mp_delim_end(p, end, &next)) == 0) {
		if ((err = field_room(&c)) != REQ_OK)
			return done(&c, err);
		memset(&mp, 0, sizeof(mp));
		p = next;
		if ((err = mp_headers(&c, &p, end, &mp)) != REQ_OK)
			return done(&c, err);
		if ((hit = memmem(p, (size_t)(end - p), delim, dlen)) == NULL)
			return done(&c, fail(&c, REQ_MALFORMED,
			    "missing final multipart boundary"));
		if ((err = mp_field(&c, &mp, p, (size_t)(hit - p))) != REQ_OK)
			return done(&c, err);
		p = hit + dlen;
	}
	if (rc == -1)
		return done(&c, fail(&c, REQ_MALFORMED,
		    "malformed multipart boundary line"));
	return REQ_OK;
}

static void
json_release(void *arg)
{
	json_decref(arg);
}

/*
 * Nesting of arrays and objects, the root being 1; scalars add nothing.
 * Measured on the text, before jansson builds anything: brackets outside
 * strings are exactly the structure of valid JSON, and jansson before
 * 2.13 has no depth limit of its own, so a megabyte of '[' would exhaust
 * its stack.  Invalid JSON that passes here, jansson refuses.
 */
static int
json_depth_ok(const char *s, size_t len, size_t max)
{
	size_t	 i, depth = 0;
	int	 instr = 0;

	for (i = 0; i < len; i++) {
		if (instr) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				instr = 0;
			continue;
		}
		switch (s[i]) {
		case '"':
			instr = 1;
			break;
		case '[':
		case '{':
			if (++depth > max)
				return 0;
			break;
		case ']':
		case '}':
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
	}
	return 1;
}

/*
 * jansson keeps no number text, so a real is printed with the fewest
 * digits that read back as the same double ("0.1", not the "%.17g"
 * "0.10000000000000001"), in plain decimal while that stays short
 * ("120.5", and "120" for 120.0: form fields never carry exponents, and
 * money and counts parse plain decimals), else with an exponent
 * ("1.5e+300").
 */
static char *
json_real_text(struct arena *a, double d)
{
	char	 buf[64];
	double	 m = d < 0 ? -d : d;
	int	 prec;

	if (m >= 1e-6 && m < 1e15)
		for (prec = 0; prec <= 21; prec++) {
			snprintf(buf, sizeof(buf), "%.*f", prec, d);
			if (strtod(buf, NULL) == d)
				return arena_strdup(a, buf);
		}
	for (prec = 1; prec < DBL_DECIMAL_DIG; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return arena_strdup(a, buf);
	}
	snprintf(buf, sizeof(buf), "%.*g", DBL_DECIMAL_DIG, d);
	return arena_strdup(a, buf);
}

/* One member of the root object.  Strings stay in the jansson tree. */
static enum req_err
json_member(struct pctx *c, const char *key, json_t *v)
{
	struct req_field	*f;
	const char		*s = NULL;
	size_t			 klen, len = 0;
	enum req_err		 err;

	if ((err = field_room(c)) != REQ_OK)
		return err;
	/*
	 * strlen() is exact: jansson refuses a NUL in a key.  (Its key
	 * length API is 2.14's; configure asks for 2.10.)
	 */
	klen = strlen(key);
	if (klen > c->lim->max_name)
		return fail(c, REQ_TOO_LARGE, "field name too long");
	if ((err = text_check(c, key, klen, W_NAME)) != REQ_OK)
		return err;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		len = json_string_length(v);
		if (len > c->lim->max_value)
			return fail(c, REQ_TOO_LARGE, "field value too long");
		if ((err = text_check(c, s, len, W_VALUE)) != REQ_OK)
			return err;
		break;
	case JSON_INTEGER:
		s = arena_printf(c->a, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		break;
	case JSON_REAL:
		s = json_real_text(c->a, json_real_value(v));
		break;
	case JSON_TRUE:
		s = "true";
		break;
	case JSON_FALSE:
		s = "false";
		break;
	default:
		/* null, arrays, objects: read them through json. */
		break;
	}
	if (s != NULL && len == 0)
		len = strlen(s);
	f = field_add(c);
	f->name = key;
	f->value = s;
	f->len = len;
	f->json = v;
	return REQ_OK;
}

/*
 * jansson's message names a token of the client's ("near 'x'"), which may
 * be anything, even invalid UTF-8: keep only what precedes it, and only
 * printable ASCII of that.
 */
static const char *
json_why(struct arena *a, const json_error_t *e)
{
	char	*s, *cut;
	size_t	 i;

	s = arena_printf(a, "invalid json: %s", e->text);
	if ((cut = strstr(s, " near ")) != NULL)
		*cut = '\0';
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			s[i] = '?';
	return s;
}

enum req_err
req_parse_json(struct arena *a, const char *s, size_t len,
    const struct req_limits *lim, struct req_fields *out, json_t **root,
    const char **why)
{
	struct pctx	 c = { a, lim, out, out->n, why };
	json_error_t	 e;
	json_t		*j;
	void		*it;
	enum req_err	 err;

	if (root != NULL)
		*root = NULL;
	if (len == 0)
		return fail(&c, REQ_MALFORMED, "empty json body");
	if (!json_depth_ok(s, len, lim->max_depth))
		return fail(&c, REQ_MALFORMED, "json body nested too deeply");
	/* No JSON_ALLOW_NUL: jansson refuses \u0000 itself. */
	if ((j = json_loadb(s, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &e)) == NULL)
		return fail(&c, REQ_MALFORMED, json_why(a, &e));
	/*
	 * Released at reset, never before: fields point into the tree, and
	 * whether jansson allocates from the arena is the server's choice.
	 */
	arena_cleanup_add(a, json_release, j);
	if (!json_is_object(j))
		return fail(&c, REQ_MALFORMED, "json body must be an object");
	for (it = json_object_iter(j); it != NULL;
	    it = json_object_iter_next(j, it)) {
		err = json_member(&c, json_object_iter_key(it),
		    json_object_iter_value(it));
		if (err != REQ_OK)
			return done(&c, err);
	}
	if (root != NULL)
		*root = j;
	return REQ_OK;
}

static int
media_is(const char *mt, size_t len, const char *want)
{
	return len == strlen(want) && strncasecmp(mt, want, len) == 0;
}

enum req_err
req_parse_body(struct arena *a, const char *content_type, const char *s,
    size_t len, const struct req_limits *lim, struct req_fields *out,
    json_t **root, const char **why)
{
	struct pctx	 c = { a, lim, out, out->n, why };
	const char	*mt;
	size_t		 mtlen;

	if (root != NULL)
		*root = NULL;
	if (len > lim->max_body)
		return fail(&c, REQ_TOO_LARGE, "request body too large");
	mt = content_type != NULL ? content_type : "";
	while (is_ows(*mt))
		mt++;
	mtlen = media_type_len(mt, strlen(mt));
	if (mtlen == 0) {
		if (len == 0)
			return REQ_OK;
		return fail(&c, REQ_UNSUPPORTED, "missing content type");
	}
	if (media_is(mt, mtlen, "application/x-www-form-urlencoded"))
		return req_parse_urlencoded(a, s, len, lim, out, why);
	if (media_is(mt, mtlen, "multipart/form-data"))
		return req_parse_multipart(a, content_type, s, len, lim, out,
		    why);
	if (media_is(mt, mtlen, "application/json"))
		return req_parse_json(a, s, len, lim, out, root, why);
	return fail(&c, REQ_UNSUPPORTED, "unsupported content type");
}
