/*
 * iCalendar output (see ical.h).  Pure: everything is appended to the
 * caller's buf, whose arena also holds the few scratch strings.
 *
 * Folding (RFC 5545 §3.1) works on whole UTF-8 sequences: a sequence that
 * would pass 75 octets starts the next physical line instead, so a reader
 * that unfolds byte-wise (most do) never sees half a character.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "date.h"
#include "ical.h"

#define ICAL_LINE_MAX	75	/* octets per physical line, without CRLF */

/*
 * Appends n bytes of a content line whose physical line holds *col octets
 * so far, folding before any sequence that would not fit.  A sequence is
 * a byte and the continuation bytes (10xxxxxx) after it, at most 4, so
 * invalid input still makes progress and still fits a fresh line.
 */
static void
fold_put(struct buf *b, size_t *col, const char *s, size_t n)
{
	size_t	 i, len;

	for (i = 0; i < n; i += len) {
		for (len = 1; len < 4 && i + len < n &&
		    ((unsigned char)s[i + len] & 0xc0) == 0x80; len++)
			continue;
		if (*col + len > ICAL_LINE_MAX) {
			/* The space that continues a line counts as one. */
			buf_append(b, "\r\n ", 3);
			*col = 1;
		}
		buf_append(b, s + i, len);
		*col += len;
	}
}

void
ical_line(struct buf *b, const char *name, const char *value)
{
	size_t	 col = 0;

	fold_put(b, &col, name, strlen(name));
	fold_put(b, &col, ":", 1);
	fold_put(b, &col, value, strlen(value));
	buf_append(b, "\r\n", 2);
}

void
ical_text(struct buf *b, const char *s)
{
	const char	*start = s;
	const char	*rep;
	unsigned char	 ch;

	/* Runs of plain text are copied whole, as in html_escape(). */
	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		switch (ch) {
		case '\\':
			rep = "\\\\";
			break;
		case ';':
			rep = "\\;";
			break;
		case ',':
			rep = "\\,";
			break;
		case '\n':
			rep = "\\n";
			break;
		default:
			/*
			 * Other controls are not allowed in TEXT; dropping
			 * CR also makes CRLF a single \n.
			 */
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				rep = "";
			else
				continue;
			break;
		}
		buf_append(b, start, (size_t)(s - start));
		buf_puts(b, rep);
		start = s + 1;
	}
	buf_append(b, start, (size_t)(s - start));
}

/* n digits at s as a number in [lo, hi], or -1. */
static int
field(const char *s, int n, int lo, int hi)
{
	int	 i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < lo || v > hi ? -1 : v;
}

/*
 * RFC 3339 UTC "2026-11-22T03:00:00Z" (a fraction of a second and a
 * "+00:00" offset are allowed, as PostgreSQL may write them) into the
 * DATE-TIME "20261122T030000Z", out[17].  -1 for anything else: the
 * caller then writes the epoch rather than a malformed property.
 */
static int
stamp_basic(const char *s, char out[17])
{
	char	 date[11], basic[9];
	long	 days;
	int	 h, mi, sec;

	if (strnlen(s, 19) < 19)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (date_parse(date, &days) == -1 ||
	    (s[10] != 'T' && s[10] != 't') ||
	    (h = field(s + 11, 2, 0, 23)) == -1 || s[13] != ':' ||
	    (mi = field(s + 14, 2, 0, 59)) == -1 || s[16] != ':' ||
	    (sec = field(s + 17, 2, 0, 60)) == -1)
		return -1;
	s += 19;
	if (*s == '.') {
		if (s[1] < '0' || s[1] > '9')
			return -1;
		for (s++; *s >= '0' && *s <= '9'; s++)
			continue;
	}
	if (strcmp(s, "Z") != 0 && strcmp(s, "z") != 0 &&
	    strcmp(s, "+00:00") != 0)
		return -1;
	date_basic(days, basic);
	memcpy(out, basic, 8);
	out[8] = 'T';
	out[9] = '0' + h / 10;
	out[10] = '0' + h % 10;
	out[11] = '0' + mi / 10;
	out[12] = '0' + mi % 10;
	out[13] = '0' + sec / 10;
	out[14] = '0' + sec % 10;
	out[15] = 'Z';
	out[16] = '\0';
	return 0;
}

void
ical_write(struct buf *b, const char *calname, const char *version,
    const struct ical_event *ev, size_t nevents)
{
	struct buf	 v;
	char		 stamp[17], day[9];
	size_t		 i;

	ical_line(b, "BEGIN", "VCALENDAR");
	ical_line(b, "VERSION", "2.0");
	buf_init(&v, b->arena, 64);
	buf_puts(&v, "-//innkeep//innkeep ");
	ical_text(&v, version);
	buf_puts(&v, "//EN");
	ical_line(b, "PRODID", v.data);
	ical_line(b, "CALSCALE", "GREGORIAN");
	ical_line(b, "METHOD", "PUBLISH");
	buf_init(&v, b->arena, 64);
	ical_text(&v, calname);
	buf_puts(&v, " (innkeep)");
	ical_line(b, "X-WR-CALNAME", v.data);

	for (i = 0; i < nevents; i++) {
		ical_line(b, "BEGIN", "VEVENT");
		buf_init(&v, b->arena, 48);
		buf_printf(&v, "booking-%lld@innkeep", ev[i].id);
		ical_line(b, "UID", v.data);
		if (ev[i].stamp == NULL ||
		    stamp_basic(ev[i].stamp, stamp) == -1)
			memcpy(stamp, "19700101T000000Z", sizeof(stamp));
		ical_line(b, "DTSTAMP", stamp);
		date_basic(ev[i].start, day);
		ical_line(b, "DTSTART;VALUE=DATE", day);
		date_basic(ev[i].end, day);
		ical_line(b, "DTEND;VALUE=DATE", day);
		ical_line(b, "SUMMARY", "Booked");
		ical_line(b, "STATUS", ev[i].tentative ? "TENTATIVE" :
		    "CONFIRMED");
		ical_line(b, "TRANSP", "OPAQUE");
		ical_line(b, "END", "VEVENT");
	}
	ical_line(b, "END", "VCALENDAR");
}
