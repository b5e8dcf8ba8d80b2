/* Unit tests: day numbers, strict parsing and formatting of dates. */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "unit.h"

/* Known day numbers (from Python's datetime) and weekdays (Monday 0). */
static const struct {
	const char	*s;
	long		 days;
	int		 wday;
} known[] = {
	{ "1970-01-01", 0, 3 },
	{ "1969-12-31", -1, 2 },
	{ "0001-01-01", -719162, 0 },
	{ "9999-12-31", 2932896, 4 },
	{ "1600-02-29", -135081, 1 },
	{ "1900-03-01", -25508, 3 },
	{ "2000-02-29", 11016, 1 },
	{ "2000-03-01", 11017, 2 },
	{ "2024-02-29", 19782, 3 },
	{ "2026-12-01", 20788, 1 },
};

START_TEST(test_known_dates)
{
	char	 out[11], basic[9];
	long	 days;
	size_t	 i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		days = 12345;
		ck_assert_int_eq(date_parse(known[i].s, &days), 0);
		ck_assert_int_eq(days, known[i].days);
		ck_assert_int_eq(date_weekday(days), known[i].wday);
		date_format(days, out);
		ck_assert_str_eq(out, known[i].s);
		date_basic(days, basic);
		ck_assert_int_eq(strlen(basic), 8);
		ck_assert(memcmp(basic, known[i].s, 4) == 0);
		ck_assert(memcmp(basic + 4, known[i].s + 5, 2) == 0);
		ck_assert(memcmp(basic + 6, known[i].s + 8, 2) == 0);
	}
}
END_TEST

/*
 * Every day from 0001-01-01 to 9999-12-31, counted with a naive calendar:
 * the algorithms agree with it, both ways, and the text round-trips.  No
 * ck_assert in the loop: each one is a mark point written to Check's pipe,
 * and there are 3.65 million days.
 */
START_TEST(test_every_day)
{
	char	 out[11], want[32];
	long	 n = -719162, back;
	int	 y, m, d, yy, mm, dd, wday = 0;

	for (y = 1; y <= 9999; y++) {
		for (m = 1; m <= 12; m++) {
			for (d = 1; d <= date_month_days(y, m); d++, n++) {
				date_ymd(n, &yy, &mm, &dd);
				if (date_from_ymd(y, m, d) != n || yy != y ||
				    mm != m || dd != d)
					ck_abort_msg("%d-%d-%d is not day %ld "
					    "(%ld, %d-%d-%d)", y, m, d, n,
					    date_from_ymd(y, m, d), yy, mm, dd);
				if (date_weekday(n) != wday)
					ck_abort_msg("day %ld: weekday %d, "
					    "not %d", n, date_weekday(n), wday);
				wday = (wday + 1) % 7;
				/* Text is slower: 1600..2400 and a sample. */
				if ((y < 1600 || y > 2400) && n % 13 != 0)
					continue;
				snprintf(want, sizeof(want), "%04d-%02d-%02d",
				    y, m, d);
				date_format(n, out);
				back = 0;
				if (strcmp(out, want) != 0 ||
				    date_parse(want, &back) != 0 || back != n)
					ck_abort_msg("%s: formatted %s, parsed "
					    "%ld, not %ld", want, out, back, n);
			}
		}
	}
	ck_assert_int_eq(n, 2932897);
}
END_TEST

START_TEST(test_month_days)
{
	ck_assert_int_eq(date_month_days(2026, 1), 31);
	ck_assert_int_eq(date_month_days(2026, 2), 28);
	ck_assert_int_eq(date_month_days(2024, 2), 29);
	ck_assert_int_eq(date_month_days(2000, 2), 29);
	ck_assert_int_eq(date_month_days(1900, 2), 28);
	ck_assert_int_eq(date_month_days(2100, 2), 28);
	ck_assert_int_eq(date_month_days(2026, 4), 30);
	ck_assert_int_eq(date_month_days(2026, 12), 31);
	ck_assert_int_eq(date_month_days(2026, 0), 0);
	ck_assert_int_eq(date_month_days(2026, 13), 0);
}
END_TEST

