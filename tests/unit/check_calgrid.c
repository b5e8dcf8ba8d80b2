/* Unit tests: the month grids of the availability calendar. */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "calgrid.h"
#include "date.h"
#include "view.h"
#include "unit.h"

#define BLANK	"{\"state\":\"blank\"}"

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

static long
day(const char *s)
{
	long	 d;

	ck_assert_int_eq(date_parse(s, &d), 0);
	return d;
}

static const char *
dump(const json_t *v)
{
	struct buf	 b;

	buf_init(&b, a, 256);
	view_to_json(&b, v);
	return b.data;
}

static const char *
str(const json_t *obj, const char *key)
{
	const char	*s = json_string_value(json_object_get(obj, key));

	ck_assert_ptr_nonnull(s);
	return s;
}

/* The cell of a date, searched in all the grids; NULL when absent. */
static const json_t *
cell_of(const json_t *months, const char *date)
{
	const json_t	*month, *week, *cell, *d;
	size_t		 i, j, k;

	json_array_foreach(months, i, month)
		json_array_foreach(json_object_get(month, "weeks"), j, week)
			json_array_foreach(week, k, cell) {
				d = json_object_get(cell, "date");
				if (d != NULL &&
				    strcmp(json_string_value(d), date) == 0)
					return cell;
			}
	return NULL;
}

static const char *
state_of(const json_t *months, const char *date)
{
	const json_t	*c = cell_of(months, date);

	if (c == NULL)
		ck_abort_msg("no cell for %s", date);
	return str(c, "state");
}

