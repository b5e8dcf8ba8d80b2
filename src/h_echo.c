/*
 * /_test/echo: the parsed request as JSON, so the black-box tests can see
 * through nginx what the parsers made of their input; ?sleep_ms=N (up to
 * 10 s) makes it a slow request, for the shutdown tests.  Routed only when
 * test_routes is on; never enabled in production.
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "app.h"
#include "handlers.h"
#include "view.h"

static json_t *
pairs(const struct req_fields *f, int body)
{
	json_t	*a = view_array(), *p;
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		if (body && f->v[i].filename != NULL)
			continue;
		p = view_array();
		view_push(p, json_string(f->v[i].name));
		view_push(p, f->v[i].value ? json_stringn(f->v[i].value,
		    f->v[i].len) : json_null());
		view_push(a, p);
	}
	return a;
}

int
h_echo(struct ctx *c)
{
	const struct req	*r = c->req;
	const char		*ms = req_query(r, "sleep_ms");
	struct timespec		 ts;
	json_t			*files, *f;
	size_t			 i;
	long			 n;

	/* A slow request, for the tests of shutdown with requests in flight. */
	if (ms != NULL && (n = strtol(ms, NULL, 10)) > 0 && n <= 10000) {
		ts.tv_sec = n / 1000;
		ts.tv_nsec = (n % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) == -1)
			continue;
	}

	c->view = view_object();
	view_set_str(c->view, "method", req_method_name(r->method));
	view_set_str(c->view, "path", r->path);
	view_set(c->view, "query", pairs(&r->query_fields, 0));
	view_set(c->view, "body", pairs(&r->body_fields, 1));
	files = view_array();
	for (i = 0; i < r->body_fields.n; i++) {
		if (r->body_fields.v[i].filename == NULL)
			continue;
		f = view_object();
		view_set_str(f, "name", r->body_fields.v[i].name);
		view_set_str(f, "filename", r->body_fields.v[i].filename);
		view_set_str(f, "type", r->body_fields.v[i].type);
		view_set_int(f, "size", (long long)r->body_fields.v[i].len);
		view_push(files, f);
	}
	view_set(c->view, "files", files);
	view_set(c->view, "cookies", pairs(&r->cookies, 0));
	view_set_str(c->view, "request_id", r->request_id);
	/* Always JSON: this route is for machines. */
	c->req->want_json = 1;
	return 200;
}
