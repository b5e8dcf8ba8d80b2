/* Unit tests: the iCalendar feed, its escaping and its folding. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "date.h"
#include "ical.h"
#include "unit.h"

static struct arena	*a;

static void
setup(void)
{
	a = arena_new(4096);
}

static void
teardown(void)
{
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
text(const char *s)
{
	struct buf	 b;

	buf_init(&b, a, 64);
	ical_text(&b, s);
	return b.data;
}

/*
 * Checks the physical lines of a folded text: CRLF only, at most 75
 * octets, continuations starting with one space and never inside a UTF-8
 * sequence, and no line folded before the next character had to go.
 * Returns the text unfolded (CRLF and the space removed), in the arena.
 */
static char *
check_folding(const char *s)
{
	const char	*p, *eol;
	char		*out, *o;
	size_t		 len, used;
	int		 cont = 0;

	out = o = arena_alloc(a, strlen(s) + 1);
	for (p = s; *p != '\0'; p = eol + 2) {
		eol = strstr(p, "\r\n");
		ck_assert_ptr_nonnull(eol);
		len = (size_t)(eol - p);
		/* The space of a continuation is one of its 75 octets. */
		used = (size_t)cont + len;
		ck_assert_uint_le(used, 75);
		ck_assert_ptr_null(memchr(p, '\r', len));
		ck_assert_ptr_null(memchr(p, '\n', len));
		memcpy(o, p, len);
		o += len;
		cont = eol[2] == ' ';
		if (cont) {
			/* A character takes at most 4 octets. */
			ck_assert_uint_gt(used, 75 - 4);
			ck_assert_int_ne((unsigned char)eol[3] & 0xc0, 0x80);
			ck_assert(eol[3] != '\r' && eol[3] != '\0');
			eol++;
		} else {
			*o++ = '\r';
			*o++ = '\n';
		}
	}
	*o = '\0';
	return out;
}

START_TEST(test_full_feed)
{
	const struct ical_event	 ev[] = {
		{ 7, day("2026-12-01"), day("2026-12-05"), 0,
		    "2026-11-22T03:00:00Z" },
		{ 12, day("2026-12-24"), day("2027-01-02"), 1, "garbage" },
	};
	struct buf		 b;

	buf_init(&b, a, 1024);
	ical_write(&b, "Cozy Loft, Paris; \"best\" \\o/", "0.1.0", ev, 2);
	ck_assert_str_eq(b.data,
	    "BEGIN:VCALENDAR\r\n"
	    "VERSION:2.0\r\n"
	    "PRODID:-//innkeep//innkeep 0.1.0//EN\r\n"
	    "CALSCALE:GREGORIAN\r\n"
	    "METHOD:PUBLISH\r\n"
	    "X-WR-CALNAME:Cozy Loft\\, Paris\\; \"best\" \\\\o/ (innkeep)\r\n"
	    "BEGIN:VEVENT\r\n"
	    "UID:booking-7@innkeep\r\n"
	    "DTSTAMP:20261122T030000Z\r\n"
	    "DTSTART;VALUE=DATE:20261201\r\n"
	    "DTEND;VALUE=DATE:20261205\r\n"
	    "SUMMARY:Booked\r\n"
	    "STATUS:CONFIRMED\r\n"
	    "TRANSP:OPAQUE\r\n"
	    "END:VEVENT\r\n"
	    "BEGIN:VEVENT\r\n"
	    "UID:booking-12@innkeep\r\n"
	    "DTSTAMP:19700101T000000Z\r\n"
	    "DTSTART;VALUE=DATE:20261224\r\n"
	    "DTEND;VALUE=DATE:20270102\r\n"
	    "SUMMARY:Booked\r\n"
	    "STATUS:TENTATIVE\r\n"
	    "TRANSP:OPAQUE\r\n"
	    "END:VEVENT\r\n"
	    "END:VCALENDAR\r\n");
	ck_assert_uint_eq(b.len, strlen(b.data));
}
END_TEST

