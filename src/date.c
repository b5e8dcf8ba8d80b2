/*
 * Calendar dates as day numbers (see date.h).  Pure arithmetic, no state:
 * the conversions are Howard Hinnant's days_from_civil and civil_from_days
 * ("chrono-Compatible Low-Level Date Algorithms"), which count in 400-year
 * eras of 146097 days with the year starting in March, so that the leap
 * day is the last day of the year and needs no special case.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "date.h"

/* 0001-01-01 and 9999-12-31: the years date_parse accepts. */
#define DATE_MIN	(-719162L)
#define DATE_MAX	2932896L

long
date_from_ymd(int y, int m, int d)
{
	long	 era, yoe, doy, doe, yy = y;

	yy -= m <= 2;
	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;				/* [0, 399] */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;	/* [0, 365] */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* [0, 146096] */
	return era * 146097 + doe - 719468;
}

void
date_ymd(long days, int *y, int *m, int *d)
{
	long	 z, era, doe, yoe, doy, mp, mm;

	/*
	 * Clamped so that the arithmetic below cannot overflow and the year
	 * always has four digits for date_format().
	 */
	if (days < DATE_MIN)
		days = DATE_MIN;
	else if (days > DATE_MAX)
		days = DATE_MAX;
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;				/* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* [0, 365] */
	mp = (5 * doy + 2) / 153;		/* [0, 11], from March */
	mm = mp < 10 ? mp + 3 : mp - 9;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)mm;
	*y = (int)(yoe + era * 400 + (mm <= 2));
}

int
date_month_days(int y, int m)
{
	static const int	 mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

int
date_weekday(long days)
{
	/* Day 0 was a Thursday (3); % may be negative before 1970. */
	return (int)((days % 7 + 10) % 7);
}

/* n decimal digits of s, or -1 when any of them is not a digit. */
static int
digits(const char *s, int n)
{
	int	 i, v = 0;

	for (i = 0; i < n; i++) {
		/* Not isdigit(): the locale must not widen what a digit is. */
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
date_parse(const char *s, long *days)
{
	int	 y, m, d;

	/*
	 * Each check stops at the first byte that does not fit, so a short
	 * string is never read past its NUL.
	 */
	if (s == NULL ||
	    (y = digits(s, 4)) == -1 || s[4] != '-' ||
	    (m = digits(s + 5, 2)) == -1 || s[7] != '-' ||
	    (d = digits(s + 8, 2)) == -1 || s[10] != '\0')
		return -1;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > date_month_days(y, m))
		return -1;
	*days = date_from_ymd(y, m, d);
	return 0;
}

void
date_format(long days, char out[11])
{
	int	 y, m, d;

	date_ymd(days, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

void
date_basic(long days, char out[9])
{
	int	 y, m, d;

	date_ymd(days, &y, &m, &d);
	snprintf(out, 9, "%04d%02d%02d", y, m, d);
}

long
date_today(void)
{
	time_t	 t = time(NULL);

	/* Floor division: a clock before 1970 still gives the right day. */
	return (long)(t / 86400 - (t % 86400 < 0));
}
