/* Unit tests: the per-request arena and its byte buffers. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "unit.h"

static int	 cleaned[4];
static int	 order[4], norder;

static void
note(void *arg)
{
	int	 i = (int)(intptr_t)arg;

	cleaned[i]++;
	order[norder++] = i;
}

START_TEST(test_alloc_aligned)
{
	struct arena	*a = arena_new(1024);
	size_t		 i;
	char		*p;

	for (i = 1; i < 300; i += 7) {
		p = arena_alloc(a, i);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		memset(p, 0xab, i);
	}
	ck_assert_uint_gt(arena_used(a), 0);
	arena_free(a);
}
END_TEST

START_TEST(test_big_and_reset)
{
	struct arena	*a = arena_new(1024);
	char		*big;

	/* Larger than a block: gets its own, freed at reset. */
	big = arena_alloc(a, 1 << 20);
	memset(big, 1, 1 << 20);
	ck_assert_uint_ge(arena_used(a), 1 << 20);
	arena_reset(a);
	ck_assert_uint_eq(arena_used(a), 0);
	big = arena_alloc(a, 10);
	ck_assert_ptr_nonnull(big);
	arena_free(a);
}
END_TEST

START_TEST(test_cleanups_lifo)
{
	struct arena	*a = arena_new(1024);

	memset(cleaned, 0, sizeof(cleaned));
	norder = 0;
	arena_cleanup_add(a, note, (void *)(intptr_t)1);
	arena_cleanup_add(a, note, (void *)(intptr_t)2);
	arena_reset(a);
	ck_assert_int_eq(cleaned[1], 1);
	ck_assert_int_eq(cleaned[2], 1);
	ck_assert_int_eq(order[0], 2);
	ck_assert_int_eq(order[1], 1);
	/* Run once: a second reset runs nothing. */
	arena_reset(a);
	ck_assert_int_eq(cleaned[1], 1);
	arena_cleanup_add(a, note, (void *)(intptr_t)3);
	arena_free(a);
	ck_assert_int_eq(cleaned[3], 1);
}
END_TEST

START_TEST(test_strings)
{
	struct arena	*a = arena_new(1024);
	char		*s;

	s = arena_strndup(a, "hello world", 5);
	ck_assert_str_eq(s, "hello");
	s = arena_printf(a, "%s-%d-%zu", "x", 42, (size_t)7);
	ck_assert_str_eq(s, "x-42-7");
	s = arena_calloc(a, 8, 8);
	for (int i = 0; i < 64; i++)
		ck_assert_int_eq(s[i], 0);
	arena_free(a);
}
END_TEST

START_TEST(test_realloc_in_place)
{
	struct arena	*a = arena_new(4096);
	char		*p, *q;

	p = arena_alloc(a, 16);
	memcpy(p, "0123456789abcde", 16);
	q = arena_realloc(a, p, 16, 64);
	ck_assert_ptr_eq(p, q);
	ck_assert_str_eq(q, "0123456789abcde");
	/* No longer the last allocation: it moves, keeping the bytes. */
	(void)arena_alloc(a, 8);
	q = arena_realloc(a, p, 64, 128);
	ck_assert_ptr_ne(p, q);
	ck_assert_str_eq(q, "0123456789abcde");
	arena_free(a);
}
END_TEST

START_TEST(test_buf)
{
	struct arena	*a = arena_new(1024);
	struct buf	 b;
	int		 i;

	buf_init(&b, a, 8);
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	ck_assert(strstr(b.data, ",999,") != NULL);
	buf_append(&b, "\0x", 2);
	ck_assert_uint_eq(b.data[b.len], 0);
	arena_free(a);
}
END_TEST

static Suite *
arena_suite(void)
{
	Suite	*s = suite_create("arena");
	TCase	*core = tcase_create("core");

	tcase_add_test(core, test_alloc_aligned);
	tcase_add_test(core, test_big_and_reset);
	tcase_add_test(core, test_cleanups_lifo);
	tcase_add_test(core, test_strings);
	tcase_add_test(core, test_realloc_in_place);
	tcase_add_test(core, test_buf);
	suite_add_tcase(s, core);
	return s;
}

int
main(void)
{
	return unit_run(arena_suite());
}
