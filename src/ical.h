/*
 * iCalendar (RFC 5545) output for a listing's booked stays: CRLF lines,
 * folded at 75 octets without splitting a UTF-8 sequence, TEXT values
 * escaped.  docs/properties.md shows the feed.
 */
#ifndef INNKEEP_ICAL_H
#define INNKEEP_ICAL_H

#include <stddef.h>

struct buf;

struct ical_event {
	long long	 id;		/* booking id: UID booking-<id>@innkeep */
	long		 start;		/* day numbers (date.h), [start, end) */
	long		 end;
	int		 tentative;	/* pending: STATUS:TENTATIVE */
	const char	*stamp;		/* RFC 3339 UTC "2026-11-22T03:00:00Z" */
};

/* The whole VCALENDAR; calname is the listing's name (any UTF-8). */
void	ical_write(struct buf *, const char *calname, const char *version,
	    const struct ical_event *, size_t nevents);

/* One content line "name:value" (value already in its final form), folded. */
void	ical_line(struct buf *, const char *name, const char *value);
/* A TEXT value escaped (\\ \; \, \n), without folding, appended to a buf. */
void	ical_text(struct buf *, const char *);

#endif
