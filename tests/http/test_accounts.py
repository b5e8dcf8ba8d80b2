"""Accounts (docs/accounts.md, api.md §3 and "Accounts"): sign-up, login,
login throttling, /me and /users/{username}, in JSON and as HTML forms.

Every test makes its own accounts (fresh names), so that nothing here
depends on the order of the tests.  Failed logins through nginx all come
from 127.0.0.1 and count towards that address's throttle: the tests that fail
logins on purpose forget those counters when they end
(reset_local_throttle), and the throttling tests themselves talk to innkeep
over FastCGI with client addresses of their own (Client(addr=...)).
"""

import json
import time
import unittest
import urllib.parse

from accounts_support import (
    MSG_BIO, MSG_CURRENT_PASSWORD, MSG_DISPLAY_NAME, MSG_EMAIL,
    MSG_INVALID_LOGIN, MSG_PASSWORD, MSG_REQUIRED, MSG_TAKEN, MSG_USERNAME,
    TWO_HOURS, AccountsTestCase, Client, csrf_in_page, form_posting_to,
    page_forms,
    fresh_addr, fresh_password, fresh_username, location_target, login,
    reset_local_throttle, session_set_cookie, signup, sql_literal,
    token_hash_candidates, weak_argon2id_hash)
from support import HTML_TYPE, multipart, psql


def signup_doc(**kw):
    u = kw.pop("username", None) or fresh_username()
    doc = {"username": u, "email": f"{u}@example.org",
           "password": fresh_password()}
    doc.update(kw)
    return doc


# ================================================================ sign-up

