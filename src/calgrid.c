/*
 * Month grids of the availability calendar (see calgrid.h).  Pure: the
 * view it returns is allocated by jansson, so it lives as long as the
 * arena bound to the thread (view.h).
 *
 * Bookings are marked once on the window's days, not tested per day: for
 * each day of the window the farthest end of the stays starting on it,
 * then one sweep in date order.  That is O(ranges + days) however many
 * ranges overlap, and needs no sorted copy.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "calgrid.h"
#include "date.h"
#include "view.h"

#define CAL_MAXMONTHS	24
#define CAL_MAXDAYS	(CAL_MAXMONTHS * 31)

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static json_t *
blank_cell(void)
{
	json_t	*c = view_object();

	view_set_str(c, "state", "blank");
	return c;
}

static json_t *
day_cell(long day, int y, int m, int d, const char *state)
{
	json_t	*c = view_object();
	char	 date[11], label[64];

	date_format(day, date);
	/* Said in words too, for screen readers: not by colour alone. */
	snprintf(label, sizeof(label), "%d %s %d: %s", d,
	    month_names[m - 1], y, state);
	view_set_int(c, "day", d);
	view_set_str(c, "date", date);
	view_set_str(c, "state", state);
	view_set_str(c, "label", label);
	return c;
}

json_t *
calgrid_months(long today, int nmonths, const struct calgrid_range *r,
    size_t nranges)
{
	/* reach[i]: the farthest end of the stays starting on w0 + i. */
	int	 reach[CAL_MAXDAYS];
	json_t	*months, *month, *weeks, *week;
	char	 title[32];
	long	 w0, w1, day, s, e;
	size_t	 i;
	int	 y, m, d, mi, first, ndays, off, cur, idx;

	if (nmonths < 1)
		nmonths = 1;
	else if (nmonths > CAL_MAXMONTHS)
		nmonths = CAL_MAXMONTHS;

	/*
	 * The window: the first of this month to the first of the month
	 * after the last, kept within year 9999 so every date is real.
	 */
	date_ymd(today, &y, &m, &d);
	idx = y * 12 + (m - 1);
	if (idx + nmonths > 10000 * 12)
		idx = 10000 * 12 - nmonths;
	w0 = date_from_ymd(idx / 12, idx % 12 + 1, 1);
	w1 = date_from_ymd((idx + nmonths) / 12, (idx + nmonths) % 12 + 1, 1);

	/* Clamped to the window; empty or reversed stays book nothing. */
	memset(reach, 0, sizeof(reach));
	for (i = 0; i < nranges; i++) {
		s = r[i].start > w0 ? r[i].start : w0;
		e = r[i].end < w1 ? r[i].end : w1;
		if (s >= e)
			continue;
		off = (int)(s - w0);
		if ((int)(e - w0) > reach[off])
			reach[off] = (int)(e - w0);
	}

	months = view_array();
	cur = 0;
	off = 0;
	for (mi = 0; mi < nmonths; mi++, idx++) {
		y = idx / 12;
		m = idx % 12 + 1;
		ndays = date_month_days(y, m);
		first = date_weekday(date_from_ymd(y, m, 1));

		month = view_object();
		snprintf(title, sizeof(title), "%s %d", month_names[m - 1], y);
		view_set_str(month, "title", title);
		weeks = view_array();
		week = view_array();
		for (d = 0; d < first; d++)
			view_push(week, blank_cell());
		for (d = 1; d <= ndays; d++, off++) {
			if (reach[off] > cur)
				cur = reach[off];
			day = w0 + off;
			view_push(week, day_cell(day, y, m, d,
			    day < today ? "past" :
			    off < cur ? "booked" : "free"));
			if ((first + d) % 7 == 0) {
				view_push(weeks, week);
				week = d < ndays ? view_array() : NULL;
			}
		}
		if (week != NULL) {
			for (d = (first + ndays) % 7; d < 7; d++)
				view_push(week, blank_cell());
			view_push(weeks, week);
		}
		view_set(month, "weeks", weeks);
		view_push(months, month);
	}
	return months;
}
