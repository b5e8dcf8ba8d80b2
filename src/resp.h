/*
 * The response: status, headers and body, built in the request's arena and
 * sent in one piece by the server.  Every response passes through
 * resp_finish(), the one place where the security and negotiation headers
 * are set, and errors take the one shape of contract §2.
 */
#ifndef INNKEEP_RESP_H
#define INNKEEP_RESP_H

#include <stddef.h>
#include <jansson.h>

#include "arena.h"

#define RESP_MAX_HEADERS 32

struct resp_header {
	const char	*name;
	const char	*value;
};

struct resp {
	struct arena		*arena;
	int			 status;
	const char		*content_type;	/* NULL: no body */
	struct resp_header	 h[RESP_MAX_HEADERS];
	size_t			 nh;
	struct buf		 body;
	int			 negotiated;	/* sends Vary: Accept */
	int			 html;		/* gets the HTML CSP */
	int			 no_etag;	/* changes every time (metrics) */
};

void		 resp_init(struct resp *, struct arena *);
/* Adds a header; names are constants, values are copied. */
void		 resp_header(struct resp *, const char *name,
		    const char *value);
const char	*resp_header_get(const struct resp *, const char *name);
/* "OK", "Not Found"... for a status; "Unknown" when not known. */
const char	*resp_reason(int status);
/* The contract's error code for a status: 404 → "not_found". */
const char	*resp_error_code(int status);

/* Body setters: they replace the body and its type. */
void		 resp_text(struct resp *, int status, const char *text);
void		 resp_json(struct resp *, int status, const json_t *);
/*
 * An error in the contract's shape: JSON {"error": {...}} or a minimal
 * HTML page, by want_json.  code NULL means resp_error_code(status);
 * fields (an object of field → message) may be NULL.
 */
void		 resp_error(struct resp *, int want_json, int status,
		    const char *code, const char *message,
		    const json_t *fields);
/* A minimal HTML page until the template engine lands. */
void		 resp_html_page(struct resp *, int status, const char *title,
		    const char *text);

/*
 * Conditional GET: gives a 200 answer an ETag (a hash of its type and
 * body) and turns it into a 304 without body when if_none_match (the
 * request header, or NULL) names it.
 */
void		 resp_etag(struct resp *, const char *if_none_match);
/* Sets the headers every response carries; call once, before sending. */
void		 resp_finish(struct resp *, const char *request_id);
/* The CGI-style head ("Status: ...\r\n...\r\n\r\n") for FastCGI. */
void		 resp_format_head(const struct resp *, struct buf *);

#endif