class TestSignupJson(AccountsTestCase):

    def test_success(self):
        u = fresh_username()
        email = f"Mixed.{u}@Example.ORG"
        pw = fresh_password()
        c = Client()
        r = c.json("POST", "/signup", {"username": u, "email": email,
                                        "password": pw,
                                        "display_name": "Zoë Q"})
        doc = self.assertJsonOk(r, 201)
        self.assertOwnUser(doc, username=u, email=email)
        self.assertEqual(doc["display_name"], "Zoë Q")
        self.assertEqual(doc["bio"], "")
        self.assertNoSecrets(r.body, pw)
        for k, v in r.header_list:
            self.assertNotIn(pw, v, (k, v))
        cookie = self.assertSessionCookie(r)
        tok = self.assertCsrfHeader(r)
        self.assertSecurityHeaders(r)
        # Logged in: the cookie is a session of that user.
        r = c.get("/me")
        self.assertEqual(self.assertJsonOk(r), doc)
        self.assertEqual(r.header("X-CSRF-Token"), tok)
        # The database: an Argon2id hash, the password nowhere in clear.
        uid = doc["id"]
        h = psql(f"SELECT password_hash FROM users WHERE id = {uid}")
        self.assertTrue(h.startswith("$argon2id$"), h)
        self.assertEqual(psql(
            "SELECT count(*) FROM users WHERE position("
            f"{sql_literal(pw)} IN users::text) > 0"), "0")
        # One session of that user, holding the cookie's hash, not the value.
        rows = psql(f"SELECT encode(token_hash, 'hex'), csrf_token "
                    f"FROM sessions WHERE user_id = {uid}").splitlines()
        self.assertEqual(len(rows), 1, rows)
        th, csrf = rows[0].split("|")
        self.assertEqual(csrf, tok)
        self.assertIn(th, token_hash_candidates(cookie.value),
                      "sessions.token_hash is not BLAKE2b-256 of the token")
        self.assertEqual(psql(
            "SELECT count(*) FROM sessions WHERE position("
            f"{sql_literal(cookie.value)} IN sessions::text) > 0"), "0")

    def test_needs_no_csrf_even_with_an_anonymous_session(self):
        c = Client()
        r = c.get("/signup", accept="html")
        self.assertEqual(r.status, 200, r)
        anon = c.cookie
        self.assertIsNotNone(anon, f"GET /signup gave no session: {r!r}")
        r = c.json("POST", "/signup", signup_doc())
        self.assertJsonOk(r, 201)
        self.assertNotEqual(c.cookie, anon, "sign-up must issue a new token")

    def test_get_signup_json(self):
        r = Client().get("/signup")
        self.assertEqual(self.assertJsonOk(r), {})

    def test_missing_fields(self):
        r = Client().json("POST", "/signup", {})
        self.assertValidation(r, {"username": MSG_REQUIRED,
                                  "email": MSG_REQUIRED,
                                  "password": MSG_REQUIRED})

    def test_every_bad_field_at_once(self):
        r = Client().json("POST", "/signup", {
            "username": "X", "email": "nope", "password": "short",
            "display_name": "d" * 101})
        self.assertValidation(r, {"username": MSG_USERNAME,
                                  "email": MSG_EMAIL,
                                  "password": MSG_PASSWORD,
                                  "display_name": MSG_DISPLAY_NAME})

    def test_bad_usernames(self):
        for bad in ["ab", "a" * 33, "Alice" + fresh_username()[:5],
                    "al-ice", "al ice", "ålice", "al.ice", "al@ice",
                    "ALICE"]:
            with self.subTest(username=bad):
                doc = signup_doc()
                doc["username"] = bad
                r = Client().json("POST", "/signup", doc)
                self.assertValidation(r, {"username": MSG_USERNAME})
                self.assertNoSecrets(r.body, doc["password"])

    def test_username_bounds_accepted(self):
        for good in [fresh_username("")[:3], "_" + fresh_username("")
                     + "0" * 20]:
            good = good[:32]
            with self.subTest(username=good):
                r = Client().json("POST", "/signup",
                                  signup_doc(username=good))
                self.assertEqual(r.status, 201, r)
                self.assertEqual(r.json()["username"], good)

    def test_bad_emails(self):
        u = fresh_username()
        for bad in ["plain", f"{u}@example", f"{u} x@example.org",
                    f"{u}@@example.org", "@example.org", f"{u}@",
                    f"{u}@x@example.org", f"{u}@exa mple.org",
                    f"{u}\t@example.org",
                    "x" * 243 + "@example.org"]:   # 255 characters
            with self.subTest(email=bad):
                doc = signup_doc(email=bad)
                r = Client().json("POST", "/signup", doc)
                self.assertValidation(r, {"email": MSG_EMAIL})

    def test_email_of_254_characters_accepted(self):
        u = fresh_username()
        email = u + "x" * (254 - len(u) - len("@example.org")) + \
            "@example.org"
        self.assertEqual(len(email), 254)
        r = Client().json("POST", "/signup", signup_doc(username=u,
                                                         email=email))
        self.assertEqual(self.assertJsonOk(r, 201)["email"], email)

    def test_passwords(self):
        # 9 characters, ASCII or not (18 bytes: characters are counted).
        for bad in ["123456789", "é" * 9, "😀" * 9]:
            with self.subTest(password=bad):
                r = Client().json("POST", "/signup",
                                  signup_doc(password=bad))
                self.assertValidation(r, {"password": MSG_PASSWORD})
                self.assertNoSecrets(r.body, bad)
        # Over 1024 bytes (but many characters): refused on that field.
        r = Client().json("POST", "/signup", signup_doc(password="p" * 1025))
        self.assertValidation(r, {"password": None})
        # 10 characters, multibyte; exactly 1024 bytes.
        for good in ["é" * 10, "😀" * 10, "p" * 1024]:
            with self.subTest(password=good[:12]):
                doc = signup_doc(password=good)
                r = Client().json("POST", "/signup", doc)
                self.assertEqual(r.status, 201, r)
                c, r = login(doc["username"], good)
                self.assertEqual(r.status, 200, r)

    def test_display_name_length(self):
        r = Client().json("POST", "/signup",
                          signup_doc(display_name="é" * 100))
        self.assertEqual(self.assertJsonOk(r, 201)["display_name"], "é" * 100)
        r = Client().json("POST", "/signup",
                          signup_doc(display_name="é" * 101))
        self.assertValidation(r, {"display_name": MSG_DISPLAY_NAME})

    def test_duplicate_username(self):
        a = signup()
        doc = signup_doc(username=a.username)
        r = Client().json("POST", "/signup", doc)
        self.assertValidation(r, {"username": MSG_TAKEN})

    def test_duplicate_email_differing_in_case(self):
        a = signup(email=f"{fresh_username()}@example.org")
        other = a.email.upper().replace("EXAMPLE.ORG", "Example.Org")
        r = Client().json("POST", "/signup", signup_doc(email=other))
        self.assertValidation(r, {"email": MSG_TAKEN})
        self.assertEqual(psql("SELECT count(*) FROM users WHERE lower(email)"
                              f" = lower({sql_literal(a.email)})"), "1")

    def test_other_json_types(self):
        # A number where text is expected: refused, or taken as its text
        # (api.md §1 takes numbers for numeric fields); never a 500.
        n = int.from_bytes(fresh_username("").encode()[:6], "big") % 10**9
        r = Client().json("POST", "/signup", signup_doc(username=n))
        self.assertIn(r.status, (201, 400, 422), r)
        if r.status == 201:
            self.assertEqual(r.json()["username"], str(n))
        # null, a list, an object: refused.
        for bad in (None, ["x" * 12], {"a": "b" * 12}):
            with self.subTest(password=bad):
                r = Client().json("POST", "/signup", signup_doc(password=bad))
                self.assertIn(r.status, (400, 422), r)


