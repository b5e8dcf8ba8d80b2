"""The search SQL at scale (docs/properties.md "Search": bounded work; the
issue: "check it with EXPLAIN in a test at 100k listings that fails on a
sequential scan of properties or bookings").

A database of its own (migrated with `innkeep migrate`) gets 100 000
listings in one INSERT ... SELECT generate_series, some 60 000 bookings and
rating aggregates, then ANALYZE.  A second `innkeep serve` (test routes on)
runs against it; GET /_test/search-sql?<params> answers the statement, its
parameters and EXPLAIN (FORMAT JSON) of it, for many combinations of the
search parameters (none, q, city, country, prices, guests, dates, every
sort, a cursor from a previous page).  No plan node may be a Seq Scan of
properties or bookings.  The shared database is left alone.
"""

import json
import secrets
import unittest
import urllib.parse

from properties_support import day
from support import (ACCEPT_JSON, InnkeepProcess, StackTestCase,
                     database_url_for, env, fcgi_request, psql,
                     run_innkeep)

LISTINGS = 100_000
WATCHED = {"properties", "bookings"}

LOAD = [
    # 1000 hosts (and guests of each other's places).
    "INSERT INTO users (username, email, password_hash, display_name) "
    "SELECT 'host' || g, 'host' || g || '@example.org', "
    "'$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', "
    "'Host ' || g FROM generate_series(1, 1000) g",
    # 100 000 listings: one city of 20 000 (every 5th), 400 cities of 200,
    # 25 countries, prices 10.00-1009.99, 1-16 guests, 2% unlisted, made
    # one minute apart.
    "INSERT INTO properties (owner_id, name, description, address, city, "
    "country, price_per_night, currency, max_guests, cancellation_policy, "
    "is_listed, created_at) "
    "SELECT 1 + g % 1000, "
    "'Listing ' || g || ' ' || (ARRAY['loft','villa','cabin','studio',"
    "'flat'])[1 + g % 5], "
    "'Near the ' || (ARRAY['river','sea','park','station','market',"
    "'castle','lake'])[1 + g % 7] || ' word' || (g % 997) || "
    "' with light and a view', "
    "'Street ' || g, "
    "CASE WHEN g % 5 = 0 THEN 'Bigcity' ELSE 'City' || (g % 400) END, "
    "'Country' || (g % 25), "
    "10 + ((g::bigint * 7919) % 100000) / 100.0, 'USD', 1 + g % 16, "
    "(ARRAY['flexible','moderate','strict'])[1 + g % 3], "
    "g % 50 <> 0, now() - make_interval(mins => g) "
    f"FROM generate_series(1, {LISTINGS}) g",
    # Bookings: 40 000 in the next 300 days, then 20 000 after them (no
    # two active ones of a listing overlap); every status.
    "INSERT INTO bookings (property_id, guest_id, start_date, end_date, "
    "guests, total_price, status, cancelled_at) "
    "SELECT g, 1 + (g + 1) % 1000, current_date + g % 300, "
    "current_date + g % 300 + 1 + g % 7, 1, 100, "
    "(ARRAY['confirmed','confirmed','confirmed','confirmed','confirmed',"
    "'confirmed','pending','pending','cancelled','declined'])[1 + g % 10], "
    "CASE WHEN g % 10 = 8 THEN now() END "
    "FROM generate_series(1, 40000) g",
    "INSERT INTO bookings (property_id, guest_id, start_date, end_date, "
    "guests, total_price, status) "
    "SELECT g * 5, 1 + (g * 5 + 1) % 1000, current_date + 310 + g % 40, "
    "current_date + 312 + g % 40, 1, 100, 'confirmed' "
    "FROM generate_series(1, 20000) g",
    # Ratings on a third of the listings (the aggregates, as the reviews
    # trigger would keep them).
    "BEGIN; SET LOCAL innkeep.rating_repair = 'on'; "
    "UPDATE properties SET rating_count = 1 + id % 5, "
    "rating_sum = (1 + id % 5) * (1 + id % 5) WHERE id % 3 = 0; COMMIT",
    "VACUUM ANALYZE users",
    "VACUUM ANALYZE properties",
    "VACUUM ANALYZE bookings",
]


