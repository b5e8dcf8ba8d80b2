"""A listing's calendar (docs/properties.md "Calendar"): the JSON of booked
stays, the HTML month grids, and the iCalendar feed (RFC 5545) checked line
by line: CRLF, folding at 75 octets never inside a UTF-8 sequence, the
VCALENDAR/VEVENT structure, one event per stay with a stable UID, the
dates, the status, TEXT escaping of the listing's name, and nothing about
the guest or the price.

Bookings are written with SQL (properties_support.insert_booking).
"""

import re
import unittest

from accounts_support import Client, signup
from properties_support import (
    MONTHS, PropertiesTestCase, create_listing, day, insert_booking,
    long_date, page, page_text, parse_day, psql, today)
from support import ACCEPT_HTML, ACCEPT_JSON, request

ICS_TYPE = "text/calendar; charset=utf-8"


# ---------------------------------------------------------------- iCalendar

def unescape_text(value):
    """RFC 5545 §3.3.11 TEXT: \\\\ \\; \\, \\n \\N."""
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append({"n": "\n", "N": "\n"}.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def unescaped_specials(value):
    """The ; and , of a TEXT value that are not escaped (must be none),
    and a lone trailing backslash."""
    bad, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            if i + 1 >= len(value) or value[i + 1] not in "\\;,nN":
                bad.append(value[i:i + 2])
            i += 2
            continue
        if ch in ";,":
            bad.append(ch)
        i += 1
    return bad


class Feed:
    """A parsed feed: physical lines, logical (unfolded) lines, and the
    components as nested dicts {"name", "props": [(name, params, value)],
    "children"}."""

    def __init__(self, case, body):
        self.case = case
        self.body = body
        case.assertTrue(body.endswith(b"\r\n"), "the last line ends in CRLF")
        self.physical = body[:-2].split(b"\r\n")
        for n, line in enumerate(self.physical, 1):
            case.assertNotIn(b"\n", line, f"a bare LF in line {n}: {line!r}")
            case.assertNotIn(b"\r", line, f"a bare CR in line {n}: {line!r}")
            case.assertLessEqual(len(line), 75,
                                 f"line {n} has {len(line)} octets: "
                                 f"{line!r}")
            case.assertTrue(line, f"an empty line {n}")
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                case.fail(f"line {n} splits a UTF-8 sequence: {line!r}")
        # Unfold: CRLF followed by one space or tab is removed.
        self.logical = []
        for line in self.physical:
            if line[:1] in (b" ", b"\t"):
                case.assertTrue(self.logical, "a continuation first")
                self.logical[-1] += line[1:]
            else:
                self.logical.append(line)
        self.logical = [x.decode("utf-8") for x in self.logical]
        self.folded = any(x[:1] in (b" ", b"\t") for x in self.physical)
        self.root = self._structure()

    @staticmethod
    def split(line):
        """name, {param: value}, value of a content line."""
        m = re.match(r"^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=[^:;]*)*):(.*)$",
                     line, re.S)
        if not m:
            raise AssertionError(f"not a content line: {line!r}")
        params = {}
        for p in m.group(2).split(";")[1:]:
            k, _, v = p.partition("=")
            params[k.upper()] = v
        return m.group(1).upper(), params, m.group(3)

    def _structure(self):
        stack = [{"name": None, "props": [], "children": []}]
        for line in self.logical:
            name, params, value = self.split(line)
            if name == "BEGIN":
                comp = {"name": value, "props": [], "children": []}
                stack[-1]["children"].append(comp)
                stack.append(comp)
            elif name == "END":
                self.case.assertGreater(len(stack), 1, f"stray {line}")
                self.case.assertEqual(stack[-1]["name"], value,
                                      f"END:{value} closes BEGIN:"
                                      f"{stack[-1]['name']}")
                stack.pop()
            else:
                self.case.assertGreater(len(stack), 1,
                                        f"{line!r} outside a component")
                stack[-1]["props"].append((name, params, value))
        self.case.assertEqual(len(stack), 1, "a component left open")
        top = stack[0]["children"]
        self.case.assertEqual([c["name"] for c in top], ["VCALENDAR"],
                              "one VCALENDAR")
        self.case.assertEqual(self.logical[0], "BEGIN:VCALENDAR")
        self.case.assertEqual(self.logical[-1], "END:VCALENDAR")
        return top[0]

    @property
    def calendar(self):
        return self.root

    @property
    def events(self):
        return [c for c in self.root["children"] if c["name"] == "VEVENT"]

    @staticmethod
    def props(comp, name):
        return [(p, v) for n, p, v in comp["props"] if n == name]

    def one(self, comp, name):
        found = self.props(comp, name)
        self.case.assertEqual(len(found), 1, f"one {name} in {comp['name']}"
                              f": {found}")
        return found[0]


def ics_date(s):
    return s.replace("-", "")


class CalendarCase(PropertiesTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.host = signup()
        cls.guest = signup(display_name="Guesty McGuestface")

    def fetch_ics(self, pid, headers=None):
        r = request("GET", f"/properties/{pid}/calendar.ics",
                    headers=headers or {})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, ICS_TYPE, r)
        return r

    def feed(self, pid, headers=None):
        r = self.fetch_ics(pid, headers)
        return Feed(self, r.body), r

    def booked(self, pid):
        r = Client().get(f"/properties/{pid}/calendar")
        doc = self.assertJsonOk(r)
        self.assertEqual(list(doc), ["booked"], doc)
        for b in doc["booked"]:
            self.assertEqual(list(b), ["start_date", "end_date"], b)
        return doc["booked"]


# ---------------------------------------------------------------- JSON

class TestCalendarJson(CalendarCase):

    def test_empty(self):
        p = create_listing(self.host)
        self.assertEqual(self.booked(p["id"]), [])

    def test_stays(self):
        p = create_listing(self.host)
        g = self.guest.id
        pid = p["id"]
        insert_booking(pid, g, 40, 45, status="confirmed")
        insert_booking(pid, g, 10, 12, status="pending")
        insert_booking(pid, g, 12, 14, status="confirmed")  # adjacent
        insert_booking(pid, g, 20, 25, status="cancelled")
        insert_booking(pid, g, 20, 25, status="declined")
        insert_booking(pid, g, -30, -25, status="completed")
        insert_booking(pid, g, -10, -5, status="confirmed")  # all past
        insert_booking(pid, g, 300, 303, status="pending")
        insert_booking(pid, g, 420, 425, status="confirmed")  # > 12 months
        got = self.booked(pid)
        self.assertEqual(got, [
            {"start_date": day(10), "end_date": day(12)},
            {"start_date": day(12), "end_date": day(14)},
            {"start_date": day(40), "end_date": day(45)},
            {"start_date": day(300), "end_date": day(303)}])

    def test_stay_under_way(self):
        """A stay that began before today still has nights ahead."""
        p = create_listing(self.host)
        insert_booking(p["id"], self.guest.id, -2, 3)
        insert_booking(p["id"], self.guest.id, -5, -2)    # ended
        got = self.booked(p["id"])
        self.assertEqual(len(got), 1, got)
        self.assertEqual(got[0]["end_date"], day(3))
        self.assertIn(got[0]["start_date"], (day(-2), day(0)))

    def test_nothing_about_the_guest(self):
        p = create_listing(self.host)
        bid = insert_booking(p["id"], self.guest.id, 5, 9, total="987.65")
        for accept in ("json", "html"):
            r = Client().get(f"/properties/{p['id']}/calendar",
                             accept=accept)
            self.assertEqual(r.status, 200, r)
            for secret in (self.guest.username, self.guest.email,
                           "Guesty", "987.65"):
                self.assertNotIn(secret.encode(), r.body)
            if accept == "json":
                self.assertNotIn(b'"id"', r.body)
                self.assertEqual(r.json(), {"booked": [
                    {"start_date": day(5), "end_date": day(9)}]}, bid)

    def test_unknown_and_unlisted(self):
        self.assertJsonError(Client().get("/properties/999999999/calendar"),
                             404, "not_found")
        p = create_listing(self.host)
        insert_booking(p["id"], self.guest.id, 3, 4)
        self.host.client.json("PATCH", f"/properties/{p['id']}",
                              {"is_listed": False}, csrf=True)
        self.assertEqual(self.booked(p["id"]),
                         [{"start_date": day(3), "end_date": day(4)}])


# ---------------------------------------------------------------- HTML

class TestCalendarPage(CalendarCase):

    def month_titles(self, n):
        t = today()
        y, m = t.year, t.month
        out = []
        for _ in range(n):
            out.append(f"{MONTHS[m - 1]} {y}")
            m += 1
            if m == 13:
                y, m = y + 1, 1
        return out

    STATES = ("free", "booked", "past")

    @staticmethod
    def combined(e):
        """An element's text and labelling attributes, lower case."""
        parts = [" ".join(e.text_content().split())]
        for a in ("aria-label", "title", "datetime"):
            if e.attr(a):
                parts.append(e.attr(a))
        return " ".join(parts).lower()

    def states_of(self, body, d):
        """What the page says of day d: the state words found in the
        smallest elements naming d (in words or as YYYY-MM-DD), climbing
        to their day cell if the state is said there."""
        names = (long_date(d).lower(), d.isoformat())
        p = page(body)

        def names_d(e):
            t = self.combined(e)
            return any(n in t for n in names)

        found = []
        for e in p.elements:
            if not names_d(e) or any(names_d(c) for c in e.children):
                continue
            cur = e
            while cur is not None and cur.tag != "#document":
                t = self.combined(cur)
                said = {s for s in self.STATES if s in t}
                if said:
                    found.append(said)
                    break
                if cur.tag in ("td", "li", "tr", "table", "ul", "ol"):
                    break
                cur = cur.parent
        return found

    def says(self, body, d, state):
        return any(state in s and len(s) == 1
                   for s in self.states_of(body, d))

    def test_twelve_month_grids(self):
        p = create_listing(self.host)
        insert_booking(p["id"], self.guest.id, 3, 5)
        r = Client().get(f"/properties/{p['id']}/calendar", accept="html")
        self.assertHtmlPage(r)
        text = page_text(r.body)
        for title in self.month_titles(12):
            self.assertIn(title, text)
        self.assertNotIn(self.month_titles(13)[-1], text,
                         "12 months, not 13")
        for n in (3, 4):
            d = parse_day(day(n))
            self.assertTrue(self.says(r.body, d, "booked"),
                            f"{d} is not said to be booked: "
                            f"{self.states_of(r.body, d)}")
        # The check-out day is free: its night is not taken.
        for n in (5, 20):
            d = parse_day(day(n))
            self.assertTrue(self.says(r.body, d, "free"),
                            f"{d} is not said to be free: "
                            f"{self.states_of(r.body, d)}")
        if today().day > 1:
            d = parse_day(day(-1))
            self.assertTrue(self.says(r.body, d, "past"),
                            f"yesterday: {self.states_of(r.body, d)}")
        # Weeks start on Monday.
        heads = [" ".join(e.text_content().split()).lower()
                 for e in page(r.body).elements if e.tag == "th"]
        days = [h for h in heads
                if h[:2] in ("mo", "tu", "we", "th", "fr", "sa", "su")]
        if days:
            self.assertTrue(days[0].startswith("mo"), days[:7])

    def test_detail_page_shows_three_months(self):
        p = create_listing(self.host)
        insert_booking(p["id"], self.guest.id, 2, 4)
        r = Client().get(f"/properties/{p['id']}", accept="html")
        self.assertHtmlPage(r)
        text = page_text(r.body)
        for title in self.month_titles(3):
            self.assertIn(title, text)
        d = parse_day(day(2))
        self.assertTrue(self.says(r.body, d, "booked"),
                        self.states_of(r.body, d))

    def test_unknown(self):
        r = Client().get("/properties/999999999/calendar", accept="html")
        self.assertHtmlError(r, 404)


# ---------------------------------------------------------------- iCalendar

class TestFeed(CalendarCase):

    def test_structure(self):
        p = create_listing(self.host, name="Quiet flat")
        pid = p["id"]
        g = self.guest.id
        b1 = insert_booking(pid, g, 30, 34, status="confirmed")
        b2 = insert_booking(pid, g, 7, 9, status="pending")
        insert_booking(pid, g, 50, 52, status="cancelled")
        insert_booking(pid, g, 50, 52, status="declined")
        insert_booking(pid, g, -20, -18, status="completed")
        f, r = self.feed(pid)
        cal = f.calendar
        self.assertEqual(f.one(cal, "VERSION")[1], "2.0")
        prodid = f.one(cal, "PRODID")[1]
        self.assertTrue(prodid.startswith("-//innkeep//"), prodid)
        self.assertEqual(f.one(cal, "CALSCALE")[1], "GREGORIAN")
        self.assertEqual(f.one(cal, "METHOD")[1], "PUBLISH")
        self.assertEqual(unescape_text(f.one(cal, "X-WR-CALNAME")[1]),
                         "Quiet flat (innkeep)")
        self.assertEqual([c["name"] for c in cal["children"]],
                         ["VEVENT", "VEVENT"], "one VEVENT per stay")
        events = {f.one(e, "UID")[1]: e for e in f.events}
        self.assertEqual(set(events), {f"booking-{b1}@innkeep",
                                       f"booking-{b2}@innkeep"})
        for bid, start, end, status in ((b1, 30, 34, "CONFIRMED"),
                                        (b2, 7, 9, "TENTATIVE")):
            e = events[f"booking-{bid}@innkeep"]
            self.assertEqual(f.one(e, "DTSTART"),
                             ({"VALUE": "DATE"}, ics_date(day(start))))
            self.assertEqual(f.one(e, "DTEND"),
                             ({"VALUE": "DATE"}, ics_date(day(end))))
            self.assertEqual(f.one(e, "STATUS")[1], status)
            self.assertEqual(f.one(e, "SUMMARY")[1], "Booked")
            self.assertEqual(f.one(e, "TRANSP")[1], "OPAQUE")
            stamp = f.one(e, "DTSTAMP")[1]
            self.assertRegex(stamp, r"^\d{8}T\d{6}Z$")
            self.assertEqual(stamp, psql(
                "SELECT to_char(updated_at AT TIME ZONE 'UTC', "
                "'YYYYMMDD\"T\"HH24MISS\"Z\"') FROM bookings WHERE id = "
                f"{bid}"))
        # The same stays as the JSON calendar.
        self.assertEqual(
            sorted((f.one(e, "DTSTART")[1], f.one(e, "DTEND")[1])
                   for e in f.events),
            sorted((ics_date(b["start_date"]), ics_date(b["end_date"]))
                   for b in self.booked(pid)))

    def test_empty_feed(self):
        p = create_listing(self.host, name="Nobody yet")
        f, r = self.feed(p["id"])
        self.assertEqual(f.events, [])
        self.assertEqual(f.logical[:2], ["BEGIN:VCALENDAR", "VERSION:2.0"])

    def test_stable(self):
        p = create_listing(self.host)
        bid = insert_booking(p["id"], self.guest.id, 11, 13)
        a = self.fetch_ics(p["id"])
        b = self.fetch_ics(p["id"])
        self.assertEqual(a.body, b.body, "an unchanged feed is identical")
        self.assertIsNotNone(a.header("ETag"), a)
        self.assertEqual(a.header("ETag"), b.header("ETag"))
        r = request("GET", f"/properties/{p['id']}/calendar.ics",
                    headers={"If-None-Match": a.header("ETag")})
        self.assertEqual(r.status, 304, r)
        # A new stay: a new feed, the old event's UID unchanged.
        bid2 = insert_booking(p["id"], self.guest.id, 20, 22)
        c = self.fetch_ics(p["id"])
        self.assertNotEqual(c.header("ETag"), a.header("ETag"))
        uids = [Feed.split(x)[2] for x in Feed(self, c.body).logical
                if x.startswith("UID")]
        self.assertEqual(sorted(uids), sorted([f"booking-{bid}@innkeep",
                                               f"booking-{bid2}@innkeep"]))
        # Confirmed later: the same UID, STATUS and DTSTAMP move.
        psql("UPDATE bookings SET status = 'confirmed', updated_at = "
             f"updated_at + interval '1 minute' WHERE id = {bid2}")
        f = Feed(self, self.fetch_ics(p["id"]).body)
        e = [e for e in f.events
             if f.one(e, "UID")[1] == f"booking-{bid2}@innkeep"][0]
        self.assertEqual(f.one(e, "STATUS")[1], "CONFIRMED")

    def test_whatever_the_accept(self):
        p = create_listing(self.host)
        insert_booking(p["id"], self.guest.id, 3, 4)
        bodies = set()
        for headers in (ACCEPT_JSON, ACCEPT_HTML, {"Accept": "text/calendar"},
                        {}, {"Accept": "*/*"}):
            with self.subTest(accept=headers.get("Accept")):
                r = self.fetch_ics(p["id"], headers)
                bodies.add(r.body)
        self.assertEqual(len(bodies), 1, "the same feed for every Accept")
        r = request("GET", "/properties/999999999/calendar.ics")
        self.assertEqual(r.status, 404, r)
        r = request("GET", "/properties/999999999/calendar.ics",
                    headers=ACCEPT_JSON)
        self.assertEqual(r.status, 404, r)

    def test_nothing_private(self):
        guest = signup(display_name="Secret Person")
        p = create_listing(self.host, price_per_night="432.10")
        insert_booking(p["id"], guest.id, 8, 10, total="864.20")
        f, r = self.feed(p["id"])
        unfolded = "\r\n".join(f.logical)
        for secret in (guest.username, guest.email, "Secret Person",
                       "864.20", "432.10", self.host.email):
            self.assertNotIn(secret, unfolded)
            self.assertNotIn(secret.encode(), r.body)
        names = {Feed.split(x)[0] for x in f.logical}
        for prop in ("ATTENDEE", "ORGANIZER", "DESCRIPTION", "CONTACT"):
            self.assertNotIn(prop, names)

    def test_name_escaped(self):
        names = ["Semi; colon, comma \\ backslash",
                 "Ends with a backslash \\",
                 "Two\nlines",
                 ";;,,\\\\",
                 "Quote \" and colon: fine"]
        for name in names:
            with self.subTest(name=name):
                p = create_listing(self.host, name=name)
                f, r = self.feed(p["id"])
                raw = f.one(f.calendar, "X-WR-CALNAME")[1]
                self.assertEqual(unescaped_specials(raw), [], raw)
                self.assertEqual(unescape_text(raw), name + " (innkeep)")

    def test_long_utf8_name_folded(self):
        name = ("Casa à beira-mar — 東京の家 🏠🌊 " * 12)[:200]
        self.assertEqual(len(name), 200)
        p = create_listing(self.host, name=name)
        self.assertEqual(p["name"], name)
        insert_booking(p["id"], self.guest.id, 6, 8)
        f, r = self.feed(p["id"])
        self.assertTrue(f.folded, "a long name is folded")
        raw = f.one(f.calendar, "X-WR-CALNAME")[1]
        self.assertEqual(unescape_text(raw), name + " (innkeep)")
        # Every fold at 75 octets or less, at a character boundary
        # (checked by Feed), and not needlessly short: a physical line is
        # only cut when the next character would not fit.
        body = r.body.decode("utf-8")
        lines = body.split("\r\n")[:-1]
        for line, nxt in zip(lines, lines[1:]):
            if nxt[:1] == " ":
                first = nxt[1:2]
                self.assertGreater(
                    len(line.encode()) + len(first.encode()), 75,
                    f"folded early: {line!r} | {nxt!r}")
        # Every emoji survived unfolding, whole.
        self.assertEqual(unescape_text(raw).count("🏠"), name.count("🏠"))

    def test_names_of_every_length_fold(self):
        """Names whose CALNAME line ends near each fold boundary, with a
        4-byte character across it."""
        for n in range(55, 70):
            with self.subTest(n=n):
                name = "a" * (n - 1) + "😀" + "b" * 90
                p = create_listing(self.host, name=name[:200])
                f, _ = self.feed(p["id"])
                raw = f.one(f.calendar, "X-WR-CALNAME")[1]
                self.assertEqual(unescape_text(raw),
                                 name[:200] + " (innkeep)")


if __name__ == "__main__":
    unittest.main()
