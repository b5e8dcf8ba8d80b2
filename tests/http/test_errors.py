"""Refusals of the router (404, 405) in both representations, and the
error shape of contract §2."""

import unittest

from support import (ACCEPT_HTML, ACCEPT_JSON, JSON_TYPE, StackTestCase,
                     get, raw_http, request)


def allow_set(r):
    allow = r.header("Allow")
    if allow is None:
        return None
    return {m.strip() for m in allow.split(",") if m.strip()}


class TestNotFound(StackTestCase):
    PATHS = ["/nope", "/healthz/", "/healthz/extra", "/HEALTHZ",
             "/_test/echo/x", "/_test", "/readyz/now",
             "/" + "a" * 1500, "/%E2%82%AC", "/nope?x=1"]

    @classmethod
    def tearDownClass(cls):
        StackTestCase.assertHealthy(cls("test_json"))

    def test_json(self):
        for path in self.PATHS:
            with self.subTest(path=path):
                r = get(path, headers=ACCEPT_JSON)
                err = self.assertJsonError(r, 404, "not_found")
                self.assertNotIn("fields", err)
                self.assertSecurityHeaders(r)

    def test_html(self):
        for path in self.PATHS:
            with self.subTest(path=path):
                self.assertHtmlError(get(path, headers=ACCEPT_HTML), 404)

    def test_no_accept_is_html(self):
        self.assertHtmlError(get("/nope"), 404)

    def test_json_with_q_values(self):
        r = get("/nope",
                headers={"Accept": "application/json, text/html;q=0.5"})
        self.assertJsonError(r, 404, "not_found")

    def test_head(self):
        for accept in (ACCEPT_JSON, ACCEPT_HTML):
            with self.subTest(accept=accept["Accept"]):
                r = request("HEAD", "/nope", headers=accept)
                self.assertEqual(r.status, 404, r)
                self.assertEqual(r.body, b"")
                g = get("/nope", headers=accept)
                self.assertEqual(r.content_type, g.content_type)

    def test_other_methods_on_unknown_path_are_404(self):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            with self.subTest(method=method):
                r = request(method, "/nope", headers=dict(
                    ACCEPT_JSON, **{"Content-Type":
                                    "application/x-www-form-urlencoded"}),
                    body=b"a=1")
                self.assertJsonError(r, 404, "not_found")

    def test_vary_accept(self):
        r = get("/nope", headers=ACCEPT_JSON)
        self.assertIn("accept", (r.header("Vary") or "").lower(), r)


class TestMethodNotAllowed(StackTestCase):
    CASES = [
        ("POST", "/healthz", {"GET", "HEAD"}),
        ("PUT", "/healthz", {"GET", "HEAD"}),
        ("DELETE", "/healthz", {"GET", "HEAD"}),
        ("POST", "/readyz", {"GET", "HEAD"}),
        ("PATCH", "/metrics", {"GET", "HEAD"}),
        ("PUT", "/", {"GET", "HEAD"}),
        ("DELETE", "/", {"GET", "HEAD"}),
    ]

    @classmethod
    def tearDownClass(cls):
        StackTestCase.assertHealthy(cls("test_json"))

    def test_json(self):
        for method, path, allow in self.CASES:
            with self.subTest(method=method, path=path):
                r = request(method, path, headers=ACCEPT_JSON)
                err = self.assertJsonError(r, 405, "method_not_allowed")
                self.assertNotIn("fields", err)
                self.assertEqual(allow_set(r), allow, r)
                self.assertSecurityHeaders(r)

    def test_html(self):
        for method, path, allow in self.CASES:
            with self.subTest(method=method, path=path):
                r = request(method, path, headers=ACCEPT_HTML)
                self.assertHtmlError(r, 405)
                self.assertEqual(allow_set(r), allow, r)

    def test_with_a_body(self):
        r = request("POST", "/healthz", headers=dict(
            ACCEPT_JSON, **{"Content-Type": "application/json"}),
            body=b'{"a": 1}')
        self.assertJsonError(r, 405, "method_not_allowed")
        self.assertEqual(allow_set(r), {"GET", "HEAD"})

    def test_post_with_method_override_on_get_only_route(self):
        # _method=DELETE on a route without DELETE is still a 405.
        r = request("POST", "/healthz", headers=dict(
            ACCEPT_JSON,
            **{"Content-Type": "application/x-www-form-urlencoded"}),
            body=b"_method=DELETE")
        self.assertJsonError(r, 405, "method_not_allowed")
        self.assertEqual(allow_set(r), {"GET", "HEAD"})

    def test_echo_options_lists_its_methods(self):
        r = request("OPTIONS", "/_test/echo", headers=ACCEPT_JSON)
        self.assertJsonError(r, 405, "method_not_allowed")
        self.assertEqual(allow_set(r),
                         {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})

    def test_unknown_method(self):
        # An extension method is not allowed on any route; nginx passes
        # it through.  The answer is a refusal, never a 5xx.
        r = raw_http(b"FROB /healthz HTTP/1.1\r\nHost: localhost\r\n"
                     b"Accept: application/json\r\nConnection: close\r\n"
                     b"\r\n")
        self.assertIn(r.status, (400, 405, 501), r)
        if r.status == 405:
            self.assertEqual(r.content_type, JSON_TYPE)
            self.assertEqual(allow_set(r), {"GET", "HEAD"})


if __name__ == "__main__":
    unittest.main()