START_TEST(test_leap_days)
{
	long	 days;

	ck_assert_int_eq(date_parse("2000-02-29", &days), 0);
	ck_assert_int_eq(date_parse("2024-02-29", &days), 0);
	ck_assert_int_eq(date_parse("1600-02-29", &days), 0);
	ck_assert_int_eq(date_parse("0004-02-29", &days), 0);
	ck_assert_int_eq(date_parse("1900-02-29", &days), -1);
	ck_assert_int_eq(date_parse("2100-02-29", &days), -1);
	ck_assert_int_eq(date_parse("2026-02-29", &days), -1);
	ck_assert_int_eq(date_parse("2024-02-30", &days), -1);
	/* The day after a leap day is March. */
	ck_assert_int_eq(date_parse("2024-02-29", &days), 0);
	ck_assert_int_eq(days + 1, date_from_ymd(2024, 3, 1));
}
END_TEST

START_TEST(test_parse_rejects)
{
	static const char *const bad[] = {
		"", "2026", "2026-01", "2026-1-01", "2026-01-1", "26-01-01",
		"2026/01/01", "2026-01-01 ", " 2026-01-01", "2026-01-01T00:00",
		"20260101", "+026-01-01", "-026-01-01", "2026-+1-01",
		"2026-01-+1", "2026-01-0a", "2O26-01-01", "0000-01-01",
		"0000-12-31", "2026-00-10", "2026-13-01", "2026-01-00",
		"2026-01-32", "2026-04-31", "2026-06-31", "2026-09-31",
		"2026-11-31", "10000-01-01", "2026-01-01\n", "2026\xef\xbc\x8d"
		    "01-01", "\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa6-01-01",
	};
	long	 days = 42;
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (date_parse(bad[i], &days) != -1)
			ck_abort_msg("date_parse accepted \"%s\"", bad[i]);
	ck_assert_int_eq(date_parse(NULL, &days), -1);
	/* A refusal leaves the output alone. */
	ck_assert_int_eq(days, 42);
}
END_TEST

START_TEST(test_parse_short_buffer)
{
	char	*s = malloc(4);
	long	 days;

	/* Not read past the NUL (ASan and valgrind would see it). */
	memcpy(s, "202", 4);
	ck_assert_int_eq(date_parse(s, &days), -1);
	free(s);
}
END_TEST

START_TEST(test_clamped)
{
	char	 out[11], basic[9];
	int	 y, m, d;

	date_format(LONG_MAX, out);
	ck_assert_str_eq(out, "9999-12-31");
	date_format(2932897, out);
	ck_assert_str_eq(out, "9999-12-31");
	date_format(LONG_MIN, out);
	ck_assert_str_eq(out, "0001-01-01");
	date_basic(-719163, basic);
	ck_assert_str_eq(basic, "00010101");
	date_ymd(LONG_MIN, &y, &m, &d);
	ck_assert(y == 1 && m == 1 && d == 1);
	ck_assert_int_ge(date_weekday(LONG_MIN), 0);
	ck_assert_int_le(date_weekday(LONG_MAX), 6);
}
END_TEST

START_TEST(test_today)
{
	long	 before = (long)(time(NULL) / 86400), t = date_today();

	ck_assert(t == before || t == before + 1);
	ck_assert_int_gt(t, date_from_ymd(2020, 1, 1));
}
END_TEST

static Suite *
date_suite(void)
{
	Suite	*s = suite_create("date");
	TCase	*core = tcase_create("core");
	TCase	*lim = tcase_create("limits");

	tcase_add_test(core, test_known_dates);
	tcase_add_test(core, test_month_days);
	tcase_add_test(core, test_leap_days);
	tcase_add_test(core, test_today);
	/* Every day of ten thousand years: slow under valgrind. */
	tcase_set_timeout(lim, 60);
	tcase_add_test(lim, test_every_day);
	tcase_add_test(lim, test_parse_rejects);
	tcase_add_test(lim, test_parse_short_buffer);
	tcase_add_test(lim, test_clamped);
	suite_add_tcase(s, core);
	suite_add_tcase(s, lim);
	return s;
}

int
main(void)
{
	return unit_run(date_suite());
}