class TestSignupForm(AccountsTestCase):

    def open_form(self, c, path="/signup"):
        r = c.get(path, accept="html")
        self.assertHtmlPage(r)
        cookie = self.assertSessionCookie(r, max_age=TWO_HOURS)
        tok = self.assertCsrfHeader(r)
        self.assertEqual(csrf_in_page(r.body), tok,
                         "the page's csrf_token is the header's")
        return r, cookie, tok

    def test_page(self):
        c = Client()
        r, cookie, tok = self.open_form(c)
        form = form_posting_to(r.body, "/signup") or \
            form_posting_to(r.body, None)
        self.assertIsNotNone(form, "no POST form to /signup")
        for f in ("username", "email", "password", "csrf_token"):
            self.assertIn(f, form.names(), form)
        # An anonymous session: no user, lives 2 hours.
        row = psql("SELECT user_id IS NULL, "
                   "expires_at BETWEEN now() + interval '119 minutes' "
                   "AND now() + interval '121 minutes' FROM sessions "
                   f"WHERE csrf_token = {sql_literal(tok)}")
        self.assertEqual(row, "t|t")

    def test_success(self):
        c = Client()
        _, anon, tok = self.open_form(c)
        u = fresh_username()
        pw = fresh_password()
        r = c.form("POST", "/signup", {"username": u,
                                       "email": f"{u}@example.org",
                                       "password": pw})
        self.assertRedirect(r, "/me")
        cookie = self.assertSessionCookie(r)
        self.assertNotEqual(cookie.value, anon.value)
        # The anonymous session is gone (no fixation).
        self.assertEqual(psql("SELECT count(*) FROM sessions WHERE "
                              f"csrf_token = {sql_literal(tok)}"), "0")
        r = c.get("/me", accept="html")
        self.assertHtmlPage(r)
        self.assertIn(u.encode(), r.body)
        self.assertNoSecrets(r.body, pw)

    def test_without_csrf_token(self):
        for accept in ("html", "json"):
            with self.subTest(accept=accept):
                c = Client()
                self.open_form(c)
                u = fresh_username()
                r = c.form("POST", "/signup",
                           {"username": u, "email": f"{u}@example.org",
                            "password": fresh_password()},
                           accept=accept, with_csrf=False)
                if accept == "json":
                    self.assertCsrfFailed(r)
                else:
                    self.assertHtmlError(r, 403)
                self.assertEqual(psql("SELECT count(*) FROM users WHERE "
                                      f"username = {sql_literal(u)}"), "0")

    def test_wrong_csrf_token(self):
        c = Client()
        _, _, tok = self.open_form(c)
        other = Client()
        _, _, other_tok = self.open_form(other)
        for bad in ["x" * 43, tok[:-1], other_tok, ""]:
            with self.subTest(token=bad):
                u = fresh_username()
                r = c.form("POST", "/signup",
                           {"username": u, "email": f"{u}@example.org",
                            "password": fresh_password(),
                            "csrf_token": bad},
                           accept="json", with_csrf=False)
                self.assertCsrfFailed(r)

    def test_form_without_any_session(self):
        u = fresh_username()
        r = Client().form("POST", "/signup",
                          {"username": u, "email": f"{u}@example.org",
                           "password": fresh_password()}, accept="json")
        self.assertCsrfFailed(r)

    def test_csrf_in_header_for_a_form(self):
        c = Client()
        self.open_form(c)
        u = fresh_username()
        r = c.form("POST", "/signup",
                   {"username": u, "email": f"{u}@example.org",
                    "password": fresh_password()},
                   with_csrf=False, csrf=True)
        self.assertRedirect(r, "/me")

    def test_multipart(self):
        c = Client()
        self.open_form(c)
        u = fresh_username()
        fields = [("username", u), ("email", f"{u}@example.org"),
                  ("password", fresh_password())]
        ctype, body = multipart(fields)
        r = c.send("POST", "/signup", headers={"Content-Type": ctype},
                   body=body, accept="json")
        self.assertCsrfFailed(r)
        ctype, body = multipart(fields + [("csrf_token", c.csrf)])
        r = c.send("POST", "/signup", headers={"Content-Type": ctype},
                   body=body, accept="html")
        self.assertRedirect(r, "/me")

    def test_invalid_form_is_rendered_again(self):
        c = Client()
        self.open_form(c)
        u = fresh_username()
        pw = "secret-" + fresh_password()
        email = f"{u}@example.org"
        r = c.form("POST", "/signup", {"username": "Bad Name",
                                       "email": email, "password": pw,
                                       "display_name": "Ann <b>"})
        self.assertHtmlPage(r, 422)
        self.assertIn(MSG_USERNAME.encode(), r.body)
        self.assertIn(email.encode(), r.body, "the entered e-mail is kept")
        self.assertIn(b"Ann &lt;b&gt;", r.body, "entered values, escaped")
        self.assertNoSecrets(r.body, pw)
        # Still a form with a usable token.
        self.assertTrue(csrf_in_page(r.body))
        r = c.form("POST", "/signup", {"username": u, "email": email,
                                       "password": "short"})
        self.assertHtmlPage(r, 422)
        self.assertIn(MSG_PASSWORD.encode(), r.body)
        self.assertIn(u.encode(), r.body)

    def test_duplicate_in_form(self):
        a = signup()
        c = Client()
        self.open_form(c)
        r = c.form("POST", "/signup", {"username": a.username,
                                       "email": "Z" + a.email,
                                       "password": fresh_password()})
        self.assertHtmlPage(r, 422)
        self.assertIn(MSG_TAKEN.encode(), r.body)


