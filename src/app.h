/*
 * The application: what one request goes through between the FastCGI
 * server and the handlers.  app_handle() negotiates the representation,
 * parses the input, routes, calls the handler and renders its view or its
 * error.  It knows nothing of FastCGI, so it is tested without a socket.
 */
#ifndef INNKEEP_APP_H
#define INNKEEP_APP_H

#include <stdatomic.h>
#include <stddef.h>
#include <jansson.h>

#include "req.h"
#include "resp.h"
#include "session.h"

struct conf;
struct arena;
struct db;
struct tmpl_set;

/* Read-only after start-up, shared by all threads. */
struct app {
	const struct conf	*conf;
	const struct tmpl_set	*tmpls;		/* NULL: minimal pages */
	char			*migrations;	/* {v1,v2} literal for readyz */
	size_t			 nmigrations;
	atomic_int		 stopping;	/* set on SIGTERM (readyz) */
};

/* What a handler works with; lives for one request. */
struct ctx {
	const struct app	*app;
	struct req		*req;
	struct resp		*resp;
	struct db		*db;
	struct arena		*arena;
	struct session		 sess;		/* who is asking */
	/* Success: the view to render and the page title (HTML). */
	json_t			*view;
	const char		*tmpl;		/* the page's template */
	const char		*title;
	const char		*text;		/* a line under the title */
	/* Failure: the error to render (code NULL: from the status). */
	const char		*err_code;
	const char		*err_message;
	json_t			*err_fields;
};

/* A handler returns the HTTP status; the body comes from ctx. */
typedef int	(*handler_fn)(struct ctx *);

/*
 * Handles a parsed-enough request: req has method, path, query, headers
 * and the raw body; body_err is REQ_TOO_LARGE when the body was not read
 * because it was over the limit.  Fills resp; returns the route index
 * (app_nroutes() when none matched) for metrics.
 */
size_t	 app_handle(const struct app *, struct db *, struct req *,
	    enum req_err body_err, struct resp *);

/* Builds the route tables; once, before anything else here. */
void		  app_init(void);
size_t		  app_nroutes(void);
const char *const *app_route_names(void);

/*
 * The last word on a response: ETag and 304 for GET and HEAD,
 * Cache-Control by session, Vary, and the headers of resp_finish().
 */
void	 app_finish(const struct req *, struct resp *);

/* Fills req from FastCGI parameters (NULL-terminated "K=V" strings). */
enum req_err	 app_req_from_env(struct req *, struct arena *, char **envp,
		    const char **why);

/* Handler helpers: set the error, return the status. */
int	ctx_error(struct ctx *, int status, const char *code,
	    const char *message);
/* 303 See Other to a local path (post/redirect/get). */
int	ctx_redirect(struct ctx *, const char *path);
/* 422 with one message per field (fields: an object field → message). */
int	ctx_invalid(struct ctx *, json_t *fields);
/* Percent-encodes s for a query value (/login?next=...), in the arena. */
char	*url_encode(struct arena *, const char *s);
/*
 * The status of a database failure: 503 when unreachable, 400 for a
 * value the database refused, else 500.
 */
int	ctx_db_error(struct ctx *, enum db_status);

#endif
