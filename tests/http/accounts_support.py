"""Helpers for the accounts, sessions and API token tests (docs/accounts.md).

Python 3.11 standard library only; builds on support.py.

What lives here:
  - Client: a tiny browser/API client with a cookie jar, the last CSRF token
    it was given and an optional bearer token.  It talks through nginx (the
    client address is then 127.0.0.1) or, given addr=, straight to the stack's
    innkeep over FastCGI with that REMOTE_ADDR, so that throttling tests can
    use addresses of their own and never lock 127.0.0.1 out for the others.
  - fresh_username(), signup(), login(): accounts made for one test.
  - parse_set_cookie(), page_forms(), csrf_in_page(): reading answers.
  - blake2b hashes of tokens, user_id(), reset_local_throttle(): psql helpers.
  - AccountsTestCase: StackTestCase plus the asserts these files share.
"""

import base64
import hashlib
import html.parser
import json
import re
import secrets
import urllib.parse
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone

from support import (ACCEPT_HTML, ACCEPT_JSON, HTML_TYPE, JSON_TYPE,
                     Response, StackTestCase, env, fcgi_request, psql,
                     request, urlencode_pairs)

# docs/accounts.md, "Input and validation"
MSG_USERNAME = "must be 3 to 32 characters: a-z, 0-9 and _"
MSG_TAKEN = "is already taken"
MSG_EMAIL = "is not a valid e-mail address"
MSG_PASSWORD = "must be at least 10 characters"
MSG_DISPLAY_NAME = "must be at most 100 characters"
MSG_BIO = "must be at most 5000 characters"
MSG_CURRENT_PASSWORD = "is not correct"
MSG_TOKEN_NAME = "must be 1 to 100 characters"
MSG_REQUIRED = "is required"
MSG_INVALID_LOGIN = "invalid login"

FORM_TYPE = "application/x-www-form-urlencoded"
SESSION_COOKIE = "session"          # __Host-session only with secure_cookies
COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{43}$")
API_TOKEN = re.compile(r"^ik_[A-Za-z0-9_-]{43}$")
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
THIRTY_DAYS = 30 * 24 * 3600
TWO_HOURS = 2 * 3600

OWN_USER_KEYS = {"id", "username", "display_name", "bio", "created_at",
                 "email", "is_active"}
PUBLIC_USER_KEYS = {"id", "username", "display_name", "bio", "created_at"}
TOKEN_KEYS = {"id", "name", "created_at", "last_used_at"}


# ---------------------------------------------------------------- names

def fresh_username(prefix="u"):
    """3-32 of a-z0-9_, unique per call."""
    return (prefix + secrets.token_hex(6))[:32]


def fresh_password():
    return "pw-" + secrets.token_urlsafe(12)


def fresh_addr():
    """A client address of the benchmarking range 198.18.0.0/15 that no
    other test uses (throttling counts per address)."""
    b = secrets.token_bytes(3)
    return f"198.{18 + (b[0] & 1)}.{b[1]}.{max(1, b[2])}"


# ---------------------------------------------------------------- cookies

class SetCookie:
    def __init__(self, raw):
        self.raw = raw
        parts = [p.strip() for p in raw.split(";")]
        self.name, _, self.value = parts[0].partition("=")
        self.name = self.name.strip()
        self.value = self.value.strip()
        self.attrs = {}                     # lower-case name -> value or True
        for p in parts[1:]:
            if not p:
                continue
            k, eq, v = p.partition("=")
            self.attrs[k.strip().lower()] = v.strip() if eq else True

    def attr(self, name, default=None):
        return self.attrs.get(name.lower(), default)

    @property
    def max_age(self):
        v = self.attr("max-age")
        return None if v is None or v is True else int(v)

    def expires_now(self):
        """True when the cookie tells the browser to drop it."""
        if self.max_age is not None and self.max_age <= 0:
            return True
        exp = self.attr("expires")
        if isinstance(exp, str):
            try:
                when = parsedate_to_datetime(exp)
            except (TypeError, ValueError):
                return False
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            return when <= datetime.now(timezone.utc)
        return False

    def __repr__(self):
        return f"<SetCookie {self.raw!r}>"


def parse_set_cookie(raw):
    return SetCookie(raw)


def session_set_cookie(r):
    """The Set-Cookie of the session cookie in r, or None."""
    found = None
    for raw in r.headers_named("Set-Cookie"):
        c = SetCookie(raw)
        if c.name in (SESSION_COOKIE, "__Host-session"):
            found = c
    return found


