/*
 * Unit tests: responses, negotiation and the request pipeline (app.c) end
 * to end without a socket: routes that need no database.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "conf.h"
#include "resp.h"
#include "view.h"
#include "unit.h"

static struct arena	*a;
static struct conf	 conf;
static struct app	 app;

static void
setup(void)
{
	a = arena_new(4096);
	view_bind(a);
	conf_defaults(&conf);
	conf.test_routes = 1;
	conf.max_body_bytes = 4096;
	memset(&app, 0, sizeof(app));
	app.conf = &conf;
}

static void
teardown(void)
{
	view_bind(NULL);
	arena_free(a);
	conf_free(&conf);
}

/* Runs one request through app_handle, as the server would. */
static struct resp *
run(const char *method, const char *uri, const char *accept,
    const char *ctype, const char *body)
{
	struct resp	*rs = arena_alloc(a, sizeof(*rs));
	struct req	*r = arena_alloc(a, sizeof(*r));
	char		**env = arena_calloc(a, 8, sizeof(char *));
	const char	*why = NULL;
	enum req_err	 e;
	size_t		 n = 0;

	env[n++] = arena_printf(a, "REQUEST_METHOD=%s", method);
	env[n++] = arena_printf(a, "REQUEST_URI=%s", uri);
	env[n++] = arena_printf(a, "REQUEST_ID=%s", "0123456789abcdef");
	if (accept != NULL)
		env[n++] = arena_printf(a, "HTTP_ACCEPT=%s", accept);
	if (ctype != NULL)
		env[n++] = arena_printf(a, "CONTENT_TYPE=%s", ctype);
	resp_init(rs, a);
	e = app_req_from_env(r, a, env, &why);
	if (e != REQ_OK) {
		resp_error(rs, r->want_json, 400, NULL, why, NULL);
	} else {
		r->body = body ? body : "";
		r->body_len = body ? strlen(body) : 0;
		(void)app_handle(&app, NULL, r, r->body_len >
		    conf.max_body_bytes ? REQ_TOO_LARGE : REQ_OK, rs);
	}
	app_finish(r, rs);
	return rs;
}

START_TEST(test_reasons_and_codes)
{
	ck_assert_str_eq(resp_reason(200), "OK");
	ck_assert_str_eq(resp_reason(405), "Method Not Allowed");
	ck_assert_str_eq(resp_error_code(404), "not_found");
	ck_assert_str_eq(resp_error_code(413), "payload_too_large");
	ck_assert_str_eq(resp_error_code(422), "validation_failed");
	ck_assert_str_eq(resp_error_code(503), "unavailable");
}
END_TEST

START_TEST(test_head_format)
{
	struct resp	 r;
	struct buf	 b;

	resp_init(&r, a);
	resp_text(&r, 200, "ok\n");
	resp_header(&r, "X-Evil", "a\r\nSet-Cookie: x=1");
	resp_finish(&r, "abc12345");
	buf_init(&b, a, 256);
	resp_format_head(&r, &b);
	ck_assert(strncmp(b.data, "Status: 200 OK\r\n", 16) == 0);
	ck_assert_ptr_nonnull(strstr(b.data, "Content-Length: 3\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "X-Request-Id: abc12345\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data,
	    "X-Content-Type-Options: nosniff\r\n"));
	ck_assert_ptr_null(strstr(b.data, "Set-Cookie"));
	ck_assert(strcmp(b.data + b.len - 4, "\r\n\r\n") == 0);
}
END_TEST

START_TEST(test_error_shapes)
{
	struct resp	 r;
	json_t		*fields = view_object();

	resp_init(&r, a);
	view_set_str(fields, "email", "is already taken");
	resp_error(&r, 1, 422, NULL, "Check the form", fields);
	ck_assert_int_eq(r.status, 422);
	ck_assert_str_eq(r.body.data, "{\"error\":{\"code\":"
	    "\"validation_failed\",\"message\":\"Check the form\","
	    "\"fields\":{\"email\":\"is already taken\"}}}");
	resp_error(&r, 0, 404, NULL, "<script>alert(1)</script>", NULL);
	ck_assert_str_eq(r.content_type, "text/html; charset=utf-8");
	ck_assert_ptr_nonnull(strstr(r.body.data, "404 Not Found"));
	ck_assert_ptr_null(strstr(r.body.data, "<script>"));
	ck_assert_ptr_nonnull(strstr(r.body.data, "&lt;script&gt;"));
}
END_TEST

