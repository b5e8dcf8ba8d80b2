/* Unit tests: views in the arena and their JSON form. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "view.h"
#include "unit.h"

static struct arena	*a;

static void
setup(void)
{
	a = arena_new(4096);
	view_bind(a);
}

static void
teardown(void)
{
	view_bind(NULL);
	arena_free(a);
}

static const char *
dump(const json_t *v)
{
	struct buf	 b;

	buf_init(&b, a, 64);
	view_to_json(&b, v);
	return b.data;
}

START_TEST(test_order_kept)
{
	json_t	*o = view_object(), *owner = view_object();

	view_set_int(o, "id", 7);
	view_set_str(o, "name", "Cozy Loft");
	view_set_str(o, "price_per_night", "120.00");
	view_set_str(owner, "username", "alice");
	view_set(o, "owner", owner);
	view_set_null(o, "rating");
	view_set_bool(o, "is_listed", 1);
	ck_assert_str_eq(dump(o), "{\"id\":7,\"name\":\"Cozy Loft\","
	    "\"price_per_night\":\"120.00\",\"owner\":{\"username\":"
	    "\"alice\"},\"rating\":null,\"is_listed\":true}");
}
END_TEST

START_TEST(test_escaping)
{
	json_t	*o = view_object();

	view_set_str(o, "s", "quote\" back\\ nl\n tab\t ctl\x01 é </script>");
	ck_assert_str_eq(dump(o), "{\"s\":\"quote\\\" back\\\\ nl\\n tab\\t "
	    "ctl\\u0001 é </script>\"}");
}
END_TEST

START_TEST(test_invalid_utf8_replaced)
{
	json_t	*o = view_object();

	view_set_str(o, "s", "bad \xff byte");
	ck_assert_str_eq(dump(o), "{\"s\":\"\xef\xbf\xbd\"}");
}
END_TEST

START_TEST(test_arrays_and_big_ints)
{
	json_t	*o = view_object(), *arr = view_array();

	view_push(arr, json_integer(9223372036854775807LL));
	view_push(arr, json_string("x"));
	view_set(o, "items", arr);
	view_set_null(o, "next_cursor");
	ck_assert_str_eq(dump(o), "{\"items\":[9223372036854775807,\"x\"],"
	    "\"next_cursor\":null}");
	ck_assert_str_eq(dump(NULL), "null");
}
END_TEST

START_TEST(test_arena_backed)
{
	size_t	 before = arena_used(a);
	json_t	*o = view_object();
	int	 i;

	for (i = 0; i < 100; i++)
		view_set_int(o, "k", i);
	/* jansson allocated from the arena, not from malloc. */
	ck_assert_uint_gt(arena_used(a), before);
	json_decref(o);		/* harmless: memory goes with the arena */
}
END_TEST

static Suite *
view_suite(void)
{
	Suite	*s = suite_create("view");
	TCase	*core = tcase_create("core");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_test(core, test_order_kept);
	tcase_add_test(core, test_escaping);
	tcase_add_test(core, test_invalid_utf8_replaced);
	tcase_add_test(core, test_arrays_and_big_ints);
	tcase_add_test(core, test_arena_backed);
	suite_add_tcase(s, core);
	return s;
}

int
main(void)
{
	view_init();
	return unit_run(view_suite());
}