# ---------------------------------------------------------------- pages

class Form:
    def __init__(self, attrs):
        a = dict(attrs)
        self.action = a.get("action") or ""
        self.method = (a.get("method") or "get").lower()
        self.fields = []                    # [(name, value, type)]

    def hidden(self):
        return [(n, v) for n, v, t in self.fields if t == "hidden"]

    def field(self, name):
        for n, v, _ in self.fields:
            if n == name:
                return v
        return None

    def names(self):
        return [n for n, _, _ in self.fields]

    def __repr__(self):
        return f"<Form {self.method} {self.action!r} {self.fields!r}>"


class _FormParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.inputs = []                    # every input, in or out of a form
        self._cur = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._cur = Form(attrs)
            self.forms.append(self._cur)
        elif tag in ("input", "select", "button") and a.get("name"):
            f = (a["name"], a.get("value") or "",
                 (a.get("type") or "text").lower())
            self.inputs.append(f)
            if self._cur is not None:
                self._cur.fields.append(f)
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._cur = None
        elif tag == "textarea" and self._textarea is not None:
            f = (self._textarea[0], self._textarea[1], "textarea")
            self.inputs.append(f)
            if self._cur is not None:
                self._cur.fields.append(f)
            self._textarea = None


def page_forms(body):
    p = _FormParser()
    p.feed(body.decode("utf-8") if isinstance(body, bytes) else body)
    p.close()
    return p.forms


def page_inputs(body):
    p = _FormParser()
    p.feed(body.decode("utf-8") if isinstance(body, bytes) else body)
    p.close()
    return p.inputs


def csrf_in_page(body):
    """The value of the first hidden csrf_token field of the page."""
    for name, value, typ in page_inputs(body):
        if name == "csrf_token":
            return value
    return None


def form_posting_to(body, path):
    """The first POST form of the page whose action's path is path (an
    empty action means the page itself: pass path=None to accept it)."""
    for f in page_forms(body):
        if f.method != "post":
            continue
        action_path = urllib.parse.urlsplit(f.action).path
        if action_path == path or (path is None and not f.action):
            return f
    return None


def location_target(r, base=None):
    """(netloc, path, query dict) of r's Location; netloc is '' for a
    relative one."""
    loc = r.header("Location")
    if loc is None:
        return None
    u = urllib.parse.urlsplit(loc)
    return u.netloc, u.path, urllib.parse.parse_qs(u.query)


# ---------------------------------------------------------------- client

def _to_response(fr):
    headers = [(k, v) for k, v in fr.header_list if k.lower() != "status"]
    return Response(fr.status, "", headers, fr.body)


class Client:
    """Cookie jar + CSRF token + bearer token.  Set-Cookie answers update
    the jar, X-CSRF-Token answers update csrf."""

    def __init__(self, addr=None, bearer=None):
        self.addr = addr                    # None: through nginx
        self.cookie = None                  # value of the session cookie
        self.cookie_name = SESSION_COOKIE
        self.csrf = None
        self.bearer = bearer
        self.last = None

    def clone_without_session(self):
        return Client(addr=self.addr)

    def send(self, method, path, headers=None, body=None, accept="json",
             send_cookie=True, csrf=False, bearer=True, update=True,
             timeout=30):
        h = {}
        if accept == "json":
            h.update(ACCEPT_JSON)
        elif accept == "html":
            h.update(ACCEPT_HTML)
        if send_cookie and self.cookie is not None:
            h["Cookie"] = f"{self.cookie_name}={self.cookie}"
        if csrf is True:
            if self.csrf:
                h["X-CSRF-Token"] = self.csrf
        elif isinstance(csrf, str):
            h["X-CSRF-Token"] = csrf
        if bearer and self.bearer:
            h["Authorization"] = "Bearer " + self.bearer
        if headers:
            h.update(headers)
        if isinstance(body, str):
            body = body.encode("utf-8")
        if self.addr is None:
            r = request(method, path, headers=h, body=body, timeout=timeout)
        else:
            p, _, q = path.partition("?")
            fr = fcgi_request(env("INNKEEP_TEST_FCGI_SOCKET"), method, p,
                              timeout=timeout, query=q, headers=h,
                              body=body or b"",
                              params={"REMOTE_ADDR": self.addr})
            r = _to_response(fr)
        if update:
            self.absorb(r)
        self.last = r
        return r

    def absorb(self, r):
        c = session_set_cookie(r)
        if c is not None:
            if c.expires_now():
                self.cookie = None
            else:
                self.cookie = c.value
                self.cookie_name = c.name
        tok = r.header("X-CSRF-Token")
        if tok:
            self.csrf = tok

    # -- conveniences
    def get(self, path, accept="json", **kw):
        return self.send("GET", path, accept=accept, **kw)

    def json(self, method, path, doc, **kw):
        h = {"Content-Type": "application/json"}
        h.update(kw.pop("headers", None) or {})
        return self.send(method, path, headers=h, body=json.dumps(doc),
                         **kw)

    def form(self, method, path, pairs, accept="html", with_csrf=True,
             **kw):
        """An urlencoded form; with_csrf adds the field csrf_token with the
        client's token (when it has one)."""
        pairs = list(pairs.items()) if isinstance(pairs, dict) else \
            list(pairs)
        if with_csrf and self.csrf:
            pairs.append(("csrf_token", self.csrf))
        h = {"Content-Type": FORM_TYPE}
        h.update(kw.pop("headers", None) or {})
        return self.send(method, path, headers=h,
                         body=urlencode_pairs(pairs), accept=accept, **kw)


