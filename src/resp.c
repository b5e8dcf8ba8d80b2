/*
 * Responses (see resp.h).  Header values are copied into the arena and
 * checked for CR and LF, so no caller can split a response.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "resp.h"
#include "view.h"

struct status_row {
	int		 status;
	const char	*reason;
	const char	*code;
};

static const struct status_row statuses[] = {
	{ 200, "OK", NULL },
	{ 201, "Created", NULL },
	{ 202, "Accepted", NULL },
	{ 204, "No Content", NULL },
	{ 303, "See Other", NULL },
	{ 304, "Not Modified", NULL },
	{ 400, "Bad Request", "bad_request" },
	{ 401, "Unauthorized", "unauthenticated" },
	{ 403, "Forbidden", "forbidden" },
	{ 404, "Not Found", "not_found" },
	{ 405, "Method Not Allowed", "method_not_allowed" },
	{ 409, "Conflict", "conflict" },
	{ 413, "Content Too Large", "payload_too_large" },
	{ 415, "Unsupported Media Type", "unsupported_media_type" },
	{ 422, "Unprocessable Content", "validation_failed" },
	{ 429, "Too Many Requests", "rate_limited" },
	{ 500, "Internal Server Error", "internal" },
	{ 503, "Service Unavailable", "unavailable" },
};

static const struct status_row *
status_find(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status)
			return &statuses[i];
	return NULL;
}

const char *
resp_reason(int status)
{
	const struct status_row	*r = status_find(status);

	return r ? r->reason : "Unknown";
}

const char *
resp_error_code(int status)
{
	const struct status_row	*r = status_find(status);

	if (r != NULL && r->code != NULL)
		return r->code;
	return status >= 500 ? "internal" : "bad_request";
}

void
resp_init(struct resp *r, struct arena *a)
{
	memset(r, 0, sizeof(*r));
	r->arena = a;
	r->status = 200;
	buf_init(&r->body, a, 1024);
}

static int
header_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\r' || *s == '\n')
			return 0;
	return 1;
}

void
resp_header(struct resp *r, const char *name, const char *value)
{
	size_t	 i;

	if (!header_safe(value))
		return;
	/* Replace a header set twice: the last word wins. */
	for (i = 0; i < r->nh; i++)
		if (strcasecmp(r->h[i].name, name) == 0) {
			r->h[i].value = arena_strdup(r->arena, value);
			return;
		}
	if (r->nh == RESP_MAX_HEADERS)
		abort();	/* a programming error, not an input one */
	r->h[r->nh].name = name;
	r->h[r->nh].value = arena_strdup(r->arena, value);
	r->nh++;
}

const char *
resp_header_get(const struct resp *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->nh; i++)
		if (strcasecmp(r->h[i].name, name) == 0)
			return r->h[i].value;
	return NULL;
}

void
resp_text(struct resp *r, int status, const char *text)
{
	r->status = status;
	r->content_type = "text/plain; charset=utf-8";
	r->body.len = 0;
	buf_puts(&r->body, text);
}

void
resp_json(struct resp *r, int status, const json_t *v)
{
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	r->negotiated = 1;
	r->html = 0;
	r->body.len = 0;
	view_to_json(&r->body, v);
}

void
resp_html_page(struct resp *r, int status, const char *title,
    const char *text)
{
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	r->negotiated = 1;
	r->html = 1;
	r->body.len = 0;
	buf_puts(&r->body, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\"><title>");
	html_escape_str(&r->body, title);
	buf_puts(&r->body, " · innkeep</title><link rel=\"stylesheet\" "
	    "href=\"/static/innkeep.css\"></head><body><header><a href=\"/\">"
	    "innkeep</a></header><main><h1>");
	html_escape_str(&r->body, title);
	buf_puts(&r->body, "</h1><p>");
	html_escape_str(&r->body, text);
	buf_puts(&r->body, "</p></main></body></html>\n");
}

void
resp_error(struct resp *r, int want_json, int status, const char *code,
    const char *message, const json_t *fields)
{
	json_t	*root, *err;
	char	 title[64];

	if (code == NULL)
		code = resp_error_code(status);
	if (message == NULL)
		message = resp_reason(status);
	if (!want_json) {
		snprintf(title, sizeof(title), "%d %s", status,
		    resp_reason(status));
		resp_html_page(r, status, title, message);
		return;
	}
	root = view_object();
	err = view_object();
	view_set_str(err, "code", code);
	view_set_str(err, "message", message);
	if (fields != NULL)
		view_set(err, "fields", json_deep_copy(fields));
	view_set(root, "error", err);
	resp_json(r, status, root);
	json_decref(root);
}