def combinations():
    """(label, params) of the searches whose plans are checked."""
    dates = {"check_in": day(30), "check_out": day(33)}
    long_stay = {"check_in": day(1), "check_out": day(200)}
    out = [
        ("none", {}),
        ("q word", {"q": "villa"}),
        ("q rare word", {"q": "word17"}),
        ("q phrase", {"q": '"near the sea"'}),
        ("q not", {"q": "villa -river"}),
        ("q or", {"q": "word5 or word6"}),
        ("q city word", {"q": "city7"}),
        ("city", {"city": "City7"}),
        ("city lower case", {"city": "city7"}),
        ("big city", {"city": "Bigcity"}),
        ("unknown city", {"city": "Nowhere"}),
        ("country", {"country": "Country3"}),
        ("min price", {"min_price": "500"}),
        ("max price", {"max_price": "20"}),
        ("price range", {"min_price": "100", "max_price": "150"}),
        ("guests", {"guests": "4"}),
        ("many guests", {"guests": "16"}),
        ("dates", dates),
        ("long stay", long_stay),
        ("city + dates", dict(dates, city="City7")),
        ("big city + dates + guests", dict(dates, city="Bigcity",
                                          guests="15")),
        ("country + price + guests", {"country": "Country3",
                                      "min_price": "100",
                                      "max_price": "300", "guests": "2"}),
        ("q + city + dates", dict(dates, q="loft", city="City8")),
        ("everything", dict(dates, q="loft", city="Bigcity",
                            country="Country0", min_price="50",
                            max_price="900", guests="3")),
    ]
    sorted_ = []
    for sort in ("newest", "price_asc", "price_desc", "rating"):
        for label, base in [("", {}), ("city", {"city": "City9"}),
                            ("big city", {"city": "Bigcity"}),
                            ("q", {"q": "cabin"}),
                            ("price range", {"min_price": "200",
                                             "max_price": "400"}),
                            ("dates + guests", dict(dates, guests="6")),
                            ("country + dates", dict(long_stay,
                                                     country="Country4"))]:
            sorted_.append((f"sort={sort} {label}".strip(),
                            dict(base, sort=sort)))
    for label, base in [("", {"q": "villa"}),
                        ("city", {"q": "lake", "city": "City11"}),
                        ("dates", dict(dates, q="studio"))]:
        sorted_.append((f"sort=relevance {label}".strip(),
                        dict(base, sort="relevance")))
    return out + sorted_


def plan_nodes(plan):
    """Every plan node (a dict with "Node Type") anywhere in plan."""
    if isinstance(plan, dict):
        if "Node Type" in plan:
            yield plan
        for v in plan.values():
            yield from plan_nodes(v)
    elif isinstance(plan, list):
        for v in plan:
            yield from plan_nodes(v)


