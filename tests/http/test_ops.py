"""Operations endpoints (/, /healthz, /readyz, /metrics), content
negotiation, HEAD, and the headers every answer carries."""

import re
import unittest

from support import (ACCEPT_HTML, ACCEPT_JSON, HEX32, HTML_TYPE, JSON_TYPE,
                     StackTestCase, get, get_json, metric_value,
                     parse_metrics, post, request, scrape)

METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def vary_has_accept(r):
    vary = ",".join(r.headers_named("Vary"))
    return "accept" in [v.strip().lower() for v in vary.split(",")]


class TestHome(StackTestCase):
    def test_html(self):
        r = get("/", headers=ACCEPT_HTML)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, HTML_TYPE)
        m = re.search(rb"<title>(.*?)</title>", r.body, re.S | re.I)
        self.assertIsNotNone(m, f"no <title>: {r!r}")
        self.assertIn(b"innkeep", m.group(1).lower())
        self.assertTrue(vary_has_accept(r), r.header_list)
        self.assertSecurityHeaders(r)

    def test_no_accept_is_html(self):
        r = get("/")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, HTML_TYPE)

    def test_json(self):
        r = get_json("/")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, JSON_TYPE)
        doc = r.json()
        self.assertEqual(doc.get("name"), "innkeep", doc)
        self.assertRegex(doc.get("version", ""), r"^\d+\.\d+\.\d+$")
        self.assertTrue(vary_has_accept(r), r.header_list)
        self.assertSecurityHeaders(r)

    def test_accept_with_q_values(self):
        cases = [
            ("application/json, text/html;q=0.5", JSON_TYPE),
            ("text/html;q=0.5, application/json", JSON_TYPE),
            ("application/json;q=0.9, text/html;q=0.1", JSON_TYPE),
            ("text/html, application/json;q=0.5", HTML_TYPE),
            ("application/json;q=0.2, text/html;q=0.8", HTML_TYPE),
            ("*/*", HTML_TYPE),
            ("text/*", HTML_TYPE),
            ("image/png", HTML_TYPE),
            (ACCEPT_HTML["Accept"], HTML_TYPE),
        ]
        for accept, ctype in cases:
            with self.subTest(accept=accept):
                r = get("/", headers={"Accept": accept})
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.content_type, ctype, r)

    def test_query_string_does_not_change_route(self):
        r = get_json("/?x=1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json().get("name"), "innkeep")


class TestHealth(StackTestCase):
    def test_healthz_plain(self):
        for headers in (None, ACCEPT_HTML):
            with self.subTest(headers=headers):
                r = get("/healthz", headers=headers)
                self.assertEqual(r.status, 200, r)
                self.assertTrue(r.content_type.startswith("text/plain"), r)
                self.assertEqual(r.body, b"ok\n")
                self.assertSecurityHeaders(r)

    def test_healthz_json(self):
        r = get_json("/healthz")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, JSON_TYPE)
        self.assertEqual(r.json(), {"status": "ok"})
        self.assertTrue(vary_has_accept(r), r.header_list)
        self.assertSecurityHeaders(r)

    def test_readyz_plain(self):
        r = get("/readyz")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.content_type.startswith("text/plain"), r)
        self.assertEqual(r.body, b"ready\n")
        self.assertSecurityHeaders(r)

    def test_readyz_json(self):
        r = get_json("/readyz")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, JSON_TYPE)
        self.assertEqual(r.json(), {"status": "ready"})
        self.assertTrue(vary_has_accept(r), r.header_list)


class TestHead(StackTestCase):
    PATHS = ["/", "/healthz", "/readyz", "/metrics", "/_test/echo"]

    def test_head_matches_get(self):
        for path in self.PATHS:
            for accept in (ACCEPT_JSON, ACCEPT_HTML):
                with self.subTest(path=path, accept=accept["Accept"]):
                    g = get(path, headers=accept)
                    h = request("HEAD", path, headers=accept)
                    self.assertEqual(h.status, g.status, h)
                    self.assertEqual(h.body, b"", "HEAD must have no body")
                    self.assertEqual(h.content_type, g.content_type)
                    self.assertEqual(h.header("Vary"), g.header("Vary"))
                    self.assertSecurityHeaders(h)
                    cl = h.header("Content-Length")
                    if cl is not None and path in ("/", "/healthz",
                                                   "/readyz"):
                        # The same representation (/metrics and the echo
                        # change between two requests).
                        self.assertEqual(int(cl), len(g.body), h)


class TestHeaders(StackTestCase):
    def test_every_kind_of_answer_has_the_headers(self):
        cases = [
            ("GET", "/", ACCEPT_HTML),
            ("GET", "/", ACCEPT_JSON),
            ("GET", "/healthz", None),
            ("GET", "/readyz", ACCEPT_JSON),
            ("GET", "/metrics", None),
            ("GET", "/nope", ACCEPT_HTML),
            ("GET", "/nope", ACCEPT_JSON),
            ("POST", "/healthz", ACCEPT_HTML),
            ("POST", "/healthz", ACCEPT_JSON),
            ("GET", "/_test/echo?a=%ZZ", ACCEPT_HTML),
            ("GET", "/_test/echo?a=1", ACCEPT_HTML),
        ]
        for method, path, headers in cases:
            with self.subTest(method=method, path=path, headers=headers):
                r = request(method, path, headers=headers)
                self.assertLess(r.status, 500, r)
                self.assertSecurityHeaders(r)

    def test_request_ids_differ_and_match_echo(self):
        a = get("/healthz")
        b = get("/healthz")
        self.assertNotEqual(a.header("X-Request-Id"),
                            b.header("X-Request-Id"))
        e = get("/_test/echo")
        self.assertEqual(e.status, 200, e)
        self.assertRegex(e.json()["request_id"], HEX32)
        self.assertEqual(e.json()["request_id"], e.header("X-Request-Id"))

    def test_client_request_id_header_is_not_trusted(self):
        # The id is nginx's $request_id, not whatever the client sends.
        e = get("/_test/echo", headers={"X-Request-Id": "client-chosen"})
        self.assertEqual(e.status, 200, e)
        self.assertRegex(e.header("X-Request-Id"), HEX32)