static const char *const mnames[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

/*
 * What every grid must be: weeks of 7 cells, each day in the column of its
 * weekday, the days of the month in order, blanks only around them, and
 * consecutive months from first_day.  Returns the number of day cells.
 */
static long
check_shape(const json_t *months, long first_day)
{
	const json_t	*month, *weeks, *week, *cell;
	char		 want[64];
	const char	*state;
	long		 next = first_day, d;
	size_t		 i, j, k, nweeks;
	int		 y, m, dd, seen;

	ck_assert(json_is_array(months));
	json_array_foreach(months, i, month) {
		ck_assert_uint_eq(json_object_size(month), 2);
		date_ymd(next, &y, &m, &dd);
		ck_assert_int_eq(dd, 1);
		snprintf(want, sizeof(want), "%s %d", mnames[m - 1], y);
		ck_assert_str_eq(str(month, "title"), want);
		weeks = json_object_get(month, "weeks");
		ck_assert(json_is_array(weeks));
		nweeks = json_array_size(weeks);
		ck_assert(nweeks >= 4 && nweeks <= 6);
		seen = 0;
		json_array_foreach(weeks, j, week) {
			ck_assert_uint_eq(json_array_size(week), 7);
			json_array_foreach(week, k, cell) {
				state = str(cell, "state");
				if (strcmp(state, "blank") == 0) {
					/* Only around the month. */
					ck_assert_uint_eq(
					    json_object_size(cell), 1);
					ck_assert((j == 0 && seen == 0) ||
					    (j == nweeks - 1 && seen > 0));
					continue;
				}
				ck_assert_uint_eq(json_object_size(cell), 4);
				ck_assert(strcmp(state, "free") == 0 ||
				    strcmp(state, "booked") == 0 ||
				    strcmp(state, "past") == 0);
				ck_assert_int_eq(date_parse(str(cell, "date"),
				    &d), 0);
				ck_assert_int_eq(d, next);
				ck_assert_int_eq(date_weekday(d), (int)k);
				ck_assert_int_eq(json_integer_value(
				    json_object_get(cell, "day")), ++seen);
				snprintf(want, sizeof(want), "%d %s %d: %s",
				    seen, mnames[m - 1], y, state);
				ck_assert_str_eq(str(cell, "label"), want);
				next++;
			}
		}
		ck_assert_int_eq(seen, date_month_days(y, m));
	}
	return next - first_day;
}

START_TEST(test_december_2026)
{
	const struct calgrid_range r[] = {
		{ day("2026-12-05"), day("2026-12-08") },	/* past */
		{ day("2026-11-01"), day("2026-12-12") },	/* earlier */
		{ day("2026-12-22"), day("2026-12-26") },	/* overlap */
		{ day("2026-12-20"), day("2026-12-23") },
		{ day("2026-12-15"), day("2026-12-16") },	/* one night */
		{ day("2026-12-29"), day("2026-12-30") },	/* adjacent */
		{ day("2026-12-28"), day("2026-12-29") },
		{ day("2026-12-31"), day("2027-01-05") },	/* to after */
		{ day("2027-01-01"), day("2027-02-01") },	/* outside */
		{ day("2026-01-01"), day("2026-02-01") },
		{ day("2026-12-18"), day("2026-12-17") },	/* reversed */
		{ day("2026-12-17"), day("2026-12-17") },	/* empty */
	};
	/* From today, the 10th; the nights of the 12th, 16th... are free. */
	static const int	 booked[] = {
		10, 11, 15, 20, 21, 22, 23, 24, 25, 28, 29, 31
	};
	json_t		*months, *weeks, *week;
	char		 date[16];
	const char	*want;
	size_t		 i;
	int		 d;

	months = calgrid_months(day("2026-12-10"), 1, r,
	    sizeof(r) / sizeof(r[0]));
	ck_assert_uint_eq(json_array_size(months), 1);
	ck_assert_int_eq(check_shape(months, day("2026-12-01")), 31);
	ck_assert_str_eq(str(json_array_get(months, 0), "title"),
	    "December 2026");

	/* 2026-12-01 is a Tuesday: one blank, then the 1st. */
	weeks = json_object_get(json_array_get(months, 0), "weeks");
	ck_assert_uint_eq(json_array_size(weeks), 5);
	week = json_array_get(weeks, 0);
	ck_assert_str_eq(dump(json_array_get(week, 0)), BLANK);
	ck_assert_str_eq(dump(json_array_get(week, 1)), "{\"day\":1,"
	    "\"date\":\"2026-12-01\",\"state\":\"past\","
	    "\"label\":\"1 December 2026: past\"}");
	ck_assert_str_eq(dump(json_array_get(week, 6)), "{\"day\":6,"
	    "\"date\":\"2026-12-06\",\"state\":\"past\","
	    "\"label\":\"6 December 2026: past\"}");
	/* The 31st is a Thursday: three blanks close the last week. */
	week = json_array_get(weeks, 4);
	ck_assert_str_eq(dump(json_array_get(week, 3)), "{\"day\":31,"
	    "\"date\":\"2026-12-31\",\"state\":\"booked\","
	    "\"label\":\"31 December 2026: booked\"}");
	ck_assert_str_eq(dump(json_array_get(week, 6)), BLANK);

	for (d = 1; d <= 31; d++) {
		snprintf(date, sizeof(date), "2026-12-%02d", d);
		want = d < 10 ? "past" : "free";
		for (i = 0; i < sizeof(booked) / sizeof(booked[0]); i++)
			if (booked[i] == d)
				want = "booked";
		if (strcmp(state_of(months, date), want) != 0)
			ck_abort_msg("%s is %s, not %s", date,
			    state_of(months, date), want);
	}
	/* Today is not past: booked here, free when nothing covers it. */
	ck_assert_str_eq(str(cell_of(months, "2026-12-10"), "label"),
	    "10 December 2026: booked");
	ck_assert_str_eq(str(cell_of(months, "2026-12-12"), "label"),
	    "12 December 2026: free");
	months = calgrid_months(day("2026-12-12"), 1, r, 0);
	ck_assert_str_eq(state_of(months, "2026-12-11"), "past");
	ck_assert_str_eq(state_of(months, "2026-12-12"), "free");
}
END_TEST

START_TEST(test_months_and_clamp)
{
	json_t	*months;
	long	 today = day("2026-12-31");

	months = calgrid_months(today, 3, NULL, 0);
	ck_assert_uint_eq(json_array_size(months), 3);
	ck_assert_int_eq(check_shape(months, day("2026-12-01")), 31 + 31 + 28);
	ck_assert_str_eq(str(json_array_get(months, 1), "title"),
	    "January 2027");
	ck_assert_str_eq(str(json_array_get(months, 2), "title"),
	    "February 2027");
	/* February 2027 starts on a Monday and ends on a Sunday. */
	ck_assert_uint_eq(json_array_size(json_object_get(
	    json_array_get(months, 2), "weeks")), 4);
	ck_assert_str_eq(state_of(months, "2026-12-30"), "past");
	ck_assert_str_eq(state_of(months, "2026-12-31"), "free");

	months = calgrid_months(today, 0, NULL, 0);
	ck_assert_uint_eq(json_array_size(months), 1);
	months = calgrid_months(today, -5, NULL, 0);
	ck_assert_uint_eq(json_array_size(months), 1);
	months = calgrid_months(today, 100, NULL, 0);
	ck_assert_uint_eq(json_array_size(months), 24);
	/* Through the leap February of 2028, to November 2028. */
	ck_assert_int_eq(check_shape(months, day("2026-12-01")),
	    day("2028-12-01") - day("2026-12-01"));
	ck_assert_str_eq(str(json_array_get(months, 23), "title"),
	    "November 2028");
	ck_assert_ptr_nonnull(cell_of(months, "2028-02-29"));
	ck_assert_ptr_null(cell_of(months, "2028-12-01"));
}
END_TEST

START_TEST(test_window_edges)
{
	const struct calgrid_range r[] = {
		/* Everything, as far as a long goes. */
		{ LONG_MIN, LONG_MAX },
	};
	const struct calgrid_range before[] = {
		{ LONG_MIN, day("2026-12-01") },
		{ day("2027-01-01"), LONG_MAX },
	};
	json_t	*months;

	months = calgrid_months(day("2026-12-10"), 1, r, 1);
	ck_assert_str_eq(state_of(months, "2026-12-09"), "past");
	ck_assert_str_eq(state_of(months, "2026-12-10"), "booked");
	ck_assert_str_eq(state_of(months, "2026-12-31"), "booked");
	/* Stays that end on the 1st or start after the window: all free. */
	months = calgrid_months(day("2026-12-01"), 1, before, 2);
	ck_assert_str_eq(state_of(months, "2026-12-01"), "free");
	ck_assert_str_eq(state_of(months, "2026-12-31"), "free");
	/* The last year there is: the window stays within it. */
	months = calgrid_months(day("9999-12-31"), 2, r, 1);
	ck_assert_uint_eq(json_array_size(months), 2);
	ck_assert_str_eq(str(json_array_get(months, 1), "title"),
	    "December 9999");
	ck_assert_int_eq(check_shape(months, day("9999-11-01")), 61);
}
END_TEST

START_TEST(test_many_ranges)
{
	size_t			 n = 200000, i;
	struct calgrid_range	*r = arena_alloc(a, n * sizeof(*r));
	long			 w0 = day("2026-12-01"), w1 = day("2027-12-01");
	long			 lo = LONG_MAX, hi = LONG_MIN, d;
	json_t			*months;
	char			 date[11];

	/*
	 * Many stays: half before the window, half overlapping each other
	 * in one run of days inside it.
	 */
	for (i = 0; i < n; i++) {
		if (i % 2) {
			r[i].start = w0 - 1000 - (long)i;
			r[i].end = w0 - 999;
			continue;
		}
		r[i].start = w0 + 100 + (long)(i % 50);
		r[i].end = r[i].start + 50 + (long)(i % 7);
		if (r[i].start < lo)
			lo = r[i].start;
		if (r[i].end > hi)
			hi = r[i].end;
	}
	months = calgrid_months(w0, 12, r, n);
	ck_assert_int_eq(check_shape(months, w0), w1 - w0);
	for (d = w0; d < w1; d++) {
		date_format(d, date);
		ck_assert_str_eq(state_of(months, date),
		    d >= lo && d < hi ? "booked" : "free");
	}
	ck_assert_int_eq(lo, w0 + 100);
}
END_TEST

static Suite *
calgrid_suite(void)
{
	Suite	*s = suite_create("calgrid");
	TCase	*core = tcase_create("core");
	TCase	*lim = tcase_create("limits");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(lim, setup, teardown);
	tcase_add_test(core, test_december_2026);
	tcase_add_test(core, test_months_and_clamp);
	tcase_add_test(lim, test_window_edges);
	tcase_set_timeout(lim, 60);
	tcase_add_test(lim, test_many_ranges);
	suite_add_tcase(s, core);
	suite_add_tcase(s, lim);
	return s;
}

int
main(void)
{
	view_init();
	return unit_run(calgrid_suite());
}
