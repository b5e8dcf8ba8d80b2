"""Sessions and CSRF (docs/accounts.md "Sessions", "CSRF"; api.md §3):
the cookie and its attributes, the token's hash in the database, absolute
and idle expiry, the purge at login, logout, deactivated users, the CSRF
rules for cookies, forms and bearer tokens, and who gets which refusal on
every route that needs a user.

Expiry is simulated by moving timestamps of the test's own sessions into
the past with psql; every test uses accounts of its own.
"""

import json
import unittest

from accounts_support import (
    THIRTY_DAYS, TWO_HOURS, AccountsTestCase, Client, csrf_in_page,
    fresh_username, login, reset_local_throttle, session_set_cookie,
    signup, sql_literal, token_hash_candidates, _to_response)
from support import ACCEPT_JSON, InnkeepProcess, fcgi_request, get, psql

# Every route that needs a user: (method, path, JSON body or None).
USER_ROUTES = [
    ("GET", "/me", None),
    ("PATCH", "/me", {"display_name": "x"}),
    ("POST", "/logout", None),
    ("GET", "/me/tokens", None),
    ("POST", "/me/tokens", {"name": "t"}),
    ("DELETE", "/me/tokens/1", None),
]


def set_session(csrf, assignment):
    """UPDATE the session with that CSRF token; returns the rows touched."""
    return psql("WITH u AS (UPDATE sessions SET " + assignment
                + f" WHERE csrf_token = {sql_literal(csrf)} RETURNING 1) "
                "SELECT count(*) FROM u")


class TestCookie(AccountsTestCase):

    def test_attributes_and_hash(self):
        a = signup()
        _, r = login(a.username, a.password)
        self.assertEqual(r.status, 200, r)
        c = self.assertSessionCookie(r, max_age=THIRTY_DAYS)
        self.assertNotIn("secure", c.attrs, "no Secure without "
                         "secure_cookies (the test stack is plain HTTP)")
        tok = self.assertCsrfHeader(r)
        row = psql("SELECT encode(token_hash, 'hex'), user_id, "
                   "expires_at BETWEEN now() + interval '29 days 23 hours' "
                   "AND now() + interval '30 days 1 minute' "
                   f"FROM sessions WHERE csrf_token = {sql_literal(tok)}")
        th, uid, exp_ok = row.split("|")
        self.assertEqual(int(uid), a.id)
        self.assertEqual(exp_ok, "t", "expires_at is 30 days ahead")
        self.assertIn(th, token_hash_candidates(c.value))
        # Nowhere in the table in clear.
        self.assertEqual(psql("SELECT count(*) FROM sessions WHERE position("
                              f"{sql_literal(c.value)} IN sessions::text) "
                              "> 0"), "0")

    def test_anonymous_session_of_the_forms(self):
        for path in ("/login", "/signup"):
            with self.subTest(path=path):
                c = Client()
                r = c.get(path, accept="html")
                self.assertHtmlPage(r)
                self.assertSessionCookie(r, max_age=TWO_HOURS)
                tok = self.assertCsrfHeader(r)
                self.assertEqual(csrf_in_page(r.body), tok)
                self.assertEqual(psql(
                    "SELECT user_id IS NULL FROM sessions WHERE "
                    f"csrf_token = {sql_literal(tok)}"), "t")
                # The same session on the next visit: no new cookie.
                r = c.get(path, accept="html")
                self.assertEqual(r.status, 200, r)
                self.assertIsNone(session_set_cookie(r), r)
                self.assertEqual(r.header("X-CSRF-Token"), tok)
                self.assertEqual(csrf_in_page(r.body), tok)
                # It is no login.
                self.assertUnauthenticated(c.get("/me"))

    def test_csrf_header_on_every_answer_with_a_session(self):
        a = signup()
        for path, accept in [("/", "html"), ("/", "json"), ("/me", "json"),
                             ("/me", "html"), ("/me/tokens", "json"),
                             ("/users/" + a.username, "json")]:
            with self.subTest(path=path, accept=accept):
                r = a.client.get(path, accept=accept)
                self.assertEqual(r.header("X-CSRF-Token"), a.client.csrf, r)
        # No session, no token.
        r = get("/")
        self.assertIsNone(r.header("X-CSRF-Token"), r)

    def test_unknown_or_malformed_cookies(self):
        for value in ["A" * 43, "", "x", "A" * 42 + "!", "A" * 4000,
                      "%00%00", "A" * 44]:
            with self.subTest(value=value[:20]):
                c = Client()
                c.cookie = value
                self.assertUnauthenticated(c.get("/me"))
                r = c.get("/me", accept="html")
                self.assertLoginRedirect(r, "/me")
        # The home page with a stale cookie still works.
        c = Client()
        c.cookie = "B" * 43
        r = c.get("/", accept="html")
        self.assertEqual(r.status, 200, r)

    def test_session_of_an_other_cookie_name_is_ignored(self):
        a = signup()
        r = Client().get("/me", headers={"Cookie": "sessionx="
                                         + a.client.cookie})
        self.assertUnauthenticated(r)
        # Among other cookies it is found.
        r = Client().get("/me", headers={"Cookie": "a=b; session="
                                         + a.client.cookie + "; c=d"})
        self.assertEqual(r.status, 200, r)


