/* Unit tests: the router's matching, captures, 404 and 405. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "route.h"
#include "unit.h"

static const struct route table[] = {
	{ METHOD_GET, "/" },
	{ METHOD_GET, "/healthz" },
	{ METHOD_GET, "/properties/{id}" },
	{ METHOD_PATCH, "/properties/{id}" },
	{ METHOD_DELETE, "/properties/{id}" },
	{ METHOD_GET, "/properties/{id}/calendar.ics" },
	{ METHOD_GET, "/users/{username}" },
	{ METHOD_POST, "/bookings/{id}/cancel" },
	{ METHOD_GET, "/properties/new" },
};
#define N (sizeof(table) / sizeof(table[0]))

static struct arena	*a;

static void
setup(void)
{
	a = arena_new(4096);
}

static void
teardown(void)
{
	arena_free(a);
}

static enum route_res
find(enum req_method m, const char *path, struct route_match *rm)
{
	return route_find(table, N, a, m, path, rm);
}

START_TEST(test_literal)
{
	struct route_match	 m;

	ck_assert_int_eq(find(METHOD_GET, "/", &m), ROUTE_FOUND);
	ck_assert_uint_eq(m.index, 0);
	ck_assert_int_eq(find(METHOD_GET, "/healthz", &m), ROUTE_FOUND);
	ck_assert_uint_eq(m.index, 1);
	ck_assert_int_eq(find(METHOD_HEAD, "/healthz", &m), ROUTE_FOUND);
	ck_assert_int_eq(find(METHOD_GET, "/healthz/", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(find(METHOD_GET, "/healthzz", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(find(METHOD_GET, "//", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(find(METHOD_GET, "", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(find(METHOD_GET, "healthz", &m), ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(test_id_capture)
{
	struct route_match	 m;

	ck_assert_int_eq(find(METHOD_GET, "/properties/42", &m), ROUTE_FOUND);
	ck_assert_uint_eq(m.index, 2);
	ck_assert_uint_eq(m.ncapture, 1);
	ck_assert_int_eq(m.id[0], 42);
	ck_assert_str_eq(m.capture[0], "42");
	ck_assert_int_eq(find(METHOD_GET, "/properties/9223372036854775807",
	    &m), ROUTE_FOUND);
	ck_assert_int_eq(m.id[0], 9223372036854775807LL);
	ck_assert_int_eq(find(METHOD_GET, "/properties/42/calendar.ics", &m),
	    ROUTE_FOUND);
	ck_assert_uint_eq(m.index, 5);
	/* A literal beats nothing: "new" is not an id, and has its route. */
	ck_assert_int_eq(find(METHOD_GET, "/properties/new", &m), ROUTE_FOUND);
	ck_assert_uint_eq(m.index, 8);
}
END_TEST

START_TEST(test_id_invalid)
{
	static const char *const bad[] = {
		"/properties/0", "/properties/-1", "/properties/007",
		"/properties/1e3", "/properties/ 1", "/properties/1 ",
		"/properties/9223372036854775808",
		"/properties/99999999999999999999", "/properties/",
		"/properties/12abc", "/properties/%31",
	};
	struct route_match	 m;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(find(METHOD_GET, bad[i], &m) == ROUTE_NOT_FOUND,
		    "%s matched", bad[i]);
}
END_TEST

START_TEST(test_username)
{
	struct route_match	 m;

	ck_assert_int_eq(find(METHOD_GET, "/users/alice_01", &m), ROUTE_FOUND);
	ck_assert_str_eq(m.capture[0], "alice_01");
	ck_assert_int_eq(find(METHOD_GET, "/users/ab", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(find(METHOD_GET, "/users/Alice", &m),
	    ROUTE_NOT_FOUND);
	ck_assert_int_eq(find(METHOD_GET,
	    "/users/abcdefghijabcdefghijabcdefghijabc", &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(find(METHOD_GET, "/users/a.b.c", &m),
	    ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(test_method_not_allowed)
{
	struct route_match	 m;
	char			*allow;

	ck_assert_int_eq(find(METHOD_POST, "/healthz", &m), ROUTE_BAD_METHOD);
	allow = route_allow_header(a, m.allow);
	ck_assert_str_eq(allow, "GET, HEAD");
	ck_assert_int_eq(find(METHOD_PUT, "/properties/3", &m),
	    ROUTE_BAD_METHOD);
	allow = route_allow_header(a, m.allow);
	ck_assert_str_eq(allow, "GET, HEAD, PATCH, DELETE");
	ck_assert_int_eq(find(METHOD_GET, "/bookings/3/cancel", &m),
	    ROUTE_BAD_METHOD);
	ck_assert_str_eq(route_allow_header(a, m.allow), "POST");
	/* An invalid id is no such resource, whatever the method. */
	ck_assert_int_eq(find(METHOD_PUT, "/properties/x", &m),
	    ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(test_long_path)
{
	struct route_match	 m;
	char			*p;

	p = arena_alloc(a, ROUTE_MAX_PATH + 10);
	memset(p, 'a', ROUTE_MAX_PATH + 9);
	p[0] = '/';
	p[ROUTE_MAX_PATH + 9] = '\0';
	ck_assert_int_eq(find(METHOD_GET, p, &m), ROUTE_NOT_FOUND);
	ck_assert_int_eq(find(METHOD_GET, NULL, &m), ROUTE_NOT_FOUND);
}
END_TEST

static Suite *
route_suite(void)
{
	Suite	*s = suite_create("route");
	TCase	*core = tcase_create("core");
	TCase	*hostile = tcase_create("hostile");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(hostile, setup, teardown);
	tcase_add_test(core, test_literal);
	tcase_add_test(core, test_id_capture);
	tcase_add_test(core, test_username);
	tcase_add_test(core, test_method_not_allowed);
	tcase_add_test(hostile, test_id_invalid);
	tcase_add_test(hostile, test_long_path);
	suite_add_tcase(s, core);
	suite_add_tcase(s, hostile);
	return s;
}

int
main(void)
{
	return unit_run(route_suite());
}
