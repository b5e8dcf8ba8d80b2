"""Search: GET /properties (docs/properties.md "Search"; api.md §5).

Every parameter alone and combined (full text, city, country, prices,
guests, availability against bookings), each sort order and its ties, the
relevance order of q, every 400, unlisted listings, and keyset pagination:
whole result sets walked page by page, also while other listings are
inserted or deleted, cursors of another sort and garbage cursors.  The
HTML search page: the form, result cards, the "Next page" link.

Isolation: the database is shared with every other test, so each test's
listings carry a unique city (fresh_city) or a unique word (word), and each
search filters on it.
"""

import decimal
import threading
import time
import unittest
import urllib.parse

from accounts_support import Client, signup
from properties_support import (
    PROPERTY_KEYS, PropertiesTestCase, SORTS, api_token, ordered, create_listing, day, form_to,
    fresh_city, insert_booking, insert_review, labelled, links, page,
    page_text, psql, search, search_all, word)
from support import leaked_internals

D = decimal.Decimal


def ids(items):
    return [x["id"] for x in items]


def page_ids(r):
    return ids(r.json()["items"])


class SearchCase(PropertiesTestCase):
    """One host and one guest per class (sign-ups are slow on purpose)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.host = signup()
        cls.guest = signup()

    def make(self, **kw):
        return create_listing(self.host, **kw)

    def found(self, params, limit=100):
        """ids of every listing of a search (all pages)."""
        items, _ = search_all(self, params, limit=limit)
        return ids(items)

    def assertFound(self, params, expected, ordered=False):
        got = self.found(params)
        self.assertEqual(len(got), len(set(got)), f"duplicates: {got}")
        if ordered:
            self.assertEqual(got, list(expected), params)
        else:
            self.assertEqual(sorted(got), sorted(expected), params)

    def assertBadParam(self, params, names):
        """400 bad_request whose message starts with one of names (JSON),
        and the same status and message above the form (HTML)."""
        if isinstance(names, str):
            names = (names,)
        r = search(params)
        err = self.assertJsonError(r, 400, "bad_request")
        self.assertTrue(any(err["message"].startswith(n) for n in names),
                        f"{err['message']!r} does not start with {names}")
        h = search(params, accept="html")
        self.assertHtmlPage(h, 400)
        self.assertIsNone(leaked_internals(h.body))
        text = page_text(h.body)
        self.assertIn(" ".join(err["message"].split()), text)
        form, _ = form_to(h.body, "/properties", method="get",
                          having="city")
        self.assertIsNotNone(form, "the search form is on the 400 page")
        return err


# ================================================================ filters

class TestFilters(SearchCase):

    def test_no_parameters(self):
        r = search()
        self.assertEqual(r.status, 200, r)
        doc = r.json()
        self.assertEqual(list(doc), ["items", "next_cursor"])
        self.assertLessEqual(len(doc["items"]), 20)
        for item in doc["items"]:
            self.assertProperty(item)
            self.assertIs(item["is_listed"], True)

    def test_items_are_properties(self):
        city = fresh_city()
        p = self.make(city=city)
        r = search({"city": city})
        body = dict(ordered(r))
        self.assertEqual(len(body["items"]), 1)
        self.assertEqual([k for k, _ in body["items"][0]], PROPERTY_KEYS)
        self.assertEqual(r.json()["items"][0], p)
        self.assertIsNone(r.json()["next_cursor"])

    def test_empty_values_are_none(self):
        empty = {k: "" for k in ("q", "city", "country", "min_price",
                                 "max_price", "guests", "check_in",
                                 "check_out", "sort", "limit", "cursor")}
        a = search()
        b = search(empty)
        self.assertEqual(b.status, 200, b)
        self.assertEqual(page_ids(a), page_ids(b))
        city = fresh_city()
        p = self.make(city=city)
        self.assertEqual(page_ids(search(dict(empty, city=city))), [p["id"]])

    def test_q(self):
        w1, w2, w3 = word(), word(), word()
        city = fresh_city()
        a = self.make(name=f"Alpha {w1}", description="plain", city=city)
        b = self.make(name="Beta", description=f"has {w1} and {w2} here",
                      city=city)
        c = self.make(name=f"Gamma {w2.upper()}", description="x",
                      city=city)
        d = self.make(name="Delta", description="nothing",
                      city="Qc" + w3)
        cases = [(w1, [a, b]), (w2, [b, c]), (w1.upper(), [a, b]),
                 (f"{w1} {w2}", [b]), (f"{w1} or {w2}", [a, b, c]),
                 (f"{w1} -{w2}", [a]), (f'"has {w1}"', [b]),
                 (f'"{w1} has"', []), (f"{w1} {w3}", []),
                 ("qc" + w3, [d]), ("QC" + w3.upper(), [d]),
                 (f"{w2} -{w1}", [c])]
        for q, expect in cases:
            with self.subTest(q=q):
                self.assertFound({"q": q}, ids(expect))
        # q is words, not an exact match of the city: the city filter is.
        self.assertFound({"q": "qc" + w3, "city": "qc" + w3}, [d["id"]])

    def test_q_odd_input(self):
        """websearch_to_tsquery never fails: odd input is a search, never
        a 400 or a 500."""
        for q in ['"', "-", "or", "&|!():*", "'", "\\", "a:*", "<->",
                  "-" * 32, "-" * 33, "-" * 200, "- " * 100,
                  "a " + "-" * 40, "!" * 200, "(" * 200, "or " * 66,
                  '"' * 200, "-a " * 66, "é" * 200, '"unclosed phrase',
                  "<script>alert(1)</script>", "%", "_", "\u00a0"]:
            with self.subTest(q=q[:20], length=len(q)):
                for accept in ("json", "html"):
                    r = search({"q": q}, accept=accept)
                    self.assertNotEqual(r.status, 500, r)
                    self.assertIn(r.status, (200, 400), r)
                    if r.status == 400 and accept == "json":
                        self.assertTrue(r.json()["error"]["message"]
                                        .startswith("q"), r)
                    self.assertNotIn(b"<script>", r.body)
        self.assertHealthy()

    def test_city_and_country_case_insensitive(self):
        city, other = fresh_city(), fresh_city()
        country = "Qn" + word(8)
        a = self.make(city=city, country=country)
        b = self.make(city=city, country="Elsewhere")
        c = self.make(city=other, country=country.upper())
        for value in (city, city.lower(), city.upper(), city.swapcase()):
            with self.subTest(city=value):
                self.assertFound({"city": value}, [a["id"], b["id"]])
        for value in (country, country.lower(), country.upper()):
            with self.subTest(country=value):
                self.assertFound({"country": value}, [a["id"], c["id"]])
        self.assertFound({"city": city, "country": country}, [a["id"]])
        # Exact: no prefix, no substring.
        self.assertFound({"city": city[:-1]}, [])
        self.assertFound({"city": city + "x"}, [])
        self.assertFound({"country": country[1:]}, [])

    def test_price_range(self):
        city = fresh_city()
        made = {price: self.make(city=city, price_per_night=price)["id"]
                for price in ("50.00", "100.00", "100.01", "150.00",
                              "200.00")}

        def between(lo, hi):
            return [i for p, i in made.items()
                    if (lo is None or D(p) >= D(lo))
                    and (hi is None or D(p) <= D(hi))]

        for lo, hi in [("100", None), (None, "150"), ("100", "150"),
                       ("100", "100"), ("100.01", "100.01"),
                       ("100.5", None), ("0", "49.99"), (None, "50"),
                       ("200", "9999999.99"), ("0.01", None),
                       ("99.99", "100.01")]:
            with self.subTest(min=lo, max=hi):
                self.assertFound({"city": city, "min_price": lo,
                                  "max_price": hi}, between(lo, hi))

    def test_guests(self):
        city = fresh_city()
        made = {g: self.make(city=city, max_guests=g)["id"]
                for g in (1, 2, 4, 8, 100)}
        for guests in (1, 2, 3, 4, 5, 8, 9, 100):
            with self.subTest(guests=guests):
                self.assertFound({"city": city, "guests": str(guests)},
                                 [i for g, i in made.items() if g >= guests])

    def test_availability(self):
        city = fresh_city()
        L = [self.make(city=city, name=f"L{i} {word(4)}")["id"]
             for i in range(7)]
        g = self.guest.id
        insert_booking(L[1], g, 10, 14, status="confirmed")
        insert_booking(L[2], g, 12, 13, status="pending")
        insert_booking(L[3], g, 12, 16, status="cancelled")
        insert_booking(L[4], g, 12, 16, status="declined")
        insert_booking(L[5], g, 16, 20, status="confirmed")
        insert_booking(L[6], g, 1, 2, status="confirmed")
        insert_booking(L[6], g, 30, 40, status="pending")
        everyone = set(L)
        cases = [
            ((12, 16), everyone - {L[1], L[2]}),
            ((14, 16), everyone),              # check-out day 14 is free
            ((8, 10), everyone),               # leaves as L1's guest comes
            ((8, 11), everyone - {L[1]}),
            ((9, 15), everyone - {L[1], L[2]}),
            ((11, 12), everyone - {L[1]}),
            ((13, 14), everyone - {L[1]}),
            ((12, 13), everyone - {L[1], L[2]}),
            ((15, 17), everyone - {L[5]}),
            ((19, 20), everyone - {L[5]}),
            ((20, 30), everyone),
            ((0, 1), everyone),
            ((0, 60), everyone - {L[1], L[2], L[5], L[6]}),
            ((2, 30), everyone - {L[1], L[2], L[5]}),
        ]
        for (a, b), expect in cases:
            with self.subTest(check_in=a, check_out=b):
                self.assertFound({"city": city, "check_in": day(a),
                                  "check_out": day(b)}, expect)
        # The booking of someone else's stay changes nothing else: no
        # dates, everything.
        self.assertFound({"city": city}, L)

    def test_longest_stay(self):
        city = fresh_city()
        p = self.make(city=city)
        self.assertFound({"city": city, "check_in": day(1),
                          "check_out": day(366)}, [p["id"]])
        self.assertFound({"city": city, "check_in": day(0),
                          "check_out": day(1)}, [p["id"]])
        insert_booking(p["id"], self.guest.id, 300, 301)
        self.assertFound({"city": city, "check_in": day(1),
                          "check_out": day(366)}, [])

    def test_combined(self):
        city = fresh_city()
        w = word()
        rows = []
        for i, (price, guests, text) in enumerate([
                ("80.00", 2, w), ("120.00", 4, w), ("95.50", 6, w),
                ("150.00", 6, "other"), ("99.00", 3, w),
                ("101.00", 8, w), ("60.00", 8, w)]):
            p = self.make(city=city, price_per_night=price,
                          max_guests=guests, description=f"words {text}")
            rows.append(p)
        insert_booking(rows[2]["id"], self.guest.id, 20, 25)
        insert_booking(rows[5]["id"], self.guest.id, 24, 26, "cancelled")
        params = {"q": w, "city": city.upper(), "country": "portugal",
                  "min_price": "90", "max_price": "150", "guests": "3",
                  "check_in": day(22), "check_out": day(24),
                  "sort": "price_asc"}

        def ok(p):
            return (w in p["description"] and D("90") <= D(
                p["price_per_night"]) <= D("150") and p["max_guests"] >= 3
                and p["id"] != rows[2]["id"])

        expect = sorted((p for p in rows if ok(p)),
                        key=lambda p: D(p["price_per_night"]))
        self.assertEqual([p["id"] for p in expect],
                         [rows[4]["id"], rows[5]["id"], rows[1]["id"]])
        self.assertFound(params, ids(expect), ordered=True)
        # Each filter dropped in turn widens the result.
        for k in params:
            if k in ("sort", "check_out"):
                continue
            with self.subTest(without=k):
                p = dict(params)
                del p[k]
                if k == "check_in":
                    del p["check_out"]
                self.assertTrue(set(ids(expect)) <= set(self.found(p)))

    def test_unlisted_never_appear(self):
        city = fresh_city()
        w = word()
        a = self.make(city=city, description=w, price_per_night="10.00")
        b = self.make(city=city, description=w, price_per_night="20.00")
        c = self.make(city=city, description=w, price_per_night="30.00")
        insert_review(a["id"], self.guest.id, 5)
        self.host.client.json("PATCH", f"/properties/{a['id']}",
                              {"is_listed": False}, csrf=True)
        insert_booking(b["id"], self.guest.id, 40, 41)
        self.host.client.send("DELETE", f"/properties/{b['id']}", csrf=True)
        self.assertIs(Client().get(f"/properties/{b['id']}").json()
                      ["is_listed"], False)
        variants = [{"city": city}, {"q": w}, {"q": w, "city": city}]
        for base in variants:
            for sort in SORTS + ["relevance"]:
                if sort == "relevance" and "q" not in base:
                    continue
                for extra in ({}, {"min_price": "1"}, {"guests": "1"},
                              {"check_in": day(50), "check_out": day(51)}):
                    params = dict(base, sort=sort, **extra)
                    with self.subTest(**params):
                        self.assertFound(params, [c["id"]])
        r = search({"city": city}, accept="html")
        self.assertNotIn(a["name"], page_text(r.body))
        self.assertNotIn(b["name"], page_text(r.body))
        self.assertIn(c["name"], page_text(r.body))


# ================================================================ sorting

class TestSort(SearchCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.city = fresh_city()
        cls.w = word()
        prices = ["100.00", "50.00", "100.00", "75.25", "200.00", "50.00",
                  "120.00", "100.00"]
        cls.rows = [create_listing(cls.host, city=cls.city,
                                   price_per_night=p,
                                   description=f"about {cls.w}")
                    for p in prices]
        # Ratings: 5.00, 5.00 (a tie), 4.50, 2.00; the others unrated.
        g = [cls.guest, signup()]
        r = cls.rows
        insert_review(r[3]["id"], g[0].id, 5)
        insert_review(r[6]["id"], g[0].id, 5)
        insert_review(r[1]["id"], g[0].id, 5)
        insert_review(r[1]["id"], g[1].id, 4)
        insert_review(r[0]["id"], g[1].id, 2)
        # Newest: three listings made at the same instant.
        same = ", ".join(str(x["id"]) for x in r[2:5])
        psql("UPDATE properties SET created_at = '2030-01-01T00:00:00Z' "
             f"WHERE id IN ({same})")
        cls.db = {}
        for line in psql(
                "SELECT id, to_char(created_at AT TIME ZONE 'UTC', "
                "'YYYYMMDDHH24MISSUS'), price_per_night, "
                "coalesce(rating_avg::text, '') FROM properties WHERE id IN "
                f"({', '.join(str(x['id']) for x in r)})").splitlines():
            pid, created, price, rating = line.split("|")
            cls.db[int(pid)] = (created, D(price),
                                D(rating) if rating else None)

    def assertOrder(self, got, key, descending):
        """got (ids) ordered by key(id) (None last when descending), ties
        ordered by id, in one direction for the whole sort."""
        self.assertEqual(sorted(got), sorted(self.db), "the same rows")
        directions = set()
        for a, b in zip(got, got[1:]):
            ka, kb = key(a), key(b)
            if ka == kb:
                self.assertNotEqual(a, b)
                directions.add(a < b)
                continue
            if descending:
                if ka is None:
                    self.fail(f"{a} (unrated) before {b} in {got}")
                self.assertTrue(kb is None or ka > kb,
                                f"{a} before {b}: {ka} !> {kb} in {got}")
            else:
                self.assertLess(ka, kb, f"{a} before {b} in {got}")
        self.assertLessEqual(len(directions), 1,
                             f"ties broken both ways by id: {got}")
        return directions

    def sorted_ids(self, sort, **extra):
        params = dict({"city": self.city}, **extra)
        if sort is not None:
            params["sort"] = sort
        full = self.found(params)
        walked = self.found(params, limit=3)
        self.assertEqual(walked, full, "pages of 3 = one page of 100")
        return full

    def test_newest_is_the_default(self):
        self.assertEqual(self.sorted_ids(None), self.sorted_ids("newest"))
        got = self.sorted_ids("newest")
        self.assertOrder(got, lambda i: self.db[i][0], True)
        # The three listings of 2030 come first, ties by id.
        self.assertEqual(set(got[:3]), {x["id"] for x in self.rows[2:5]})
        self.assertEqual(got[3:], [x["id"] for x in
                                   reversed(self.rows[:2] + self.rows[5:])])

    def test_price_asc(self):
        got = self.sorted_ids("price_asc")
        self.assertOrder(got, lambda i: self.db[i][1], False)

    def test_price_desc(self):
        got = self.sorted_ids("price_desc")
        self.assertOrder(got, lambda i: self.db[i][1], True)
        self.assertEqual(got[0], self.rows[4]["id"])

    def test_rating(self):
        got = self.sorted_ids("rating")
        self.assertOrder(got, lambda i: self.db[i][2], True)
        self.assertEqual(set(got[:2]), {self.rows[3]["id"],
                                        self.rows[6]["id"]})
        self.assertEqual(got[2:4], [self.rows[1]["id"], self.rows[0]["id"]])
        docs = {x["id"]: x for x in search_all(
            self, {"city": self.city, "sort": "rating"}, limit=100)[0]}
        self.assertEqual(docs[self.rows[1]["id"]]["rating"],
                         {"average": "4.50", "count": 2})
        self.assertEqual(docs[self.rows[5]["id"]]["rating"],
                         {"average": None, "count": 0})

    def test_sorts_with_filters(self):
        for sort in SORTS:
            with self.subTest(sort=sort):
                base = self.sorted_ids(sort)
                got = self.sorted_ids(sort, min_price="60", guests="2",
                                      q=self.w)
                self.assertEqual(got, [i for i in base
                                       if self.db[i][1] >= D("60")])

    def test_relevance(self):
        w = self.w
        city = fresh_city()
        weak = self.make(city=city, name="Plain",
                         description=f"one {w} among many other words "
                                     "here and there")
        strong = self.make(city=city, name=f"{w} {w} {w}",
                           description=f"{w} {w} {w}")
        middle = self.make(city=city, name=f"The {w}",
                           description=f"{w} again")
        params = {"q": w, "city": city}
        expect = [strong["id"], middle["id"], weak["id"]]
        self.assertEqual(self.found(params), expect, "relevance by default")
        self.assertEqual(self.found(dict(params, sort="relevance")), expect)
        self.assertEqual(self.found(dict(params, sort="relevance"),
                                    limit=1), expect)
        # An explicit sort wins.
        self.assertEqual(self.found(dict(params, sort="newest")),
                         [middle["id"], strong["id"], weak["id"]])
        self.assertIn(self.found(dict(params, sort="price_asc")),
                      [sorted(expect), sorted(expect, reverse=True)],
                      "the same price: by id")

    def test_relevance_needs_q(self):
        self.assertBadParam({"sort": "relevance"}, "sort")
        self.assertBadParam({"sort": "relevance", "city": self.city}, "sort")


# ================================================================ pages

class TestPagination(SearchCase):

    def test_walk_every_sort(self):
        city = fresh_city()
        w = word()
        prices = ["10.00", "20.00", "20.00", "30.00", "20.00", "5.00",
                  "40.00", "30.00", "10.00", "25.00", "20.00"]
        made = [self.make(city=city, price_per_night=p, max_guests=1 + i,
                          description=f"{w} " * (1 + i % 3))["id"]
                for i, p in enumerate(prices)]
        insert_review(made[4], self.guest.id, 3)
        insert_review(made[7], self.guest.id, 3)
        insert_booking(made[2], self.guest.id, 5, 8)
        combos = [{"city": city}, {"q": w}, {"city": city, "guests": "4"},
                  {"city": city, "check_in": day(6), "check_out": day(7)},
                  {"q": w, "min_price": "20", "max_price": "30"}]
        for base in combos:
            for sort in SORTS + (["relevance"] if "q" in base else []):
                params = dict(base, sort=sort)
                with self.subTest(**params):
                    full = self.found(params, limit=100)
                    self.assertTrue(full)
                    for limit in (1, 3, 4):
                        items, pages = search_all(self, params, limit=limit)
                        walked = ids(items)
                        self.assertEqual(len(walked), len(set(walked)),
                                         f"duplicates: {walked}")
                        self.assertEqual(walked, full)
                        self.assertGreaterEqual(
                            pages, -(-len(full) // limit))
        self.assertEqual(sorted(self.found({"city": city})), sorted(made))

    def test_default_limit_and_next_cursor(self):
        city = fresh_city()
        psql("INSERT INTO properties (owner_id, name, address, city, country,"
             " price_per_night, max_guests) SELECT "
             f"{self.host.id}, 'Bulk ' || g, 'Street ' || g, "
             f"'{city}', 'Portugal', 10 + g, 2 "
             "FROM generate_series(1, 25) g")
        r = search({"city": city})
        doc = r.json()
        self.assertEqual(len(doc["items"]), 20, "20 by default")
        self.assertIsInstance(doc["next_cursor"], str)
        r = search({"city": city, "cursor": doc["next_cursor"]})
        doc2 = r.json()
        self.assertEqual(len(doc2["items"]), 5)
        self.assertIsNone(doc2["next_cursor"])
        self.assertFalse(set(page_ids(r)) & set(ids(doc["items"])))
        doc = search({"city": city, "limit": "100"}).json()
        self.assertEqual(len(doc["items"]), 25)
        self.assertIsNone(doc["next_cursor"])
        doc = search({"city": city, "limit": "25"}).json()
        self.assertEqual(len(doc["items"]), 25)
        items, pages = search_all(self, {"city": city}, limit=1)
        self.assertEqual(len(set(ids(items))), 25)
        self.assertIn(pages, (25, 26))

    def test_concurrent_inserts(self):
        city = fresh_city()
        start = [self.make(city=city, price_per_night=f"{10 + 7 * i % 50}.00",
                           max_guests=2)["id"] for i in range(14)]
        api = Client(bearer=api_token(self.host))
        inserted = []
        stop = threading.Event()
        errors = []

        def writer():
            i = 0
            try:
                while not stop.is_set() and i < 40:
                    r = api.json("POST", "/properties", {
                        "name": f"Late {i}", "address": "x", "city": city,
                        "country": "Portugal",
                        "price_per_night": f"{5 + (i * 13) % 60}.50",
                        "max_guests": 2})
                    if r.status != 201:
                        errors.append(r)
                        return
                    inserted.append(r.json()["id"])
                    i += 1
                    time.sleep(0.01)
            except Exception as e:          # noqa: BLE001 - reported below
                errors.append(e)

        for sort in ("newest", "price_asc", "price_desc"):
            with self.subTest(sort=sort):
                t = threading.Thread(target=writer, daemon=True)
                stop.clear()
                t.start()
                try:
                    seen, cursor, pages = [], None, 0
                    while True:
                        params = {"city": city, "sort": sort, "limit": "3"}
                        if cursor:
                            params["cursor"] = cursor
                        r = search(params)
                        self.assertEqual(r.status, 200, r)
                        seen += page_ids(r)
                        cursor = r.json()["next_cursor"]
                        pages += 1
                        self.assertLess(pages, 100)
                        if cursor is None:
                            break
                        time.sleep(0.03)
                finally:
                    stop.set()
                    t.join(timeout=30)
                self.assertEqual(errors, [])
                self.assertEqual(len(seen), len(set(seen)),
                                 f"duplicates in {seen}")
                for pid in start:
                    self.assertEqual(seen.count(pid), 1,
                                     f"{pid} missing from {seen}")
                self.assertTrue(set(seen) <= set(start) | set(inserted))
                start = start + list(inserted)   # all exist for the next
                inserted.clear()

    def test_concurrent_deletes(self):
        city = fresh_city()
        made = [self.make(city=city, price_per_night=f"{20 + i}.00")["id"]
                for i in range(15)]
        for sort in ("newest", "price_asc"):
            with self.subTest(sort=sort):
                seen, cursor = [], None
                gone = []
                while True:
                    params = {"city": city, "sort": sort, "limit": "3"}
                    if cursor:
                        params["cursor"] = cursor
                    r = search(params)
                    self.assertEqual(r.status, 200, r)
                    got = page_ids(r)
                    seen += got
                    cursor = r.json()["next_cursor"]
                    if cursor is None:
                        break
                    if not got:
                        continue
                    # Delete the last row seen (the cursor's own row) and
                    # one not seen yet.
                    rest = [i for i in made if i not in seen
                            and i not in gone]
                    for pid in (got[-1], rest[-1] if rest else None):
                        if pid is None:
                            continue
                        r = self.host.client.send(
                            "DELETE", f"/properties/{pid}", csrf=True)
                        self.assertEqual(r.status, 204, r)
                        gone.append(pid)
                self.assertEqual(len(seen), len(set(seen)), seen)
                for pid in made:
                    if pid not in gone:
                        self.assertEqual(seen.count(pid), 1,
                                         f"{pid} missing: {seen}")
                made = [i for i in made if i not in gone]

    def test_cursor_of_another_sort(self):
        city = fresh_city()
        w = word()
        for i in range(4):
            self.make(city=city, description=w,
                      price_per_night=f"{10 + i}.00")
        cursors = {}
        for sort in SORTS + ["relevance"]:
            r = search({"q": w, "city": city, "sort": sort, "limit": "1"})
            self.assertEqual(r.status, 200, r)
            cursors[sort] = r.json()["next_cursor"]
            self.assertIsNotNone(cursors[sort])
        for made_for, cursor in cursors.items():
            for sort in SORTS + ["relevance"]:
                params = {"q": w, "city": city, "sort": sort, "limit": "1",
                          "cursor": cursor}
                with self.subTest(cursor_of=made_for, used_with=sort):
                    if sort == made_for:
                        self.assertEqual(search(params).status, 200)
                    else:
                        self.assertBadParam(params, "cursor")
        # The default sort is newest without q and relevance with it.
        self.assertEqual(search({"city": city, "limit": "1",
                                 "cursor": cursors["newest"]}).status, 200)
        self.assertEqual(search({"q": w, "city": city, "limit": "1",
                                 "cursor": cursors["relevance"]}).status,
                         200)
        self.assertBadParam({"city": city, "limit": "1",
                             "cursor": cursors["price_asc"]}, "cursor")
        self.assertBadParam({"q": w, "limit": "1",
                             "cursor": cursors["newest"]}, "cursor")

    def test_garbage_cursors(self):
        city = fresh_city()
        for i in range(3):
            self.make(city=city)
        real = search({"city": city, "limit": "1"}).json()["next_cursor"]
        self.assertTrue(real)
        flipped = real[:len(real) // 2] + (
            "A" if real[len(real) // 2] != "A" else "B") + \
            real[len(real) // 2 + 1:]
        garbage = ["x", "0", "-1", "null", "undefined", "%00",
                   "eyJ9", "e30", "e30=", "{}", "[]", "=" * 10,
                   "A" * 5000, "é" * 50, "../../etc/passwd",
                   "' OR 1=1 --", "$1", real + "x", real[:-1],
                   real[1:], real + "=", real[::-1],
                   " " + real, real + "%00"]
        # A cursor is opaque, not signed: one altered into another
        # well-formed position is a harmless jump (200) or refused (400),
        # never a 500.
        for near in (flipped, real.upper()):
            with self.subTest(cursor=near[:30]):
                r = search({"city": city, "limit": "1", "cursor": near})
                self.assertIn(r.status, (200, 400), r)
        for bad in garbage:
            if bad == real:
                continue
            with self.subTest(cursor=bad[:30]):
                r = search({"city": city, "limit": "1", "cursor": bad})
                self.assertNotEqual(r.status, 500, r)
                self.assertJsonError(r, 400, "bad_request")
                self.assertTrue(r.json()["error"]["message"]
                                .startswith("cursor"), r)
        self.assertHealthy()


# ================================================================ 400s

class TestBadParameters(SearchCase):

    CASES = [
        ({"q": "q" * 201}, "q"),
        ({"q": "é" * 201}, "q"),
        ({"city": "c" * 101}, "city"),
        ({"city": "ü" * 101}, "city"),
        ({"country": "k" * 101}, "country"),
        ({"min_price": "abc"}, "min_price"),
        ({"min_price": "1e3"}, "min_price"),
        ({"min_price": "-1"}, "min_price"),
        ({"min_price": "1.234"}, "min_price"),
        ({"min_price": "12,50"}, "min_price"),
        ({"min_price": " 12"}, "min_price"),
        ({"max_price": "abc"}, "max_price"),
        ({"max_price": "NaN"}, "max_price"),
        ({"max_price": "1.5.0"}, "max_price"),
        ({"min_price": "200", "max_price": "100"}, "max_price"),
        ({"min_price": "100.01", "max_price": "100"}, "max_price"),
        ({"guests": "0"}, "guests"),
        ({"guests": "101"}, "guests"),
        ({"guests": "abc"}, "guests"),
        ({"guests": "1.5"}, "guests"),
        ({"guests": "-2"}, "guests"),
        ({"guests": "99999999999999999999"}, "guests"),
        ({"sort": "bogus"}, "sort"),
        ({"sort": "price"}, "sort"),
        ({"sort": "relevance"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": "99999999999999999999"}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
    ]

    def test_each_parameter(self):
        for params, name in self.CASES:
            with self.subTest(params={k: v[:12] for k, v in params.items()}):
                self.assertBadParam(params, name)

    def test_dates(self):
        cases = [
            ({"check_in": day(3)}, ("check_in", "check_out")),
            ({"check_out": day(3)}, ("check_in", "check_out")),
            ({"check_in": "tomorrow", "check_out": day(3)}, "check_in"),
            ({"check_in": "2031-02-30", "check_out": "2031-03-02"},
             "check_in"),
            ({"check_in": "2031-1-01", "check_out": "2031-01-05"},
             "check_in"),
            ({"check_in": "2031-01-01T00:00", "check_out": "2031-01-05"},
             "check_in"),
            ({"check_in": day(3), "check_out": "2031/01/05"}, "check_out"),
            ({"check_in": day(3), "check_out": "2031-13-01"}, "check_out"),
            ({"check_in": day(-1), "check_out": day(2)}, "check_in"),
            ({"check_in": "2000-01-01", "check_out": "2000-01-03"},
             "check_in"),
            ({"check_in": day(5), "check_out": day(5)}, "check_out"),
            ({"check_in": day(5), "check_out": day(4)}, "check_out"),
            ({"check_in": day(1), "check_out": day(367)},
             ("check_in", "check_out")),
            ({"check_in": day(1), "check_out": "9999-12-31"},
             ("check_in", "check_out")),
        ]
        for params, names in cases:
            with self.subTest(**params):
                self.assertBadParam(params, names)

    def test_bounds_accepted(self):
        for params in [{"q": "q" * 200}, {"q": "é" * 200},
                       {"city": "c" * 100}, {"country": "ü" * 100},
                       {"guests": "1"}, {"guests": "100"},
                       {"limit": "1"}, {"limit": "100"},
                       {"min_price": "0"}, {"min_price": "0.5"},
                       {"max_price": "9999999.99"},
                       {"min_price": "100", "max_price": "100"},
                       {"check_in": day(0), "check_out": day(1)},
                       {"check_in": day(1), "check_out": day(366)}]:
            with self.subTest(params={k: v[:12] for k, v in params.items()}):
                r = search(params)
                self.assertEqual(r.status, 200, r)

    def test_hostile_input_never_500(self):
        for raw in ["q=%zz", "min_price=%00", "city=%ff%fe",
                    "guests=%2B1", "limit=1&limit=2", "sort[]=x",
                    "q=" + "a%20" * 300, "check_in=%00&check_out=%00"]:
            with self.subTest(raw=raw[:30]):
                r = Client().get("/properties?" + raw)
                self.assertIn(r.status, (200, 400), r)
                if r.status == 400:
                    self.assertJsonError(r, 400, "bad_request")
        self.assertHealthy()


# ================================================================ HTML

class TestSearchPage(SearchCase):

    FIELDS = ["q", "city", "country", "check_in", "check_out", "guests",
              "min_price", "max_price", "sort"]

    def test_form(self):
        r = search({}, accept="html")
        self.assertHtmlPage(r)
        form, values = form_to(r.body, "/properties", method="get",
                            having="city")
        self.assertIsNotNone(form, "no GET form to /properties")
        for f in self.FIELDS:
            self.assertIn(f, values, f"no search field {f}")
            self.assertTrue(labelled(r.body, f), f"{f} has no label")

    def test_values_kept(self):
        city = fresh_city()
        params = {"q": "loft", "city": city, "country": "Portugal",
                  "check_in": day(3), "check_out": day(5), "guests": "2",
                  "min_price": "10", "max_price": "500",
                  "sort": "price_desc"}
        r = search(params, accept="html")
        self.assertHtmlPage(r)
        _, values = form_to(r.body, "/properties", method="get",
                            having="city")
        for k, v in params.items():
            self.assertEqual(values.get(k), v, k)

    def test_results_and_next_link(self):
        city = fresh_city()
        made = [self.make(city=city, country="Narnia",
                          name=f"Card {i} {word(4)}",
                          price_per_night=f"{100 + i}.00", max_guests=3)
                for i in range(5)]
        insert_review(made[4]["id"], self.guest.id, 4)
        params = {"city": city, "limit": "2", "sort": "price_desc"}
        r = search(params, accept="html")
        self.assertHtmlPage(r)
        text = page_text(r.body)
        shown = []
        seen_pages = 0
        while True:
            seen_pages += 1
            self.assertLess(seen_pages, 10)
            hrefs = [urllib.parse.urlsplit(h) for h in links(r.body)]
            here = sorted((text.index(p["name"]), p) for p in made
                          if p["name"] in text)
            self.assertTrue(here, "no result card on the page")
            for _, p in here:
                shown.append(p["id"])
                self.assertIn(f"/properties/{p['id']}",
                              [u.path for u in hrefs])
                self.assertIn(p["price_per_night"], text)
            nxt = [h for h in hrefs if "cursor" in
                   urllib.parse.parse_qs(h.query)]
            if not nxt:
                break
            self.assertEqual(len({h.geturl() for h in nxt}), 1, nxt)
            q = urllib.parse.parse_qs(nxt[0].query)
            self.assertEqual(q.get("city"), [city], "the link keeps city")
            self.assertEqual(q.get("sort"), ["price_desc"])
            self.assertEqual(nxt[0].path in ("", "/properties"), True)
            anchor = [e for e in page(r.body).find_all("a")
                      if "cursor=" in (e.attr("href") or "")]
            self.assertIn("next", anchor[0].text_content().lower())
            r = Client().get("/properties?" + nxt[0].query, accept="html")
            self.assertHtmlPage(r)
            text = page_text(r.body)
        self.assertEqual(shown, [p["id"] for p in reversed(made)])
        self.assertEqual(seen_pages, 3)
        # A card says the city, the country, the rating, the guests.
        r = search({"city": city, "limit": "5"}, accept="html")
        text = page_text(r.body)
        self.assertIn(city, text)
        self.assertIn("Narnia", text)
        self.assertIn("4.00", text)
        self.assertIn("3", text)

    def test_links_carry_the_dates(self):
        city = fresh_city()
        p = self.make(city=city)
        r = search({"city": city, "check_in": day(4), "check_out": day(6),
                    "guests": "2"}, accept="html")
        self.assertHtmlPage(r)
        to = [urllib.parse.urlsplit(h) for h in links(r.body)
              if urllib.parse.urlsplit(h).path == f"/properties/{p['id']}"]
        self.assertTrue(to, "no link to the listing")
        q = urllib.parse.parse_qs(to[0].query)
        self.assertEqual(q.get("check_in"), [day(4)])
        self.assertEqual(q.get("check_out"), [day(6)])
        self.assertEqual(q.get("guests"), ["2"])

    def test_no_results(self):
        r = search({"city": fresh_city()}, accept="html")
        self.assertHtmlPage(r)
        self.assertFalse([h for h in links(r.body) if "cursor=" in h])


if __name__ == "__main__":
    unittest.main()