class TestSecureCookies(AccountsTestCase):
    """secure_cookies = true: __Host-session, Secure.  A second innkeep
    spoken to over FastCGI (HTTPS=on, as nginx sends it for TLS)."""

    def test_host_prefixed_secure_cookie(self):
        srv = InnkeepProcess(extra_env={"INNKEEP_SECURE_COOKIES": "true"})
        self.addCleanup(srv.stop)
        srv.wait_ready()
        params = {"HTTPS": "on", "REQUEST_SCHEME": "https",
                  "SERVER_PORT": "443"}

        def call(method, path, headers=None, body=b""):
            h = dict(ACCEPT_JSON)
            h.update(headers or {})
            return _to_response(fcgi_request(
                srv.sock, method, path, headers=h, body=body,
                params=params))
        u = fresh_username()
        r = call("POST", "/signup", {"Content-Type": "application/json"},
                 json.dumps({"username": u, "email": f"{u}@example.org",
                             "password": "secure-cookie-1"}))
        self.assertEqual(r.status, 201, r)
        c = session_set_cookie(r)
        self.assertIsNotNone(c, r)
        self.assertEqual(c.name, "__Host-session", c)
        self.assertIs(c.attr("secure"), True, c)
        self.assertIs(c.attr("httponly"), True, c)
        self.assertEqual(c.attr("path"), "/", c)
        self.assertEqual(str(c.attr("samesite")).lower(), "lax", c)
        self.assertNotIn("domain", c.attrs, c)
        r = call("GET", "/me", {"Cookie": f"__Host-session={c.value}"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["username"], u)
        # The unprefixed name is not the session there.
        r = call("GET", "/me", {"Cookie": f"session={c.value}"})
        self.assertEqual(r.status, 401, r)


class TestExpiry(AccountsTestCase):

    def test_absolute_expiry(self):
        a = signup()
        self.assertEqual(set_session(a.client.csrf,
                                     "expires_at = now() - interval '1 s'"),
                         "1")
        self.assertUnauthenticated(a.client.get("/me"))
        self.assertLoginRedirect(a.client.get("/me", accept="html"), "/me")

    def test_idle_expiry(self):
        a = signup()
        self.assertEqual(set_session(
            a.client.csrf, "last_seen_at = now() - interval '7 days 1 min',"
            " created_at = now() - interval '8 days'"), "1")
        self.assertUnauthenticated(a.client.get("/me"))

    def test_not_yet_idle_is_refreshed(self):
        a = signup()
        set_session(a.client.csrf, "last_seen_at = now() - interval '6 days',"
                    " created_at = now() - interval '6 days'")
        self.assertEqual(a.client.get("/me").status, 200)
        self.assertEqual(psql(
            "SELECT last_seen_at > now() - interval '1 minute' FROM sessions"
            f" WHERE csrf_token = {sql_literal(a.client.csrf)}"), "t")

    def test_last_seen_written_at_most_every_5_minutes(self):
        a = signup()
        set_session(a.client.csrf, "last_seen_at = now() - interval '2 min'")
        self.assertEqual(a.client.get("/me").status, 200)
        self.assertEqual(psql(
            "SELECT last_seen_at < now() - interval '90 seconds' FROM "
            f"sessions WHERE csrf_token = {sql_literal(a.client.csrf)}"),
            "t")
        set_session(a.client.csrf, "last_seen_at = now() - interval '6 min'")
        self.assertEqual(a.client.get("/me").status, 200)
        self.assertEqual(psql(
            "SELECT last_seen_at > now() - interval '1 minute' FROM "
            f"sessions WHERE csrf_token = {sql_literal(a.client.csrf)}"),
            "t")

    def test_expired_sessions_are_purged_at_login(self):
        a = signup()
        b = signup()
        old_a, old_b = a.client.csrf, b.client.csrf
        set_session(old_a, "expires_at = now() - interval '1 min'")
        set_session(old_b, "expires_at = now() - interval '1 min'")
        _, r = login(a.username, a.password)
        self.assertEqual(r.status, 200, r)
        for tok in (old_a, old_b):
            self.assertEqual(psql("SELECT count(*) FROM sessions WHERE "
                                  f"csrf_token = {sql_literal(tok)}"), "0")

    def test_expired_anonymous_session(self):
        c = Client()
        c.get("/login", accept="html")
        self.assertEqual(set_session(c.csrf,
                                     "expires_at = now() - interval '1 s'"),
                         "1")
        old = c.csrf
        # The form page hands out a new anonymous session ...
        r = c.get("/login", accept="html")
        self.assertEqual(r.status, 200, r)
        self.assertSessionCookie(r, max_age=TWO_HOURS)
        self.assertNotEqual(c.csrf, old)
        # ... and the old token is refused.
        a = signup()
        r = c.form("POST", "/login", {"login": a.username,
                                      "password": a.password,
                                      "csrf_token": old},
                   with_csrf=False, accept="json")
        self.assertCsrfFailed(r)


class TestLogout(AccountsTestCase):

    def test_json(self):
        a = signup()
        old = a.client.cookie
        tok = a.client.csrf
        r = a.client.send("POST", "/logout")
        self.assertCsrfFailed(r)
        self.assertEqual(a.client.get("/me").status, 200,
                         "a refused logout keeps the session")
        r = a.client.send("POST", "/logout", csrf=True)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, b"")
        c = session_set_cookie(r)
        self.assertIsNotNone(c, f"logout does not expire the cookie: {r!r}")
        self.assertTrue(c.expires_now(), c)
        self.assertEqual(c.attr("path"), "/", c)
        self.assertEqual(psql("SELECT count(*) FROM sessions WHERE "
                              f"csrf_token = {sql_literal(tok)}"), "0")
        stale = Client()
        stale.cookie = old
        self.assertUnauthenticated(stale.get("/me"))
        self.assertUnauthenticated(stale.send("POST", "/logout",
                                              csrf=tok))

    def test_html(self):
        a = signup()
        old = a.client.cookie
        r = a.client.get("/me", accept="html")
        self.assertEqual(r.status, 200, r)
        tok = csrf_in_page(r.body)
        self.assertTrue(tok)
        r = a.client.form("POST", "/logout", {}, with_csrf=False)
        self.assertHtmlError(r, 403)
        r = a.client.form("POST", "/logout", {"csrf_token": tok},
                          with_csrf=False)
        self.assertRedirect(r, "/")
        c = session_set_cookie(r)
        self.assertIsNotNone(c, r)
        self.assertTrue(c.expires_now(), c)
        stale = Client()
        stale.cookie = old
        self.assertLoginRedirect(stale.get("/me", accept="html"), "/me")

    def test_logout_leaves_other_sessions(self):
        a = signup()
        other, r = login(a.username, a.password)
        self.assertEqual(r.status, 200)
        self.assertEqual(a.client.send("POST", "/logout", csrf=True).status,
                         204)
        self.assertEqual(other.get("/me").status, 200)


