/*
 * The request: everything a handler may read about one HTTP request, parsed
 * once, with limits checked while parsing.  Handlers read input through
 * req_param() whatever the body type (urlencoded, multipart or JSON), so a
 * form and an API client are served by the same code.
 *
 * All strings live as long as the request's arena (JSON strings point into
 * the parsed tree, which an arena cleanup releases), are NUL-terminated,
 * and are valid UTF-8 (the parsers refuse anything else).  Values may
 * contain NUL only in uploaded files; use the len field for those.
 */
#ifndef INNKEEP_REQ_H
#define INNKEEP_REQ_H

#include <stddef.h>
#include <jansson.h>

struct arena;

enum req_method {
	METHOD_GET,
	METHOD_HEAD,
	METHOD_POST,
	METHOD_PUT,
	METHOD_PATCH,
	METHOD_DELETE,
	METHOD_OPTIONS,
	METHOD_OTHER,
	METHOD__MAX
};

/* Results of the parsers; each maps to one HTTP status. */
enum req_err {
	REQ_OK = 0,
	REQ_MALFORMED,		/* 400 bad_request */
	REQ_BAD_UTF8,		/* 400 bad_request */
	REQ_TOO_LARGE,		/* 413 payload_too_large */
	REQ_UNSUPPORTED,	/* 415 unsupported_media_type */
	REQ_ERR__MAX
};

/* Limits enforced while parsing; see req_limits_default(). */
struct req_limits {
	size_t	 max_body;	/* bytes of body (config max_body_bytes) */
	size_t	 max_fields;	/* fields in one query, body or cookie header */
	size_t	 max_name;	/* bytes of a field name */
	size_t	 max_value;	/* bytes of a non-file field value */
	size_t	 max_depth;	/* nesting of a JSON body */
};

void	req_limits_default(struct req_limits *, size_t max_body);

/* One named value: a query parameter, cookie, form field or JSON member. */
struct req_field {
	const char	*name;
	const char	*value;		/* NUL-terminated; see len */
	size_t		 len;
	const char	*filename;	/* multipart file parts, else NULL */
	const char	*type;		/* multipart part Content-Type, or NULL */
	json_t		*json;		/* JSON body: the member's value */
};

struct req_fields {
	struct req_field	*v;
	size_t			 n;
	size_t			 cap;
};

/*
 * The parsers.  Each appends to out, allocating from the arena, and on
 * failure sets *why (when not NULL) to a short lower-case message fit for
 * the client ("invalid percent-encoding in field name").  None of them
 * reads past len, and none needs its input NUL-terminated.
 */

/* application/x-www-form-urlencoded and query strings: '+' is a space. */
enum req_err	req_parse_urlencoded(struct arena *, const char *, size_t,
		    const struct req_limits *, struct req_fields *,
		    const char **why);
/*
 * A Cookie header (RFC 6265 cookie-string).  Never fails: a pair that is
 * malformed, too long, not UTF-8 or past max_fields is skipped, because
 * other software on the domain sets cookies a visitor cannot remove.
 */
enum req_err	req_parse_cookies(struct arena *, const char *, size_t,
		    const struct req_limits *, struct req_fields *,
		    const char **why);
/* multipart/form-data; content_type is the whole header, with boundary. */
enum req_err	req_parse_multipart(struct arena *, const char *content_type,
		    const char *, size_t, const struct req_limits *,
		    struct req_fields *, const char **why);
/*
 * application/json: the body must be one JSON object.  Each member becomes
 * a field: strings as they are, numbers formatted from their parsed value
 * (integers exactly, reals in the fewest digits that read back the same),
 * true/false as "true"/"false"; null, arrays and objects get value NULL,
 * so req_param() callers must allow for NULL.  Every member keeps its
 * json_t in the json field.
 */
enum req_err	req_parse_json(struct arena *, const char *, size_t,
		    const struct req_limits *, struct req_fields *,
		    json_t **root, const char **why);
/*
 * Checks the size first (over max_body: REQ_TOO_LARGE, whatever the type),
 * then dispatches on the Content-Type header (parameters and case
 * ignored); an empty body with no type is no fields.  Any other type is
 * REQ_UNSUPPORTED.
 */
enum req_err	req_parse_body(struct arena *, const char *content_type,
		    const char *, size_t, const struct req_limits *,
		    struct req_fields *, json_t **root, const char **why);

/* Helpers shared by the parsers, exposed for their tests. */
/* 1 when strictly valid UTF-8 (NUL is allowed here), else 0. */
int	utf8_valid(const char *, size_t);
/*
 * Decodes %XX (and '+' as space when plus is set) into dst, which needs
 * len + 1 bytes, may equal src, and is NUL-terminated.  Returns the
 * decoded length, or -1 when a '%' is not followed by two hex digits.
 */
long	pct_decode(char *dst, const char *src, size_t len, int plus);

/* The request value a handler sees. */
struct req {
	struct arena		*arena;
	enum req_method		 method;	/* after the _method override */
	const char		*method_name;	/* as sent */
	const char		*path;		/* decoded, no query string */
	const char		*query;		/* raw, "" when none */
	const char		*content_type;	/* "" when none */
	const char		*accept;	/* "" when none */
	const char		*request_id;
	const char		*remote_addr;
	const char		*auth;		/* Authorization header or "" */
	const char		*cookie_header;	/* "" when none */
	const char		*content_length; /* NULL when none */
	const char		*if_none_match;	/* NULL when none */
	int			 want_json;	/* negotiated: 1 JSON, 0 HTML */
	struct req_fields	 query_fields;
	struct req_fields	 body_fields;
	struct req_fields	 cookies;
	json_t			*json;		/* JSON body root, or NULL */
	const char		*body;		/* raw body, NUL-terminated */
	size_t			 body_len;
	/* Router captures: {id} and {username} by position. */
	const char		*capture[4];
	long long		 id[4];
	size_t			 ncapture;
	/* FastCGI parameters (environment), NULL-terminated. */
	char			**envp;
};

/* Looks a name up in a field list; NULL when absent. */
const struct req_field	*req_fields_get(const struct req_fields *,
			    const char *);
/* A body field, else a query parameter; NULL when absent. */
const char	*req_param(const struct req *, const char *name);
const char	*req_query(const struct req *, const char *name);
const char	*req_cookie(const struct req *, const char *name);
/* A FastCGI parameter such as "HTTP_USER_AGENT"; NULL when absent. */
const char	*req_env(const struct req *, const char *name);

enum req_method	 req_method_parse(const char *);
const char	*req_method_name(enum req_method);
/* 1 when the Accept header prefers application/json over text/html. */
int		 req_accept_json(const char *accept);

#endif