START_TEST(test_accept)
{
	ck_assert_int_eq(req_accept_json("application/json"), 1);
	ck_assert_int_eq(req_accept_json("application/json; charset=utf-8"),
	    1);
	ck_assert_int_eq(req_accept_json("APPLICATION/JSON"), 1);
	ck_assert_int_eq(req_accept_json(
	    "application/json, text/html;q=0.5"), 1);
	ck_assert_int_eq(req_accept_json(
	    "text/html;q=0.5, application/json;q=0.9"), 1);
	ck_assert_int_eq(req_accept_json("application/json, */*"), 1);
	ck_assert_int_eq(req_accept_json(
	    "text/html,application/xhtml+xml,application/xml;q=0.9,"
	    "*/*;q=0.8"), 0);
	ck_assert_int_eq(req_accept_json("*/*"), 0);
	ck_assert_int_eq(req_accept_json(""), 0);
	ck_assert_int_eq(req_accept_json(NULL), 0);
	ck_assert_int_eq(req_accept_json("application/*"), 0);
	ck_assert_int_eq(req_accept_json("application/json;q=0"), 0);
	ck_assert_int_eq(req_accept_json("text/html, application/json"), 0);
	ck_assert_int_eq(req_accept_json(";;,,q=,application/json;q=x"), 0);
}
END_TEST

START_TEST(test_pipeline_basics)
{
	struct resp	*r;

	r = run("GET", "/healthz", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(r->body.data, "ok\n");
	ck_assert_str_eq(resp_header_get(r, "Vary"), "Accept");
	r = run("GET", "/healthz", "application/json", NULL, NULL);
	ck_assert_str_eq(r->body.data, "{\"status\":\"ok\"}");
	r = run("GET", "/nope?x=1", "application/json", NULL, NULL);
	ck_assert_int_eq(r->status, 404);
	ck_assert_ptr_nonnull(strstr(r->body.data, "\"not_found\""));
	r = run("DELETE", "/healthz", "application/json", NULL, NULL);
	ck_assert_int_eq(r->status, 405);
	ck_assert_str_eq(resp_header_get(r, "Allow"), "GET, HEAD");
	r = run("GET", "/", NULL, NULL, NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body.data, "<title>"));
	ck_assert_ptr_nonnull(resp_header_get(r, "Content-Security-Policy"));
}
END_TEST

START_TEST(test_pipeline_input)
{
	struct resp	*r;

	r = run("POST", "/_test/echo?a=1&b=%C3%A9", "application/json",
	    "application/x-www-form-urlencoded", "x=y+z&_method=patch");
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body.data, "\"method\":\"PATCH\""));
	ck_assert_ptr_nonnull(strstr(r->body.data, "[\"b\",\"é\"]"));
	ck_assert_ptr_nonnull(strstr(r->body.data, "[\"x\",\"y z\"]"));
	r = run("POST", "/_test/echo", "application/json",
	    "application/x-www-form-urlencoded", "_method=BREW");
	ck_assert_int_eq(r->status, 400);
	r = run("POST", "/_test/echo", "application/json", "text/plain", "x");
	ck_assert_int_eq(r->status, 415);
	ck_assert_ptr_nonnull(strstr(r->body.data,
	    "\"unsupported_media_type\""));
	r = run("POST", "/_test/echo", "application/json",
	    "application/json", "[1]");
	ck_assert_int_eq(r->status, 400);
	r = run("GET", "/_test/echo?bad=%zz", "application/json", NULL, NULL);
	ck_assert_int_eq(r->status, 400);
	r = run("GET", "/_test/echo?bad=%ff", "application/json", NULL, NULL);
	ck_assert_int_eq(r->status, 400);
	r = run("GET", "/%ff", "application/json", NULL, NULL);
	ck_assert_int_eq(r->status, 400);
}
END_TEST

START_TEST(test_pipeline_override_to_405)
{
	struct resp	*r;

	/* A form may not turn a GET-only route into a DELETE one. */
	r = run("POST", "/healthz", "application/json",
	    "application/x-www-form-urlencoded", "_method=DELETE");
	ck_assert_int_eq(r->status, 405);
	ck_assert_str_eq(resp_header_get(r, "Allow"), "GET, HEAD");
	/* Where the method does not exist, a bad body is still a 405. */
	r = run("POST", "/healthz", "application/json", "text/plain", "x");
	ck_assert_int_eq(r->status, 405);
	r = run("POST", "/healthz", "application/json", "application/json",
	    "{bad");
	ck_assert_int_eq(r->status, 405);
	/* ...but a route that exists reads it and refuses it. */
	r = run("PATCH", "/_test/echo", "application/json",
	    "application/json", "{bad");
	ck_assert_int_eq(r->status, 400);
}
END_TEST