# ---------------------------------------------------------------- accounts

class Account:
    def __init__(self, username, email, password, user, client):
        self.username = username
        self.email = email
        self.password = password
        self.user = user                    # the JSON user of the sign-up
        self.client = client                # logged in (cookie + csrf)

    @property
    def id(self):
        return self.user["id"]


def signup(username=None, email=None, password=None, display_name=None,
           addr=None):
    """A fresh account through JSON POST /signup; asserts 201."""
    username = username or fresh_username()
    email = email or f"{username}@example.org"
    password = password or fresh_password()
    doc = {"username": username, "email": email, "password": password}
    if display_name is not None:
        doc["display_name"] = display_name
    c = Client(addr=addr)
    r = c.json("POST", "/signup", doc)
    if r.status != 201:
        raise AssertionError(f"sign-up of {username} failed: {r!r}")
    return Account(username, email, password, r.json(), c)


def login(login_name, password, addr=None, client=None):
    """JSON POST /login; returns (client, response)."""
    c = client or Client(addr=addr)
    r = c.json("POST", "/login", {"login": login_name, "password": password})
    return c, r


def user_id(username):
    return int(psql("SELECT id FROM users WHERE username = "
                    + sql_literal(username)))


def sql_literal(s):
    return "'" + s.replace("'", "''") + "'"


def session_count(uid):
    return int(psql(f"SELECT count(*) FROM sessions WHERE user_id = {uid}"))


def reset_local_throttle():
    """Forgets the failed-login counters of 127.0.0.1 (every request
    through nginx comes from there), so that tests which fail logins on
    purpose do not lock the other tests out."""
    psql("DELETE FROM login_attempts WHERE key LIKE '%127.0.0.1%' "
         "OR key LIKE '%::1%'")


def token_hash_candidates(token):
    """Hex BLAKE2b-256 of what the stored hash may be computed over: the
    text as sent, and the 32 bytes it encodes (with and without ik_)."""
    out = set()
    texts = [token]
    if token.startswith("ik_"):
        texts.append(token[3:])
    for t in texts:
        out.add(hashlib.blake2b(t.encode(), digest_size=32).hexdigest())
        try:
            raw = urllib.parse.unquote(t)
            b = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
            if len(b) == 32:
                out.add(hashlib.blake2b(b, digest_size=32).hexdigest())
        except ValueError:
            pass
    return out


# ---------------------------------------------------------------- asserts