class TestDeactivated(AccountsTestCase):

    def setUp(self):
        self.addCleanup(reset_local_throttle)

    def test_sessions_and_tokens_stop_working(self):
        a = signup()
        r = a.client.json("POST", "/me/tokens", {"name": "api"}, csrf=True)
        self.assertEqual(r.status, 201, r)
        api = Client(bearer=r.json()["token"])
        self.assertEqual(api.get("/me").status, 200)
        psql(f"UPDATE users SET is_active = false WHERE id = {a.id}")
        self.assertUnauthenticated(a.client.get("/me"))
        self.assertUnauthenticated(api.get("/me"))
        _, r = login(a.username, a.password)
        err = self.assertUnauthenticated(r)
        self.assertEqual(err["message"], "invalid login")
        psql(f"UPDATE users SET is_active = true WHERE id = {a.id}")
        _, r = login(a.username, a.password)
        self.assertEqual(r.status, 200, r)


class TestCsrf(AccountsTestCase):

    def test_patch_me_with_cookie(self):
        a = signup()
        b = signup()
        for what, tok in [("none", None), ("wrong", "x" * 43),
                          ("another session's", b.client.csrf),
                          ("truncated", a.client.csrf[:-1]),
                          ("empty", "")]:
            with self.subTest(what):
                h = {} if tok is None else {"X-CSRF-Token": tok}
                r = a.client.json("PATCH", "/me", {"display_name": "evil"},
                                  headers=h)
                err = self.assertCsrfFailed(r)
                self.assertEqual(err["message"],
                                 "missing or wrong CSRF token")
        self.assertEqual(a.client.get("/me").json()["display_name"], "")
        r = a.client.json("PATCH", "/me", {"display_name": "good"},
                          csrf=True)
        self.assertEqual(self.assertJsonOk(r)["display_name"], "good")

    def test_form_field_and_method_override(self):
        a = signup()
        r = a.client.form("POST", "/me", {"_method": "PATCH",
                                          "display_name": "form"},
                          accept="json")
        self.assertEqual(self.assertJsonOk(r)["display_name"], "form")
        r = a.client.form("POST", "/me", {"_method": "PATCH",
                                          "display_name": "evil",
                                          "csrf_token": "y" * 43},
                          with_csrf=False, accept="json")
        self.assertCsrfFailed(r)

    def test_every_unsafe_route_with_a_cookie(self):
        a = signup()
        for method, path, body in USER_ROUTES:
            if method == "GET":
                continue
            with self.subTest(method=method, path=path):
                if body is None:
                    r = a.client.send(method, path)
                else:
                    r = a.client.json(method, path, body)
                self.assertCsrfFailed(r)
        self.assertEqual(a.client.get("/me").status, 200)
        self.assertEqual(a.client.get("/me/tokens").json()["items"], [])

    def test_bearer_needs_none(self):
        a = signup()
        r = a.client.json("POST", "/me/tokens", {"name": "ci"}, csrf=True)
        api = Client(bearer=self.assertJsonOk(r, 201)["token"])
        r = api.json("PATCH", "/me", {"bio": "via the API"})
        self.assertEqual(self.assertJsonOk(r)["bio"], "via the API")
        r = api.json("POST", "/me/tokens", {"name": "second"})
        self.assertEqual(r.status, 201, r)
        r = api.send("DELETE", f"/me/tokens/{r.json()['id']}")
        self.assertEqual(r.status, 204, r)
        self.assertIsNone(r.header("X-CSRF-Token"), "no session, no token")
        self.assertIsNone(session_set_cookie(r), r)

    def test_safe_methods_need_none(self):
        a = signup()
        r = a.client.get("/me", headers={"X-CSRF-Token": "wrong"})
        self.assertEqual(r.status, 200, r)