START_TEST(test_pipeline_too_large)
{
	struct resp	*r;
	char		*big = arena_alloc(a, 5000);

	memset(big, 'a', 4999);
	big[4999] = '\0';
	r = run("POST", "/_test/echo", "application/json",
	    "application/x-www-form-urlencoded", big);
	ck_assert_int_eq(r->status, 413);
	ck_assert_ptr_nonnull(strstr(r->body.data, "payload_too_large"));
}
END_TEST

START_TEST(test_test_routes_off)
{
	struct resp	*r;

	conf.test_routes = 0;
	r = run("GET", "/_test/echo", "application/json", NULL, NULL);
	ck_assert_int_eq(r->status, 404);
	r = run("PUT", "/_test/echo", "application/json", NULL, NULL);
	ck_assert_int_eq(r->status, 404);
}
END_TEST

START_TEST(test_etag_and_304)
{
	struct resp	 r;
	char		 tag[32], list[96];

	resp_init(&r, a);
	resp_text(&r, 200, "ok\n");
	resp_etag(&r, NULL);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(strlen(resp_header_get(&r, "ETag")), 18);
	snprintf(tag, sizeof(tag), "%s", resp_header_get(&r, "ETag"));
	/* The same body: the same tag; a match is a 304 without body. */
	resp_init(&r, a);
	resp_text(&r, 200, "ok\n");
	resp_etag(&r, tag);
	ck_assert_int_eq(r.status, 304);
	ck_assert_uint_eq(r.body.len, 0);
	ck_assert_str_eq(resp_header_get(&r, "ETag"), tag);
	/* Lists, weak tags and * match; another tag does not. */
	snprintf(list, sizeof(list), "\"x\", W/%s", tag);
	resp_init(&r, a);
	resp_text(&r, 200, "ok\n");
	resp_etag(&r, list);
	ck_assert_int_eq(r.status, 304);
	resp_init(&r, a);
	resp_text(&r, 200, "ok\n");
	resp_etag(&r, "*");
	ck_assert_int_eq(r.status, 304);
	resp_init(&r, a);
	resp_text(&r, 200, "ok\n");
	resp_etag(&r, "\"0000000000000000\", garbage");
	ck_assert_int_eq(r.status, 200);
	/* Another type, another tag; errors get none. */
	resp_init(&r, a);
	resp_text(&r, 200, "ok\n");
	r.content_type = "application/json; charset=utf-8";
	resp_etag(&r, tag);
	ck_assert_int_eq(r.status, 200);
	resp_init(&r, a);
	resp_text(&r, 404, "no");
	resp_etag(&r, "*");
	ck_assert_int_eq(r.status, 404);
	ck_assert_ptr_null(resp_header_get(&r, "ETag"));
}
END_TEST

START_TEST(test_cache_control)
{
	struct resp	*r;

	r = run("GET", "/healthz", NULL, NULL, NULL);
	ck_assert_str_eq(resp_header_get(r, "Cache-Control"), "no-cache");
	r = run("GET", "/nope", NULL, NULL, NULL);
	ck_assert_str_eq(resp_header_get(r, "Cache-Control"), "no-store");
}
END_TEST

static Suite *
resp_suite(void)
{
	Suite	*s = suite_create("resp");
	TCase	*core = tcase_create("core");
	TCase	*pipe = tcase_create("pipeline");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(pipe, setup, teardown);
	tcase_add_test(core, test_reasons_and_codes);
	tcase_add_test(core, test_head_format);
	tcase_add_test(core, test_error_shapes);
	tcase_add_test(core, test_accept);
	tcase_add_test(core, test_etag_and_304);
	tcase_add_test(pipe, test_cache_control);
	tcase_add_test(pipe, test_pipeline_basics);
	tcase_add_test(pipe, test_pipeline_input);
	tcase_add_test(pipe, test_pipeline_override_to_405);
	tcase_add_test(pipe, test_pipeline_too_large);
	tcase_add_test(pipe, test_test_routes_off);
	suite_add_tcase(s, core);
	suite_add_tcase(s, pipe);
	return s;
}

int
main(void)
{
	view_init();
	app_init();
	return unit_run(resp_suite());
}
