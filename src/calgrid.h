/*
 * The availability calendar as pages show it: month grids of weeks
 * (Monday first) of days, each free, booked or past.  Pure: the booked
 * ranges come from the database, the view goes to the templates.
 */
#ifndef INNKEEP_CALGRID_H
#define INNKEEP_CALGRID_H

#include <stddef.h>
#include <jansson.h>

/* A stay [start, end) in day numbers (date.h). */
struct calgrid_range {
	long	 start;
	long	 end;
};

/*
 * nmonths months from the month of today, as a view (view.h):
 *   [{"title": "December 2026", "weeks": [[day × 7], ...]}, ...]
 * A day: {"day": 1, "date": "2026-12-01", "state": "free" | "booked" |
 * "past", "label": "1 December 2026: booked"}; the cells before the 1st
 * and after the last day of the month are {"state": "blank"} only.  A day
 * is booked when its night is: start <= day < end of some range; past when
 * before today (whatever its bookings).  ranges need not be sorted and may
 * overlap or reach outside the months.
 */
json_t	*calgrid_months(long today, int nmonths,
	    const struct calgrid_range *, size_t nranges);

#endif