/*
 * A 64-bit hash for cache validators (not a secret, not a MAC): two lanes
 * of multiply-xorshift over 8-byte words, then a final mix.  Byte-wise
 * FNV-1a was a quarter of innkeep's time on the home page: one multiply
 * in a dependency chain per byte.
 */
static uint64_t
hash64(uint64_t h, const char *s, size_t n)
{
	uint64_t	 a = h, b = h ^ 0x9e3779b97f4a7c15ULL, w;
	size_t		 i = 0;

	for (; i + 16 <= n; i += 16) {
		memcpy(&w, s + i, 8);
		a = (a ^ w) * 0xff51afd7ed558ccdULL;
		a ^= a >> 32;
		memcpy(&w, s + i + 8, 8);
		b = (b ^ w) * 0xc4ceb9fe1a85ec53ULL;
		b ^= b >> 32;
	}
	for (; i < n; i++)
		a = (a ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	h = a ^ (b * 0x9e3779b97f4a7c15ULL) ^ n;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* 1 when the If-None-Match list names tag (weak comparison, RFC 9110). */
static int
etag_listed(const char *list, const char *tag)
{
	const char	*p = list, *q;
	size_t		 tn = strlen(tag);

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"')
			return 0;
		if ((q = strchr(p + 1, '"')) == NULL)
			return 0;
		if ((size_t)(q + 1 - p) == tn && memcmp(p, tag, tn) == 0)
			return 1;
		p = q + 1;
	}
	return 0;
}

void
resp_etag(struct resp *r, const char *if_none_match)
{
	char		 tag[24];
	uint64_t	 h = 0xcbf29ce484222325ULL;

	if (r->status != 200 || r->no_etag)
		return;
	if (r->content_type != NULL)
		h = hash64(h, r->content_type, strlen(r->content_type));
	h = hash64(h, r->body.data, r->body.len);
	snprintf(tag, sizeof(tag), "\"%016llx\"", (unsigned long long)h);
	resp_header(r, "ETag", tag);
	if (if_none_match != NULL && etag_listed(if_none_match, tag)) {
		r->status = 304;
		r->body.len = 0;
	}
}

void
resp_finish(struct resp *r, const char *request_id)
{
	if (request_id != NULL)
		resp_header(r, "X-Request-Id", request_id);
	resp_header(r, "X-Content-Type-Options", "nosniff");
	resp_header(r, "Referrer-Policy", "same-origin");
	if (r->negotiated)
		resp_header(r, "Vary", resp_header_get(r, "Vary") ?
		    resp_header_get(r, "Vary") : "Accept");
	if (r->html) {
		/* No inline script or style anywhere: the pages need none. */
		resp_header(r, "Content-Security-Policy",
		    "default-src 'none'; style-src 'self'; img-src 'self' "
		    "data:; form-action 'self'; frame-ancestors 'none'; "
		    "base-uri 'none'");
		resp_header(r, "X-Frame-Options", "DENY");
	}
	/* Errors are never kept; pages set their own (app_finish). */
	if (resp_header_get(r, "Cache-Control") == NULL)
		resp_header(r, "Cache-Control", r->status >= 400 ?
		    "no-store" : "no-cache");
}

void
resp_format_head(const struct resp *r, struct buf *b)
{
	size_t	 i;

	/* Plain appends: this runs for every response. */
	buf_printf(b, "Status: %d %s\r\n", r->status, resp_reason(r->status));
	if (r->content_type != NULL) {
		buf_puts(b, "Content-Type: ");
		buf_puts(b, r->content_type);
		buf_puts(b, "\r\n");
	}
	if (r->status != 204 && r->status != 304)
		buf_printf(b, "Content-Length: %zu\r\n", r->body.len);
	for (i = 0; i < r->nh; i++) {
		buf_puts(b, r->h[i].name);
		buf_puts(b, ": ");
		buf_puts(b, r->h[i].value);
		buf_puts(b, "\r\n");
	}
	buf_puts(b, "\r\n");
}
