/*
 * Operations routes: /healthz (the process answers), /readyz (the
 * database answers and its schema is current) and /metrics.  They are
 * cheap: /healthz touches nothing, /readyz runs one indexed query.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "handlers.h"
#include "metrics.h"
#include "view.h"

static int
ops_answer(struct ctx *c, int status, const char *word)
{
	char	 text[32];

	if (c->req->want_json) {
		c->view = view_object();
		view_set_str(c->view, "status", word);
		return status;
	}
	snprintf(text, sizeof(text), "%s\n", word);
	resp_text(c->resp, status, text);
	c->resp->negotiated = 1;
	return status;
}

int
h_healthz(struct ctx *c)
{
	return ops_answer(c, 200, "ok");
}

int
h_readyz(struct ctx *c)
{
	const char	*params[1] = { c->app->migrations };
	PGresult	*res;
	enum db_status	 st;

	if (atomic_load(&c->app->stopping))
		return ctx_error(c, 503, NULL, "shutting down");
	st = db_exec_row(c->db, c->arena, STMT_MIGRATIONS_APPLIED, params, 1,
	    &res);
	if (st == DB_UNAVAILABLE)
		return ctx_error(c, 503, NULL, "database unavailable");
	if (st != DB_OK && strcmp(db_sqlstate(c->db), "42P01") == 0)
		return ctx_error(c, 503, NULL, "database schema not migrated");
	if (st != DB_OK)
		return ctx_error(c, 503, NULL, "database error");
	if (strtoul(PQgetvalue(res, 0, 0), NULL, 10) != c->app->nmigrations)
		return ctx_error(c, 503, NULL, "migrations pending");
	return ops_answer(c, 200, "ready");
}

int
h_metrics(struct ctx *c)
{
	resp_text(c->resp, 200, "");
	c->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	c->resp->no_etag = 1;
	metrics_format(&c->resp->body);
	return 200;
}