# ================================================================ login

class LoginCase(AccountsTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reset_local_throttle()

    def setUp(self):
        # Failed logins through nginx count for 127.0.0.1.
        self.addCleanup(reset_local_throttle)


class TestLoginJson(LoginCase):

    def test_by_username_and_email_any_case(self):
        a = signup(email=f"{fresh_username()}@Example.org")
        for name in [a.username, a.username.upper(), a.email,
                     a.email.lower(), a.email.upper()]:
            with self.subTest(login=name):
                c, r = login(name, a.password)
                doc = self.assertJsonOk(r)
                self.assertOwnUser(doc, username=a.username, email=a.email)
                self.assertNoSecrets(r.body, a.password)
                self.assertSessionCookie(r)
                self.assertCsrfHeader(r)
                self.assertEqual(c.get("/me").status, 200)

    def test_rotates_the_anonymous_session(self):
        a = signup()
        c = Client()
        r = c.get("/login", accept="html")
        self.assertEqual(r.status, 200, r)
        anon, anon_csrf = c.cookie, c.csrf
        self.assertIsNotNone(anon, f"GET /login gave no session: {r!r}")
        _, r = login(a.username, a.password, client=c)
        self.assertEqual(r.status, 200, r)
        self.assertNotEqual(c.cookie, anon)
        self.assertNotEqual(c.csrf, anon_csrf)
        self.assertEqual(psql("SELECT count(*) FROM sessions WHERE "
                              f"csrf_token = {sql_literal(anon_csrf)}"), "0")
        # The old anonymous cookie is not a login.
        old = Client()
        old.cookie = anon
        self.assertUnauthenticated(old.get("/me"))

    def test_each_login_is_a_new_session(self):
        a = signup()
        c1, r1 = login(a.username, a.password)
        c2, r2 = login(a.username, a.password)
        self.assertEqual((r1.status, r2.status), (200, 200))
        self.assertNotEqual(c1.cookie, c2.cookie)
        self.assertNotEqual(c1.cookie, a.client.cookie)
        for c in (a.client, c1, c2):
            self.assertEqual(c.get("/me").status, 200)

    def test_get_login_json(self):
        self.assertEqual(self.assertJsonOk(Client().get("/login")), {})

    def test_failures_are_all_alike(self):
        a = signup()
        gone = signup()
        psql(f"UPDATE users SET is_active = false WHERE id = {gone.id}")
        cases = {
            "wrong password": (a.username, a.password + "x"),
            "wrong password by e-mail": (a.email, "x" + a.password),
            "unknown user": (fresh_username(), a.password),
            "unknown e-mail": (f"{fresh_username()}@example.org",
                               a.password),
            "deactivated, right password": (gone.username, gone.password),
        }
        bodies = {}
        for what, (name, pw) in cases.items():
            with self.subTest(what):
                c, r = login(name, pw)
                err = self.assertUnauthenticated(r)
                self.assertEqual(err["message"], MSG_INVALID_LOGIN)
                self.assertNotIn("fields", err)
                bodies[what] = r.json()
                self.assertNoSecrets(r.body, pw)
            reset_local_throttle()
        self.assertEqual(len({json.dumps(b, sort_keys=True)
                              for b in bodies.values()}), 1, bodies)

    def test_weak_hash_is_upgraded_at_login(self):
        a = signup()
        weak = weak_argon2id_hash(a.password)
        if weak is None:
            self.skipTest("libsodium not loadable through ctypes")
        self.assertIn("$m=8,t=1,", weak)
        psql(f"UPDATE users SET password_hash = {sql_literal(weak)} "
             f"WHERE id = {a.id}")
        _, r = login(a.username, a.password)
        self.assertEqual(r.status, 200, r)
        h = psql(f"SELECT password_hash FROM users WHERE id = {a.id}")
        self.assertTrue(h.startswith("$argon2id$"), h)
        self.assertNotEqual(h, weak, "the weak hash was kept")
        self.assertNotIn("$m=8,t=1,", h)
        _, r = login(a.username, a.password)
        self.assertEqual(r.status, 200, r)

    def test_failure_logs_nobody_in(self):
        a = signup()
        c, r = login(a.username, "not-the-password")
        self.assertEqual(r.status, 401, r)
        self.assertUnauthenticated(c.get("/me"))

    def test_unknown_account_costs_a_verification(self):
        # Timing must not tell whether the account exists: an unknown login
        # still runs Argon2id.  A loose bound (a quarter of the time of a
        # wrong password, medians of 3): a skipped verification is
        # hundreds of times faster.
        a = signup()

        def timed(name):
            t = []
            for _ in range(3):
                c = Client(addr=fresh_addr())
                t0 = time.monotonic()
                _, r = login(name, "wrong-password-x", client=c)
                t.append(time.monotonic() - t0)
                self.assertEqual(r.status, 401, r)
            return sorted(t)[1]
        known = timed(a.username)
        unknown = timed(fresh_username())
        self.assertGreater(unknown, known / 4,
                           f"unknown {unknown:.4f}s vs known {known:.4f}s")


class TestLoginForm(LoginCase):

    def open_login(self, c, query=""):
        r = c.get("/login" + query, accept="html")
        self.assertHtmlPage(r)
        self.assertSessionCookie(r, max_age=TWO_HOURS)
        tok = self.assertCsrfHeader(r)
        self.assertEqual(csrf_in_page(r.body), tok)
        form = form_posting_to(r.body, "/login") or \
            form_posting_to(r.body, None)
        self.assertIsNotNone(form, f"no POST form to /login: {r.text}")
        return r, form

    def submit(self, c, form, **fields):
        """Posts the form as a browser would: its action, its hidden
        fields, plus these."""
        pairs = [(n, v) for n, v in form.hidden()]
        pairs += list(fields.items())
        action = form.action or "/login"
        u = urllib.parse.urlsplit(action)
        path = u.path + ("?" + u.query if u.query else "")
        return c.form("POST", path, pairs, with_csrf=False)

    def test_success_goes_home(self):
        a = signup()
        c = Client()
        _, form = self.open_login(c)
        anon = c.cookie
        r = self.submit(c, form, login=a.username, password=a.password)
        self.assertRedirect(r, "/")
        self.assertSessionCookie(r)
        self.assertNotEqual(c.cookie, anon)
        r = c.get("/me", accept="html")
        self.assertHtmlPage(r)
        self.assertIn(a.username.encode(), r.body)

    def test_next_is_kept_and_honoured(self):
        a = signup()
        c = Client()
        r = c.get("/me", accept="html")
        self.assertLoginRedirect(r, "/me")
        _, form = self.open_login(c, "?next=%2Fme")
        r = self.submit(c, form, login=a.email.upper(), password=a.password)
        self.assertRedirect(r, "/me")
        r = c.get("/me/tokens", accept="html")
        self.assertEqual(r.status, 200, r)

    def test_next_elsewhere_goes_home(self):
        a = signup()
        for nxt in ["//evil.example", "https://evil.example",
                    "//evil.example/me", "/\\evil.example",
                    "\\\\evil.example", "http:evil.example",
                    "javascript:alert(1)", "me",
                    " //evil.example", "/\t/evil.example"]:
            with self.subTest(next=nxt):
                # Through the page, as a browser would.
                c = Client()
                _, form = self.open_login(
                    c, "?next=" + urllib.parse.quote(nxt, safe=""))
                r = self.submit(c, form, login=a.username,
                                password=a.password)
                self.assertEqual(r.status, 303, r)
                netloc, path, _ = location_target(r)
                self.assertNotIn("evil", netloc + path, r)
                self.assertTrue(path.startswith("/"), r)
                self.assertRedirect(r, "/")
                # Posted directly, in the body and the query.
                c = Client()
                self.open_login(c)
                q = "?next=" + urllib.parse.quote(nxt, safe="")
                r = c.form("POST", "/login" + q,
                           {"login": a.username, "password": a.password,
                            "next": nxt})
                self.assertRedirect(r, "/")

    def test_local_next_posted_directly(self):
        a = signup()
        c = Client()
        self.open_login(c)
        r = c.form("POST", "/login?next=%2Fme%2Ftokens",
                   {"login": a.username, "password": a.password,
                    "next": "/me/tokens"})
        self.assertRedirect(r, "/me/tokens")

    def test_failure_renders_the_form_again(self):
        a = signup()
        c = Client()
        _, form = self.open_login(c, "?next=%2Fme")
        wrong = "Wrong-" + fresh_password()
        r = self.submit(c, form, login=a.username, password=wrong)
        self.assertHtmlPage(r, 401)
        self.assertIn(MSG_INVALID_LOGIN.encode(), r.body)
        self.assertNoSecrets(r.body, wrong, a.password)
        self.assertIn(a.username.encode(), r.body, "the login is kept")
        form = form_posting_to(r.body, "/login") or \
            form_posting_to(r.body, None)
        self.assertIsNotNone(form)
        # The form again, with next: a second try goes where asked.
        r = self.submit(c, form, login=a.username, password=a.password)
        self.assertRedirect(r, "/me")

    def test_without_csrf_token(self):
        a = signup()
        c = Client()
        self.open_login(c)
        r = c.form("POST", "/login", {"login": a.username,
                                      "password": a.password},
                   with_csrf=False, accept="json")
        self.assertCsrfFailed(r)
        r = c.form("POST", "/login", {"login": a.username,
                                      "password": a.password},
                   with_csrf=False)
        self.assertHtmlError(r, 403)
        r = c.form("POST", "/login", {"login": a.username,
                                      "password": a.password,
                                      "csrf_token": "A" * 43},
                   with_csrf=False, accept="json")
        self.assertCsrfFailed(r)
        # No cookie at all: still a form, still refused.
        r = Client().form("POST", "/login", {"login": a.username,
                                             "password": a.password},
                          accept="json")
        self.assertCsrfFailed(r)


# ================================================================ throttling

class TestThrottling(AccountsTestCase):
    """Over FastCGI with client addresses of their own (198.18.0.0/15), so
    that the locks never reach 127.0.0.1 or another test's address."""

    def assertLocked(self, r, max_wait=30):
        err = self.assertJsonError(r, 429, "rate_limited")
        ra = r.header("Retry-After")
        self.assertIsNotNone(ra, f"429 without Retry-After: {r!r}")
        self.assertRegex(ra, r"^[0-9]+$", r)
        self.assertGreater(int(ra), 0, r)
        self.assertLessEqual(int(ra), max_wait, r)
        return err

    def test_account_locked_after_five_failures(self):
        a = signup()
        names = [a.username, a.username.upper(), a.username,
                 a.username.capitalize(), a.username]
        for i, name in enumerate(names, 1):
            _, r = login(name, "wrong-" + str(i), addr=fresh_addr())
            self.assertEqual(r.status, 401, f"failure {i}: {r!r}")
        # Locked for 30 s: even the right password, from a new address.
        _, r = login(a.username, a.password, addr=fresh_addr())
        self.assertLocked(r)
        self.assertEqual(session_set_cookie(r), None, r)
        _, r = login(a.username.upper(), "wrong", addr=fresh_addr())
        self.assertLocked(r)
        # The HTML form says so too.
        c = Client(addr=fresh_addr())
        r = c.get("/login", accept="html")
        self.assertEqual(r.status, 200, r)
        r = c.form("POST", "/login", {"login": a.username,
                                      "password": a.password})
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.content_type, HTML_TYPE, r)
        self.assertRegex(r.header("Retry-After", ""), r"^[1-9][0-9]*$")
        # Other accounts are not affected.
        b = signup()
        _, r = login(b.username, b.password, addr=fresh_addr())
        self.assertEqual(r.status, 200, r)

    def test_success_clears_the_count(self):
        a = signup()
        for round_ in range(3):
            for i in range(4):
                _, r = login(a.username, f"wrong-{round_}-{i}",
                             addr=fresh_addr())
                self.assertEqual(r.status, 401, r)
            _, r = login(a.username, a.password, addr=fresh_addr())
            self.assertEqual(r.status, 200, f"round {round_}: {r!r}")

    def test_address_locked_after_twenty_failures(self):
        # docs/accounts.md: an address locks from its 20th failure (many
        # people can share one); 5 accounts x 4 failures stay below each
        # account's own limit of 5.
        addr = fresh_addr()
        accounts = [signup() for _ in range(6)]
        n = 0
        for acc in accounts[:5]:
            for _ in range(4):
                n += 1
                _, r = login(acc.username, "wrong", addr=addr)
                self.assertEqual(r.status, 401, f"failure {n}: {r!r}")
        # Locked: any login from that address, whatever the account.
        _, r = login(accounts[5].username, accounts[5].password, addr=addr)
        self.assertLocked(r)
        _, r = login(fresh_username(), "whatever-123", addr=addr)
        self.assertLocked(r)
        # The same accounts from elsewhere are fine.
        _, r = login(accounts[5].username, accounts[5].password,
                     addr=fresh_addr())
        self.assertEqual(r.status, 200, r)
        _, r = login(accounts[0].username, accounts[0].password,
                     addr=fresh_addr())
        self.assertEqual(r.status, 200, r)

    def test_lock_doubles(self):
        # 5th failure: 30 s; the 6th failure (once the lock is over) 60 s.
        # Simulated by moving the lock into the past in the database.
        a = signup()
        for i in range(5):
            _, r = login(a.username, f"wrong-{i}", addr=fresh_addr())
            self.assertEqual(r.status, 401, r)
        _, r = login(a.username, a.password, addr=fresh_addr())
        self.assertLocked(r, max_wait=30)
        n = psql("WITH u AS (UPDATE login_attempts SET locked_until = "
                 "now() - interval '1 second' WHERE locked_until > now() "
                 f"AND key LIKE {sql_literal('%' + a.username + '%')} "
                 "RETURNING 1) SELECT count(*) FROM u")
        self.assertEqual(n, "1", "no locked row names the account")
        _, r = login(a.username, "wrong-again", addr=fresh_addr())
        self.assertEqual(r.status, 401, r)
        _, r = login(a.username, a.password, addr=fresh_addr())
        self.assertLocked(r, max_wait=60)
        self.assertGreater(int(r.header("Retry-After")), 30, r)

    def test_json_and_form_signups_are_not_throttled_by_logins(self):
        addr = fresh_addr()
        for i in range(5):
            _, r = login(fresh_username(), "wrong", addr=addr)
            self.assertEqual(r.status, 401, r)
        # Locked for logins, but signing up still works from there.
        a = signup(addr=addr)
        self.assertTrue(a.client.cookie)


