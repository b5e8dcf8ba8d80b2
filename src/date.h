/*
 * Calendar dates as day numbers (days since 1970-01-01, proleptic
 * Gregorian), so that stays are integer ranges [start, end) and nights are
 * a subtraction.  Parsing is strict: "YYYY-MM-DD" only, a real date.
 */
#ifndef INNKEEP_DATE_H
#define INNKEEP_DATE_H

/* Years 1..9999; *days set on success.  0 or -1 (not a real date). */
int	 date_parse(const char *s, long *days);
/*
 * "YYYY-MM-DD" into out[11]; "YYYYMMDD" (RFC 5545 DATE) into out[9]; the
 * fields.  Days outside 0001-01-01..9999-12-31 are clamped to that range,
 * so the text always has its fixed width.
 */
void	 date_format(long days, char out[11]);
void	 date_basic(long days, char out[9]);
void	 date_ymd(long days, int *y, int *m, int *d);
/* A real date of years 1..9999 (not checked: see date_month_days). */
long	 date_from_ymd(int y, int m, int d);
/* 0 Monday .. 6 Sunday. */
int	 date_weekday(long days);
/* 28..31, or 0 when m is not 1..12. */
int	 date_month_days(int y, int m);
/* Today in UTC. */
long	 date_today(void);

#endif