class AccountsTestCase(StackTestCase):

    def assertValidation(self, r, fields):
        """422 validation_failed whose fields are exactly these messages
        (a message of None: the field is named, any message)."""
        err = self.assertJsonError(r, 422, "validation_failed")
        got = err.get("fields")
        self.assertIsInstance(got, dict, r)
        for k, msg in fields.items():
            self.assertIn(k, got, r)
            if msg is not None:
                if isinstance(msg, (set, tuple, list)):
                    self.assertIn(got[k], msg, r)
                else:
                    self.assertEqual(got[k], msg, r)
        self.assertEqual(set(got), set(fields), r)
        return got

    def assertUnauthenticated(self, r):
        err = self.assertJsonError(r, 401, "unauthenticated")
        return err

    def assertCsrfFailed(self, r):
        err = self.assertJsonError(r, 403, "csrf_failed")
        return err

    def assertRedirect(self, r, path, query=None, status=303):
        """status and a Location on this site to path (and query)."""
        self.assertEqual(r.status, status, r)
        t = location_target(r)
        self.assertIsNotNone(t, f"no Location: {r!r}")
        netloc, p, q = t
        if netloc:
            self.assertEqual(netloc, urllib.parse.urlsplit(
                env("INNKEEP_TEST_BASE_URL")).netloc, r)
        self.assertEqual(p, path, r)
        if query is not None:
            self.assertEqual(q, query, r)

    def assertLoginRedirect(self, r, next_path):
        self.assertRedirect(r, "/login", {"next": [next_path]})

    def assertOwnUser(self, doc, username=None, email=None):
        self.assertIsInstance(doc, dict)
        self.assertEqual(set(doc), OWN_USER_KEYS, doc)
        self.assertIsInstance(doc["id"], int)
        self.assertGreater(doc["id"], 0)
        self.assertRegex(doc["created_at"], RFC3339_UTC)
        self.assertIs(doc["is_active"], True)
        if username is not None:
            self.assertEqual(doc["username"], username)
        if email is not None:
            self.assertEqual(doc["email"], email)
        self.assertNoSecrets(json.dumps(doc).encode())

    def assertPublicUser(self, doc, username=None):
        self.assertIsInstance(doc, dict)
        for k in PUBLIC_USER_KEYS:
            self.assertIn(k, doc)
        self.assertNotIn("email", doc)
        self.assertNotIn("is_active", doc)
        self.assertNotIn("is_admin", doc)
        if username is not None:
            self.assertEqual(doc["username"], username)
        self.assertNoSecrets(json.dumps(doc).encode())

    def assertNoSecrets(self, body, *secrets_):
        self.assertNotIn(b"password_hash", body)
        self.assertNotIn(b"$argon2", body)
        self.assertNotIn(b"token_hash", body)
        for s in secrets_:
            if s:
                self.assertNotIn(s.encode() if isinstance(s, str) else s,
                                 body)

    def assertSessionCookie(self, r, max_age=THIRTY_DAYS):
        """A Set-Cookie for the session with the attributes of
        docs/accounts.md; returns it."""
        c = session_set_cookie(r)
        self.assertIsNotNone(c, f"no session Set-Cookie: {r!r}")
        self.assertEqual(c.name, SESSION_COOKIE, c)
        self.assertRegex(c.value, COOKIE_VALUE, c)
        self.assertIs(c.attr("httponly"), True, c)
        self.assertEqual(str(c.attr("samesite", "")).lower(), "lax", c)
        self.assertEqual(c.attr("path"), "/", c)
        self.assertIsNotNone(c.max_age, f"no Max-Age: {c!r}")
        if max_age is not None:
            self.assertLessEqual(c.max_age, max_age, c)
            self.assertGreaterEqual(c.max_age, max_age - 60, c)
        self.assertNotIn("domain", c.attrs, c)
        return c

    def assertCsrfHeader(self, r):
        tok = r.header("X-CSRF-Token")
        self.assertTrue(tok, f"no X-CSRF-Token header: {r!r}")
        self.assertGreaterEqual(len(tok), 16, r)
        self.assertLessEqual(len(tok), 128, r)
        return tok

    def assertHtmlPage(self, r, status=200):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.content_type, HTML_TYPE, r)
        self.assertIn(b"<html", r.body.lower(), r)
        self.assertSecurityHeaders(r)

    def assertJsonOk(self, r, status=200):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.content_type, JSON_TYPE, r)
        return r.json()



# ---------------------------------------------------------------- libsodium

def weak_argon2id_hash(password):
    """An Argon2id string for password with libsodium's minimum limits
    (opslimit 1, 8 KiB), as an old deployment might have stored; None
    when libsodium cannot be loaded."""
    import ctypes
    import ctypes.util
    name = ctypes.util.find_library("sodium") or "libsodium.so.23"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    if lib.sodium_init() < 0:
        return None
    out = ctypes.create_string_buffer(128)     # crypto_pwhash_STRBYTES
    pw = password.encode()
    alg_argon2id13 = 2
    rc = lib.crypto_pwhash_str_alg(out, pw, ctypes.c_ulonglong(len(pw)),
                                   ctypes.c_ulonglong(1),
                                   ctypes.c_size_t(8192),
                                   ctypes.c_int(alg_argon2id13))
    return out.value.decode() if rc == 0 else None