# ================================================================ /me

class TestMe(AccountsTestCase):

    def setUp(self):
        self.addCleanup(reset_local_throttle)

    def test_get_json(self):
        a = signup(display_name="Ann")
        r = a.client.get("/me")
        doc = self.assertJsonOk(r)
        self.assertOwnUser(doc, username=a.username, email=a.email)
        self.assertEqual(doc, a.user)
        self.assertEqual(r.header("X-CSRF-Token"), a.client.csrf)
        self.assertIn("Accept", r.header("Vary", ""))

    def test_get_html(self):
        a = signup(display_name="Ann <i>")
        r = a.client.get("/me", accept="html")
        self.assertHtmlPage(r)
        self.assertIn(a.username.encode(), r.body)
        self.assertIn(b"Ann &lt;i&gt;", r.body)
        self.assertNotIn(b"Ann <i>", r.body)
        self.assertEqual(csrf_in_page(r.body), a.client.csrf)
        names = [n for f in page_forms(r.body) for n in f.names()]
        for f in ("display_name", "bio", "email", "csrf_token"):
            self.assertIn(f, names)
        self.assertNoSecrets(r.body, a.password)

    def test_anonymous(self):
        self.assertUnauthenticated(Client().get("/me"))
        r = Client().get("/me", accept="html")
        self.assertLoginRedirect(r, "/me")
        self.assertEqual(r.header("Location").split("?", 1)[1],
                         "next=%2Fme")

    def test_patch_json(self):
        a = signup()
        new_email = f"New.{a.username}@Example.net"
        r = a.client.json("PATCH", "/me", {"display_name": "Ann Ö",
                                           "bio": "Hi\nthere <3",
                                           "email": new_email}, csrf=True)
        doc = self.assertJsonOk(r)
        self.assertOwnUser(doc, username=a.username, email=new_email)
        self.assertEqual(doc["display_name"], "Ann Ö")
        self.assertEqual(doc["bio"], "Hi\nthere <3")
        self.assertEqual(a.client.get("/me").json(), doc)
        # Partial: only what is sent changes.
        r = a.client.json("PATCH", "/me", {"bio": ""}, csrf=True)
        doc = self.assertJsonOk(r)
        self.assertEqual((doc["display_name"], doc["bio"], doc["email"]),
                         ("Ann Ö", "", new_email))
        # The new e-mail logs in.
        _, r = login(new_email.lower(), a.password)
        self.assertEqual(r.status, 200, r)

    def test_patch_limits(self):
        a = signup()
        r = a.client.json("PATCH", "/me", {"display_name": "ß" * 100,
                                           "bio": "ß" * 5000}, csrf=True)
        doc = self.assertJsonOk(r)
        self.assertEqual(len(doc["display_name"]), 100)
        self.assertEqual(len(doc["bio"]), 5000)
        b = signup()
        cases = [
            ({"display_name": "ß" * 101}, {"display_name": MSG_DISPLAY_NAME}),
            ({"bio": "ß" * 5001}, {"bio": MSG_BIO}),
            ({"email": "not-an-address"}, {"email": MSG_EMAIL}),
            ({"email": b.email.upper()}, {"email": MSG_TAKEN}),
            ({"display_name": "d" * 101, "bio": "b" * 5001},
             {"display_name": MSG_DISPLAY_NAME, "bio": MSG_BIO}),
        ]
        for patch, fields in cases:
            with self.subTest(patch=list(patch)):
                r = a.client.json("PATCH", "/me", patch, csrf=True)
                self.assertValidation(r, fields)
        # Nothing changed.
        self.assertEqual(a.client.get("/me").json(), doc)

    def test_own_email_in_another_case_is_fine(self):
        a = signup()
        r = a.client.json("PATCH", "/me", {"email": a.email.upper()},
                          csrf=True)
        self.assertEqual(self.assertJsonOk(r)["email"], a.email.upper())

    def test_patch_html(self):
        a = signup()
        r = a.client.form("POST", "/me", {"_method": "PATCH",
                                          "display_name": "Form Name",
                                          "bio": "from a form"})
        self.assertRedirect(r, "/me")
        doc = a.client.get("/me").json()
        self.assertEqual((doc["display_name"], doc["bio"]),
                         ("Form Name", "from a form"))
        r = a.client.form("POST", "/me", {"_method": "PATCH",
                                          "display_name": "x" * 101,
                                          "bio": "kept <bio>"})
        self.assertHtmlPage(r, 422)
        self.assertIn(MSG_DISPLAY_NAME.encode(), r.body)
        self.assertIn(b"kept &lt;bio&gt;", r.body)

    def test_patch_html_without_csrf(self):
        a = signup()
        r = a.client.form("POST", "/me", {"_method": "PATCH",
                                          "display_name": "Nope"},
                          with_csrf=False)
        self.assertHtmlError(r, 403)
        self.assertNotEqual(a.client.get("/me").json()["display_name"],
                            "Nope")

    def test_password_change_needs_current_password(self):
        a = signup()
        new = fresh_password()
        r = a.client.json("PATCH", "/me", {"password": new,
                                           "current_password": "wrong-one!"},
                          csrf=True)
        self.assertValidation(r, {"current_password": MSG_CURRENT_PASSWORD})
        r = a.client.json("PATCH", "/me", {"password": new}, csrf=True)
        self.assertValidation(r, {"current_password": {MSG_CURRENT_PASSWORD,
                                                       MSG_REQUIRED}})
        r = a.client.json("PATCH", "/me", {"password": "short",
                                           "current_password": a.password},
                          csrf=True)
        self.assertValidation(r, {"password": MSG_PASSWORD})
        # Nothing changed: the old password still logs in.
        _, r = login(a.username, a.password)
        self.assertEqual(r.status, 200, r)

    def test_password_change(self):
        a = signup()
        other, r = login(a.username, a.password)
        self.assertEqual(r.status, 200, r)
        old_cookie = a.client.cookie
        new = "new-" + fresh_password()
        r = a.client.json("PATCH", "/me", {"password": new,
                                           "current_password": a.password},
                          csrf=True)
        doc = self.assertJsonOk(r)
        self.assertOwnUser(doc, username=a.username)
        self.assertNoSecrets(r.body, new, a.password)
        # The current session goes on, under a new token.
        rotated = session_set_cookie(r)
        self.assertIsNotNone(rotated, "the current session is not rotated")
        self.assertSessionCookie(r)
        self.assertNotEqual(rotated.value, old_cookie)
        self.assertEqual(a.client.get("/me").status, 200)
        self.assertEqual(a.client.json("PATCH", "/me", {"bio": "still here"},
                                       csrf=True).status, 200)
        stale = Client()
        stale.cookie = old_cookie
        self.assertUnauthenticated(stale.get("/me"))
        # Every other session is gone.
        self.assertUnauthenticated(other.get("/me"))
        self.assertEqual(psql("SELECT count(*) FROM sessions WHERE "
                              f"user_id = {a.id}"), "1")
        # The new password logs in, the old one does not.
        _, r = login(a.username, a.password)
        self.assertEqual(r.status, 401, r)
        _, r = login(a.username, new)
        self.assertEqual(r.status, 200, r)
        h = psql(f"SELECT password_hash FROM users WHERE id = {a.id}")
        self.assertTrue(h.startswith("$argon2id$"), h)

    def test_password_change_by_form(self):
        a = signup()
        new = "form-" + fresh_password()
        r = a.client.form("POST", "/me", {"_method": "PATCH",
                                          "password": new,
                                          "current_password": "nope-nope!"})
        self.assertHtmlPage(r, 422)
        self.assertIn(MSG_CURRENT_PASSWORD.encode(), r.body)
        self.assertNoSecrets(r.body, new, "nope-nope!")
        r = a.client.form("POST", "/me", {"_method": "PATCH",
                                          "password": new,
                                          "current_password": a.password})
        self.assertRedirect(r, "/me")
        self.assertEqual(a.client.get("/me").status, 200)
        _, r = login(a.username, new)
        self.assertEqual(r.status, 200, r)