class TestMetrics(StackTestCase):
    def test_format_and_families(self):
        r = get("/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.content_type, METRICS_TYPE)
        self.assertSecurityHeaders(r)
        types, samples = parse_metrics(r.text)
        self.assertEqual(types.get("innkeep_requests_total"), "counter")
        self.assertEqual(types.get("innkeep_request_duration_seconds"),
                         "histogram")
        self.assertEqual(types.get("innkeep_requests_in_flight"), "gauge")
        self.assertEqual(types.get("innkeep_db_reconnects_total"), "counter")
        names = {n for n, _, _ in samples}
        for n in ("innkeep_request_duration_seconds_bucket",
                  "innkeep_request_duration_seconds_sum",
                  "innkeep_request_duration_seconds_count",
                  "innkeep_requests_in_flight",
                  "innkeep_db_reconnects_total"):
            self.assertIn(n, names)
        for n, lab, v in samples:
            self.assertGreaterEqual(v, 0, (n, lab))
            if n == "innkeep_requests_total":
                self.assertEqual(set(lab), {"route", "method", "status"},
                                 lab)

    def test_no_duplicate_series(self):
        # Prometheus refuses a scrape with two samples of one series.
        # Every route and method gets a sample first (the echo route has
        # one pattern for five methods).
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
            request(method, "/_test/echo")
        for path in ("/", "/healthz", "/readyz", "/nope"):
            get(path)
        _, samples = scrape()
        seen = {}
        dups = []
        for n, lab, v in samples:
            key = (n, tuple(sorted(lab.items())))
            if key in seen:
                dups.append((n, lab))
            seen[key] = v
        self.assertEqual(dups[:10], [], f"{len(dups)} duplicate series")

    def test_histogram_is_consistent(self):
        for method in ("GET", "POST", "DELETE"):
            request(method, "/_test/echo")
        types, samples = scrape()
        buckets = [(lab, v) for n, lab, v in samples
                   if n == "innkeep_request_duration_seconds_bucket"]
        self.assertTrue(buckets)
        # Group by the labels other than le.
        groups = {}
        for lab, v in buckets:
            key = tuple(sorted((k, x) for k, x in lab.items() if k != "le"))
            groups.setdefault(key, []).append((float(lab["le"].replace(
                "+Inf", "inf")), v))
        for key, series in groups.items():
            series.sort()
            self.assertEqual(series[-1][0], float("inf"),
                             f"no le=\"+Inf\" bucket for {key}")
            counts = [v for _, v in series]
            self.assertEqual(counts, sorted(counts),
                             f"buckets not cumulative for {key}")
            count = metric_value(samples,
                                 "innkeep_request_duration_seconds_count",
                                 **dict(key))
            self.assertEqual(series[-1][1], count, key)

    def test_counters_increase(self):
        _, before = scrape()
        labels = dict(route="/healthz", method="GET", status="200")
        n0 = metric_value(before, "innkeep_requests_total", **labels)
        c0 = metric_value(before, "innkeep_request_duration_seconds_count")
        for _ in range(3):
            self.assertEqual(get("/healthz").status, 200)
        _, after = scrape()
        n1 = metric_value(after, "innkeep_requests_total", **labels)
        c1 = metric_value(after, "innkeep_request_duration_seconds_count")
        self.assertGreaterEqual(n1 - n0, 3)
        self.assertGreaterEqual(c1 - c0, 3)

    def test_status_label(self):
        post("/healthz", b"", "application/x-www-form-urlencoded")
        _, samples = scrape()
        self.assertGreaterEqual(
            metric_value(samples, "innkeep_requests_total",
                         route="/healthz", method="POST", status="405"), 1)

    def test_unmatched_route_label_no_raw_paths(self):
        marker = "zzcardinality4711"
        for i in range(3):
            self.assertEqual(get(f"/{marker}/{i}").status, 404)
        r = get("/metrics")
        self.assertNotIn(marker, r.text,
                         "raw request paths must never become labels")
        _, samples = parse_metrics(r.text)
        self.assertGreaterEqual(
            metric_value(samples, "innkeep_requests_total",
                         route="unmatched", status="404"), 3)
        # Route patterns only: the routes of the contract, never a path.
        known = {"/", "/healthz", "/readyz", "/metrics", "/_test/echo",
                 "/signup", "/login", "/logout", "/me",
                 "/users/{username}", "/me/tokens", "/me/tokens/{id}",
                 "/properties", "/properties/new", "/properties/{id}",
                 "/properties/{id}/edit", "/properties/{id}/calendar",
                 "/properties/{id}/calendar.ics", "/_test/search-sql",
                 "unmatched"}
        routes = {lab["route"] for n, lab, _ in samples if "route" in lab}
        for route in routes:
            self.assertTrue(route in known or route.startswith("/"), route)
        self.assertFalse(routes - known,
                         f"unexpected route labels: {routes - known}")

    def test_in_flight_gauge_is_small(self):
        _, samples = scrape()
        v = metric_value(samples, "innkeep_requests_in_flight")
        self.assertGreaterEqual(v, 0)
        self.assertLess(v, 1000)


if __name__ == "__main__":
    unittest.main()