class TestWhoGetsWhat(AccountsTestCase):
    """The authorization matrix of the user routes."""

    def test_anonymous_json(self):
        for method, path, body in USER_ROUTES:
            with self.subTest(method=method, path=path):
                c = Client()
                r = (c.send(method, path) if body is None
                     else c.json(method, path, body))
                err = self.assertUnauthenticated(r)
                self.assertNotEqual(err["code"], "csrf_failed")

    def test_anonymous_html(self):
        for method, path, body in USER_ROUTES:
            with self.subTest(method=method, path=path):
                c = Client()
                if method == "GET":
                    r = c.get(path, accept="html")
                else:
                    pairs = dict(body or {})
                    if method != "POST":
                        pairs["_method"] = method
                    r = c.form("POST", path, pairs)
                self.assertLoginRedirect(r, path)

    def test_anonymous_session_is_not_a_user(self):
        c = Client()
        c.get("/login", accept="html")
        self.assertIsNotNone(c.cookie)
        for method, path, body in USER_ROUTES:
            with self.subTest(method=method, path=path):
                r = (c.send(method, path, csrf=True) if body is None
                     else c.json(method, path, body, csrf=True))
                self.assertUnauthenticated(r)

    def test_bad_authorization_headers(self):
        for value in ["Bearer", "Bearer ", "Bearer ik_" + "A" * 43,
                      "Bearer ik_", "Bearer " + "A" * 43, "Basic Zm9vOmJhcg==",
                      "bearer ik_" + "B" * 43 + "x", "Bearer ik_" + "A" * 500]:
            with self.subTest(value=value[:30]):
                r = Client().get("/me", headers={"Authorization": value})
                self.assertUnauthenticated(r)

    def test_owner_and_other_user(self):
        a = signup()
        b = signup()
        r = a.client.json("POST", "/me/tokens", {"name": "mine"}, csrf=True)
        tid = self.assertJsonOk(r, 201)["id"]
        # b sees only b.
        self.assertEqual(b.client.get("/me").json()["username"], b.username)
        self.assertEqual(b.client.get("/me/tokens").json()["items"], [])
        r = b.client.send("DELETE", f"/me/tokens/{tid}", csrf=True)
        self.assertJsonError(r, 404, "not_found")
        r = b.client.form("POST", f"/me/tokens/{tid}",
                          {"_method": "DELETE"})
        self.assertHtmlError(r, 404)
        ids = [t["id"] for t in a.client.get("/me/tokens").json()["items"]]
        self.assertEqual(ids, [tid])
        # The owner may.
        r = a.client.send("DELETE", f"/me/tokens/{tid}", csrf=True)
        self.assertEqual(r.status, 204, r)


if __name__ == "__main__":
    unittest.main()