# ================================================================ /users/{u}

class TestPublicProfile(AccountsTestCase):

    def test_json(self):
        a = signup(display_name="Pat")
        psql(f"UPDATE users SET bio = 'hello' WHERE id = {a.id}")
        for c in (Client(), signup().client, a.client):
            with self.subTest(viewer=c.cookie is not None):
                r = c.get("/users/" + a.username)
                doc = self.assertJsonOk(r)
                self.assertPublicUser(doc, username=a.username)
                self.assertEqual(doc["id"], a.id)
                self.assertEqual(doc["display_name"], "Pat")
                self.assertEqual(doc["bio"], "hello")
                self.assertEqual(doc["created_at"], a.user["created_at"])
                self.assertEqual(doc["listings"], [])
                self.assertEqual(doc["reviews"], [])
                self.assertNotIn(a.email.encode(), r.body)

    def test_html(self):
        a = signup(display_name="Pat <script>")
        r = Client().get("/users/" + a.username, accept="html")
        self.assertHtmlPage(r)
        self.assertIn(a.username.encode(), r.body)
        self.assertIn(b"Pat &lt;script&gt;", r.body)
        self.assertNotIn(a.email.encode(), r.body)
        self.assertNoSecrets(r.body)

    def test_unknown(self):
        r = Client().get("/users/" + fresh_username())
        self.assertJsonError(r, 404, "not_found")
        self.assertHtmlError(Client().get("/users/" + fresh_username(),
                                          accept="html"), 404)

    def test_invalid_usernames(self):
        a = signup()
        for bad in [a.username.upper(), "ab", "a" * 33, "bad-name",
                    "%2e%2e", "%C3%A5lice", a.username + "%20",
                    a.username + "/", a.username + "/x"]:
            with self.subTest(path=bad):
                r = Client().get("/users/" + bad)
                self.assertJsonError(r, 404, "not_found")


if __name__ == "__main__":
    unittest.main()