START_TEST(test_empty_feed)
{
	struct buf	 b;

	buf_init(&b, a, 256);
	ical_write(&b, "", "0.1.0", NULL, 0);
	ck_assert_str_eq(b.data,
	    "BEGIN:VCALENDAR\r\n"
	    "VERSION:2.0\r\n"
	    "PRODID:-//innkeep//innkeep 0.1.0//EN\r\n"
	    "CALSCALE:GREGORIAN\r\n"
	    "METHOD:PUBLISH\r\n"
	    "X-WR-CALNAME: (innkeep)\r\n"
	    "END:VCALENDAR\r\n");
}
END_TEST

START_TEST(test_text_escaping)
{
	ck_assert_str_eq(text("plain"), "plain");
	ck_assert_str_eq(text(""), "");
	ck_assert_str_eq(text("a\\b;c,d"), "a\\\\b\\;c\\,d");
	ck_assert_str_eq(text("\\;,"), "\\\\\\;\\,");
	/* LF and CRLF are newlines; other controls go, tab stays. */
	ck_assert_str_eq(text("one\ntwo\r\nthree"), "one\\ntwo\\nthree");
	ck_assert_str_eq(text("\n\n"), "\\n\\n");
	ck_assert_str_eq(text("a\rb\x01" "c\x1b[31md\x7f" "e\tf"),
	    "abc[31mde\tf");
	ck_assert_str_eq(text("\x1f\x7f\r"), "");
	/* Colons, quotes and UTF-8 are fine in TEXT. */
	ck_assert_str_eq(text("a:b \"c\" é ☃ 🏠"), "a:b \"c\" é ☃ 🏠");
}
END_TEST

START_TEST(test_text_appends)
{
	struct buf	 b;

	buf_init(&b, a, 8);
	buf_puts(&b, "X:");
	ical_text(&b, "a,b");
	ical_text(&b, ";");
	ck_assert_str_eq(b.data, "X:a\\,b\\;");
	ck_assert_uint_eq(b.len, 8);
}
END_TEST

START_TEST(test_line_limit)
{
	struct buf	 b;
	char		 v[200];

	/* "X:" and 73 octets: exactly 75, not folded. */
	memset(v, 'a', sizeof(v));
	v[73] = '\0';
	buf_init(&b, a, 256);
	ical_line(&b, "X", v);
	ck_assert_uint_eq(b.len, 77);
	ck_assert_str_eq(b.data + 75, "\r\n");
	/* One more: the 76th octet goes to a continuation line. */
	v[73] = 'b';
	v[74] = '\0';
	buf_init(&b, a, 256);
	ical_line(&b, "X", v);
	ck_assert_uint_eq(b.len, 75 + 2 + 2 + 2);
	ck_assert_str_eq(b.data + 75, "\r\n b\r\n");
	/* Continuations hold 74 octets after their space. */
	memset(v, 'a', sizeof(v));
	v[73 + 74 + 1] = '\0';
	buf_init(&b, a, 256);
	ical_line(&b, "X", v);
	ck_assert_uint_eq(strlen(b.data), 77 + 77 + 4);
	ck_assert(memcmp(b.data + 75, "\r\n ", 3) == 0);
	ck_assert(memcmp(b.data + 77 + 75, "\r\n a\r\n", 6) == 0);
	ck_assert_int_eq(strncmp(check_folding(b.data), "X:", 2), 0);
	ck_assert_uint_eq(strlen(check_folding(b.data)), 2 + 148 + 2);
}
END_TEST

START_TEST(test_fold_utf8)
{
	/* 2-, 3- and 4-octet characters, so that every offset is hit. */
	static const char	 unit[] = "Ünïcødé ☃ 🏠 Chalet, ü ";
	struct buf		 b, want;
	char			*name, *unfolded;
	size_t			 shift, k, nlines;
	const char		*p;

	for (shift = 0; shift < 8; shift++) {
		buf_init(&want, a, 1024);
		buf_append(&want, "abcdefgh", shift);
		for (k = 0; k < 12; k++)
			buf_puts(&want, unit);
		name = want.data;
		buf_init(&b, a, 2048);
		ical_write(&b, name, "0.1.0", NULL, 0);
		p = strstr(b.data, "X-WR-CALNAME:");
		ck_assert_ptr_nonnull(p);
		unfolded = check_folding(p);
		buf_init(&want, a, 1024);
		buf_puts(&want, "X-WR-CALNAME:");
		ical_text(&want, name);
		buf_puts(&want, " (innkeep)\r\nEND:VCALENDAR\r\n");
		ck_assert_str_eq(unfolded, want.data);
		/* And it was folded: the name is far over 75 octets. */
		for (nlines = 0, p = strstr(b.data, "X-WR-CALNAME:");
		    (p = strstr(p, "\r\n ")) != NULL; p++)
			nlines++;
		ck_assert_uint_ge(nlines, 5);
	}
}
END_TEST