class TestSearchPlan(StackTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = "t_plan_" + secrets.token_hex(6)
        psql(f'CREATE DATABASE "{cls.db}"', db="postgres")
        cls.addClassCleanup(psql, f'DROP DATABASE IF EXISTS "{cls.db}" '
                            "WITH (FORCE)", db="postgres", check=False)
        url = database_url_for(cls.db)
        r = run_innkeep(["-c", "/dev/null", "migrate"], timeout=300,
                        INNKEEP_DATABASE_URL=url,
                        INNKEEP_SQL_DIR=env("INNKEEP_TEST_SQL_DIR"))
        if r.returncode != 0:
            raise AssertionError(f"migrate failed: {r.stderr}")
        for sql in LOAD:
            psql(sql, db=cls.db, timeout=900)
        n = int(psql("SELECT count(*) FROM properties", db=cls.db))
        if n != LISTINGS:
            raise AssertionError(f"{n} listings loaded")
        cls.srv = InnkeepProcess(nthreads=2, database=url)
        cls.addClassCleanup(cls.srv.stop)
        cls.srv.wait_ready(timeout=30)

    def get(self, path, params):
        qs = urllib.parse.urlencode(params)
        r = fcgi_request(self.srv.sock, "GET", path, query=qs,
                         headers=dict(ACCEPT_JSON), timeout=120)
        return r

    def explain(self, params):
        r = self.get("/_test/search-sql", params)
        self.assertEqual(r.status, 200, r)
        doc = r.json()
        for k in ("sql", "params", "plan"):
            self.assertIn(k, doc, r)
        self.assertIsInstance(doc["sql"], str)
        self.assertIsInstance(doc["params"], list)
        plan = doc["plan"]
        if isinstance(plan, str):
            plan = json.loads(plan)
        nodes = list(plan_nodes(plan))
        self.assertTrue(nodes, f"no plan nodes in {doc['plan']!r:.300}")
        return doc, nodes

    def assertNoSeqScan(self, label, params):
        doc, nodes = self.explain(params)
        bad = [(n.get("Node Type"), n.get("Relation Name"), n.get("Alias"))
               for n in nodes
               if "Seq Scan" in (n.get("Node Type") or "")
               and n.get("Relation Name") in WATCHED]
        if bad:
            self.fail(f"{label} {params}: sequential scan of "
                      f"{sorted({b[1] for b in bad})}: {bad}\n"
                      f"SQL: {doc['sql']}\nparams: {doc['params']}")
        # The same search answers (and is not an error at this size).
        r = self.get("/properties", params)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_every_combination(self):
        for label, params in combinations():
            with self.subTest(label):
                self.assertNoSeqScan(label, params)

    def test_with_a_cursor(self):
        for label, params in combinations():
            with self.subTest(label):
                first = self.get("/properties", dict(params, limit="5"))
                self.assertEqual(first.status, 200, first)
                cursor = first.json()["next_cursor"]
                if cursor is None:
                    continue                    # a single page
                doc = self.assertNoSeqScan(
                    label + " + cursor", dict(params, limit="5",
                                              cursor=cursor))
                ids1 = {x["id"] for x in first.json()["items"]}
                self.assertFalse(ids1 & {x["id"] for x in doc["items"]})

    def test_limits(self):
        for limit in ("1", "20", "100"):
            with self.subTest(limit=limit):
                self.assertNoSeqScan(f"limit={limit}", {"limit": limit})
                self.assertNoSeqScan(f"big city limit={limit}",
                                     {"city": "Bigcity", "limit": limit,
                                      "sort": "price_desc"})

    def test_results_are_right_at_scale(self):
        """A few answers checked against the data (the plan tests would
        pass for a query that finds nothing)."""
        doc = self.get("/properties", {"city": "City7", "limit": "100",
                                       "sort": "price_asc"}).json()
        got = [x["id"] for x in doc["items"]]
        want = [int(x) for x in psql(
            "SELECT id FROM properties WHERE is_listed AND lower(city) = "
            "'city7' ORDER BY price_per_night, id LIMIT 100",
            db=self.db).split()]
        self.assertEqual(sorted(got), sorted(want))
        self.assertEqual(len(got), len(want))
        # Newest first from the whole set.
        doc = self.get("/properties", {"limit": "10"}).json()
        want = [int(x) for x in psql(
            "SELECT id FROM properties WHERE is_listed "
            "ORDER BY created_at DESC, id DESC LIMIT 10",
            db=self.db).split()]
        self.assertEqual([x["id"] for x in doc["items"]], want)
        # Availability: the listings of City7 booked on the nights asked
        # never come back, walking every page.
        params = {"city": "City7", "check_in": day(30),
                  "check_out": day(33), "limit": "50"}
        seen, pages = [], 0
        while True:
            r = self.get("/properties", params)
            self.assertEqual(r.status, 200, r)
            d = r.json()
            seen += [x["id"] for x in d["items"]]
            pages += 1
            self.assertLess(pages, 50)
            if d["next_cursor"] is None:
                break
            params["cursor"] = d["next_cursor"]
        busy = {int(x) for x in psql(
            "SELECT DISTINCT b.property_id FROM bookings b JOIN properties p"
            " ON p.id = b.property_id WHERE lower(p.city) = 'city7' AND "
            "b.status IN ('pending', 'confirmed') AND daterange(b.start_date,"
            f" b.end_date) && daterange('{day(30)}', '{day(33)}')",
            db=self.db).split()}
        free = {int(x) for x in psql(
            "SELECT id FROM properties WHERE is_listed AND "
            "lower(city) = 'city7'", db=self.db).split()} - busy
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(set(seen), free)


if __name__ == "__main__":
    unittest.main()