START_TEST(test_fold_invalid_utf8)
{
	struct buf	 b;
	char		 v[300];

	/* A run of stray continuation bytes still folds, within 75. */
	memset(v, 0x80, sizeof(v) - 1);
	v[sizeof(v) - 1] = '\0';
	buf_init(&b, a, 512);
	ical_line(&b, "X", v);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert_ptr_nonnull(strstr(b.data, "\r\n "));
}
END_TEST

static const char *
stamp_of(const char *stamp)
{
	struct ical_event	 ev = { 1, 0, 1, 0, stamp };
	struct buf		 b;
	char			*p;

	buf_init(&b, a, 512);
	ical_write(&b, "x", "1", &ev, 1);
	p = strstr(b.data, "DTSTAMP:");
	ck_assert_ptr_nonnull(p);
	p += 8;
	*strstr(p, "\r\n") = '\0';
	return p;
}

START_TEST(test_dtstamp)
{
	static const char *const bad[] = {
		"", "garbage", "2026-11-22", "2026-11-22T03:00:00",
		"2026-11-22 03:00:00Z", "2026-11-22T03:00:00+01:00",
		"2026-11-22T03:00:00Zjunk", "2026-11-22T03:00:00.Z",
		"2026-13-22T03:00:00Z", "2026-02-29T03:00:00Z",
		"2026-11-22T24:00:00Z", "2026-11-22T03:60:00Z",
		"2026-11-22T03:00:61Z", "2026-11-22T3:00:00Z",
		"2026-11-22T03-00-00Z", "0000-01-01T00:00:00Z",
		"2026-11-22T03:00:0", "2026-11-22T03:00:00\r\nX:Y",
	};
	size_t	 i;

	ck_assert_str_eq(stamp_of("2026-11-22T03:00:00Z"),
	    "20261122T030000Z");
	ck_assert_str_eq(stamp_of("2026-11-22t23:59:59z"),
	    "20261122T235959Z");
	ck_assert_str_eq(stamp_of("2026-11-22T03:04:05.123456Z"),
	    "20261122T030405Z");
	ck_assert_str_eq(stamp_of("2024-02-29T00:00:00+00:00"),
	    "20240229T000000Z");
	ck_assert_str_eq(stamp_of("2016-12-31T23:59:60Z"),
	    "20161231T235960Z");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strcmp(stamp_of(bad[i]), "19700101T000000Z") != 0)
			ck_abort_msg("DTSTAMP from \"%s\" is %s", bad[i],
			    stamp_of(bad[i]));
	ck_assert_str_eq(stamp_of(NULL), "19700101T000000Z");
}
END_TEST

START_TEST(test_prodid_escaped)
{
	struct buf	 b;

	buf_init(&b, a, 512);
	ical_write(&b, "x", "1.0,beta;2", NULL, 0);
	ck_assert_ptr_nonnull(strstr(b.data,
	    "\r\nPRODID:-//innkeep//innkeep 1.0\\,beta\\;2//EN\r\n"));
}
END_TEST

static Suite *
ical_suite(void)
{
	Suite	*s = suite_create("ical");
	TCase	*core = tcase_create("core");
	TCase	*lim = tcase_create("limits");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(lim, setup, teardown);
	tcase_add_test(core, test_full_feed);
	tcase_add_test(core, test_empty_feed);
	tcase_add_test(core, test_text_escaping);
	tcase_add_test(core, test_text_appends);
	tcase_add_test(core, test_prodid_escaped);
	tcase_add_test(lim, test_line_limit);
	tcase_add_test(lim, test_fold_utf8);
	tcase_add_test(lim, test_fold_invalid_utf8);
	tcase_add_test(lim, test_dtstamp);
	suite_add_tcase(s, core);
	suite_add_tcase(s, lim);
	return s;
}

int
main(void)
{
	return unit_run(ical_suite());
}
