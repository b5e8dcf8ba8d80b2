"""HTML pages rendered from templates/ (layout, home, error) and the
caching headers of every answer: ETag and 304 Not Modified, Cache-Control,
Vary.

The pages are parsed with html.parser and held to what docs/templates.md
promises of the output (HTML5: a doctype, void elements without end tags,
every other element closed, no comments, no t: attributes left) and to what
the CSP needs (no <script>, no <style>, no style or on* attributes).  The
error pages are checked for every status the application can produce today:
400, 404, 405, 413, 415 and 503.

Caching (the template issue):
  - every 200 answer to GET/HEAD but /metrics has a strong ETag derived from
    the body; If-None-Match with it (alone, in a list, or *) is 304 with no
    body, the same ETag, Vary and Cache-Control;
  - Cache-Control: no-cache without a session, "private, no-cache" with a
    session cookie (session or __Host-session) or an Authorization header,
    no-store on errors; an error is never 304;
  - Vary: Accept on negotiated answers, plus Cookie on HTML pages.
"""

import html.parser
import re
import unittest
import urllib.parse

from support import (ACCEPT_HTML, ACCEPT_JSON, HTML_TYPE, JSON_TYPE,
                     StackTestCase, get, max_body, post, request)
from test_dbrestart import DbCase

TIMEOUT = 30

# HTML5 void elements: never an end tag.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
# Where a <header>/<footer> is no longer the page's banner/contentinfo.
SECTIONING = {"article", "aside", "main", "nav", "section"}
URL_ATTRS = {"href", "src", "action", "formaction", "poster", "cite"}

# RFC 9110 §8.8.3: entity-tag = [ W/ ] opaque-tag; strong = no W/.
STRONG_ETAG = re.compile(r'^"[\x21\x23-\x7e\x80-\xff]*"$')

SEARCH_XSS = "<script>alert(1)</script>"
SEARCH_QUOTES = "\"'><svg onload=1>"


# ---------------------------------------------------------------- helpers

class Element:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = attrs                  # [(name, value)] in order
        self.parent = parent
        self.children = []
        self.text = []                      # character data directly inside

    def attr(self, name, default=None):
        for k, v in self.attrs:
            if k == name:
                return v
        return default

    def ancestors(self):
        p = self.parent
        while p is not None:
            yield p
            p = p.parent

    def text_content(self):
        out = list(self.text)
        for c in self.children:
            out.append(c.text_content())
        return "".join(out)

    def __repr__(self):
        return f"<{self.tag} {self.attrs!r}>"


class PageParser(html.parser.HTMLParser):
    """Builds a tree and records everything a rendered page must not hold.
    problems: strings, one per violation, with the line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.doctypes = []
        self.root = Element("#document", [], None)
        self.cur = self.root
        self.elements = []
        self.problems = []
        self.comments = []

    def _where(self):
        return f"line {self.getpos()[0]}"

    def handle_decl(self, decl):
        self.doctypes.append(decl)

    def unknown_decl(self, data):
        self.problems.append(f"{self._where()}: unknown declaration "
                             f"<![{data}]>")

    def handle_pi(self, data):
        self.problems.append(f"{self._where()}: processing instruction "
                             f"<?{data}>")

    def handle_comment(self, data):
        self.comments.append(data)

    def _open(self, tag, attrs):
        el = Element(tag, attrs, self.cur)
        self.cur.children.append(el)
        self.elements.append(el)
        return el

    def handle_starttag(self, tag, attrs):
        el = self._open(tag, attrs)
        if tag not in VOID:
            self.cur = el

    def handle_startendtag(self, tag, attrs):
        # <x/>: in HTML5 the slash means nothing on a non-void element
        # (a <div/> opens a div that swallows what follows).
        if tag not in VOID:
            self.problems.append(f"{self._where()}: <{tag}/> is not a void "
                                 f"element: it needs an end tag")
        self._open(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append(f"{self._where()}: end tag </{tag}> of a "
                                 f"void element")
            return
        if self.cur.tag != tag:
            open_tags = [self.cur.tag] + [a.tag for a in self.cur.ancestors()]
            self.problems.append(f"{self._where()}: </{tag}> closes "
                                 f"<{self.cur.tag}> (open: {open_tags})")
            # recover: close up to the matching element, if any
            for a in [self.cur] + list(self.cur.ancestors()):
                if a.tag == tag:
                    self.cur = a.parent
                    break
            return
        self.cur = self.cur.parent

    def handle_data(self, data):
        self.cur.text.append(data)

    def close(self):
        super().close()
        if self.cur is not self.root:
            open_tags = [self.cur.tag] + [a.tag for a in self.cur.ancestors()
                                          if a is not self.root]
            self.problems.append(f"elements left open at the end: "
                                 f"{open_tags}")

    def find_all(self, tag):
        return [e for e in self.elements if e.tag == tag]


def parse_page(body):
    p = PageParser()
    p.feed(body.decode("utf-8"))
    p.close()
    return p


def directives(value):
    """Cache-Control / Vary value -> set of lower-cased tokens."""
    return {t.strip().lower() for t in (value or "").split(",") if t.strip()}


def vary_of(r):
    return directives(",".join(r.headers_named("Vary")))


def cache_control(r):
    return directives(",".join(r.headers_named("Cache-Control")))


class PageCase(StackTestCase):
    """Asserts on rendered pages, shared by the page and the error tests."""

    def assertWellFormedPage(self, r):
        """The layout's promises; returns the parser for more checks."""
        self.assertEqual(r.content_type, HTML_TYPE, r)
        body = r.body
        self.assertTrue(body.lstrip().startswith(b"<!DOCTYPE html>"),
                        f"the page does not start with <!DOCTYPE html>: "
                        f"{body[:80]!r}")
        p = parse_page(body)
        self.assertEqual([d.lower() for d in p.doctypes], ["doctype html"],
                         "exactly one <!DOCTYPE html>")
        self.assertEqual(p.problems, [], "the HTML is not well formed")
        self.assertEqual(p.comments, [], "comments are left out of pages")

        top = [e for e in p.root.children]
        self.assertEqual([e.tag for e in top], ["html"],
                         "one <html> root element")
        root = top[0]
        self.assertEqual(root.attr("lang"), "en", f"<html> {root.attrs}")
        self.assertEqual([e.tag for e in root.children], ["head", "body"],
                         "<html> holds <head> and <body>")

        titles = p.find_all("title")
        self.assertEqual(len(titles), 1, "one <title>")
        self.assertTrue(titles[0].text_content().strip(), "empty <title>")
        self.assertIn("head", [a.tag for a in titles[0].ancestors()])
        charset = [m for m in p.find_all("meta")
                   if (m.attr("charset") or "").lower() == "utf-8"]
        self.assertEqual(len(charset), 1, '<meta charset="utf-8">')

        mains = p.find_all("main")
        self.assertEqual(len(mains), 1, "one <main>")
        self.assertEqual(mains[0].attr("id"), "main", '<main id="main">')
        for landmark in ("header", "footer"):
            top_level = [e for e in p.find_all(landmark)
                         if not any(a.tag in SECTIONING
                                    for a in e.ancestors())]
            self.assertTrue(top_level, f"no page-level <{landmark}> "
                            f"landmark (outside main/section/article)")
        h1 = p.find_all("h1")
        self.assertEqual(len(h1), 1, f"one <h1>, found {len(h1)}")
        self.assertTrue(h1[0].text_content().strip(), "empty <h1>")
        self.assertIn(mains[0], list(h1[0].ancestors()),
                      "the <h1> is inside <main>")

        # What the CSP forbids, and what the engine must strip.
        self.assertEqual(p.find_all("script"), [], "no <script>")
        self.assertEqual(p.find_all("style"), [], "no <style>")
        ids = []
        for e in p.elements:
            for name, value in e.attrs:
                where = f"<{e.tag} {name}={value!r}>"
                self.assertNotEqual(name, "style", f"inline style: {where}")
                self.assertFalse(name.startswith("on"),
                                 f"event handler attribute: {where}")
                self.assertFalse(name.startswith("t:") or
                                 name.startswith("xmlns"),
                                 f"template attribute left: {where}")
                if name in URL_ATTRS and value:
                    scheme = urllib.parse.urlsplit(value.strip()).scheme
                    self.assertIn(scheme.lower(),
                                  ("", "http", "https", "mailto"), where)
                if name == "id":
                    ids.append(value)
        self.assertEqual(len(ids), len(set(ids)), f"duplicate ids: {ids}")
        self.assertNotIn(b"xmlns", body, "namespace declarations left")
        return p

    def assertErrorPage(self, r, status, message):
        """An HTML error page: the layout, the status code and the message
        of the JSON error, and the caching headers of errors."""
        self.assertHtmlError(r, status)
        p = self.assertWellFormedPage(r)
        main_text = " ".join(p.find_all("main")[0].text_content().split())
        self.assertIn(str(status), main_text,
                      f"the page shows the status code: {main_text!r}")
        self.assertIn(" ".join(message.split()), main_text,
                      "the page shows the JSON error's message")
        self.assertIn("no-store", cache_control(r), r.header_list)
        self.assertIsNone(r.header("ETag"), f"ETag on an error: {r!r}")
        self.assertIn("accept", vary_of(r), r.header_list)
        return p


# ---------------------------------------------------------------- home page

class TestHomePage(PageCase):
    def test_structure(self):
        for headers in (ACCEPT_HTML, None, {"Accept": "text/html"}):
            with self.subTest(headers=headers):
                r = get("/", headers=headers)
                self.assertEqual(r.status, 200, r)
                self.assertSecurityHeaders(r)
                self.assertWellFormedPage(r)

    def test_title_names_the_site(self):
        p = parse_page(get("/", headers=ACCEPT_HTML).body)
        self.assertIn("innkeep", p.find_all("title")[0].text_content()
                      .lower())

    def test_search_box(self):
        r = get("/?q=" + urllib.parse.quote("lisbon loft"),
                headers=ACCEPT_HTML)
        self.assertEqual(r.status, 200, r)
        p = self.assertWellFormedPage(r)
        boxes = search_boxes(p)
        self.assertTrue(boxes, "no search input named q")
        for box in boxes:
            self.assertEqual(box.attr("value"), "lisbon loft",
                             "the search box keeps the query")
            forms = [a for a in box.ancestors() if a.tag == "form"]
            self.assertTrue(forms, "the search input is in a form")
            self.assertEqual((forms[0].attr("method") or "get").lower(),
                             "get")

    def test_search_box_empty_without_q(self):
        p = parse_page(get("/", headers=ACCEPT_HTML).body)
        boxes = search_boxes(p)
        self.assertTrue(boxes, "no search input named q")
        for box in boxes:
            self.assertIn(box.attr("value"), (None, ""))


def search_boxes(p):
    return [i for i in p.find_all("input") if i.attr("name") == "q"]


class TestEscaping(PageCase):
    """The search box echoes the query: the one request value a page
    shows today."""

    def assertSearchValue(self, r, value):
        """Every search input named q holds exactly value."""
        p = self.assertWellFormedPage(r)
        boxes = search_boxes(p)
        self.assertTrue(boxes, "no search input named q")
        for box in boxes:
            self.assertEqual(box.attr("value"), value, box)
        return p

    def test_script_in_q(self):
        for raw in (False, True):
            with self.subTest(raw_in_url=raw):
                q = (SEARCH_XSS if raw
                     else urllib.parse.quote(SEARCH_XSS, safe=""))
                r = get("/?q=" + q + "&x", headers=ACCEPT_HTML)
                self.assertEqual(r.status, 200, r)
                self.assertNotIn(b"<script", r.body.lower())
                self.assertNotIn(b"</script", r.body.lower())
                self.assertIn(b"&lt;script&gt;alert(1)&lt;/script&gt;",
                              r.body, "the escaped form is on the page")
                self.assertSearchValue(r, SEARCH_XSS)

    def test_quotes_stay_in_the_value(self):
        r = get("/?q=" + urllib.parse.quote(SEARCH_QUOTES, safe=""),
                headers=ACCEPT_HTML)
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(b"<svg", r.body.lower())
        self.assertNotIn(SEARCH_QUOTES.encode(), r.body)
        # the whole string stays inside value="..."
        p = self.assertSearchValue(r, SEARCH_QUOTES)
        self.assertEqual(p.find_all("svg"), [])
        for e in p.elements:
            self.assertFalse(any(n.startswith("on") for n, _ in e.attrs), e)

    def test_ampersands_and_entities(self):
        q = "a&amp;b <b>&#60;"
        r = get("/?q=" + urllib.parse.quote(q, safe=""), headers=ACCEPT_HTML)
        self.assertSearchValue(r, q)        # escaped once, exactly
        self.assertNotIn(b"<b>", r.body)

    def test_non_ascii(self):
        q = "Zürich 東京 🏠"
        r = get("/?q=" + urllib.parse.quote(q, safe=""), headers=ACCEPT_HTML)
        self.assertSearchValue(r, q)
        self.assertIn(q.encode("utf-8"), r.body, "UTF-8 passes through")

    def test_error_page_does_not_echo_markup(self):
        r = get("/nope?q=" + urllib.parse.quote(SEARCH_XSS, safe=""),
                headers=ACCEPT_HTML)
        self.assertEqual(r.status, 404, r)
        self.assertNotIn(b"<script", r.body.lower())
        self.assertWellFormedPage(r)
        r = get("/nope/" + urllib.parse.quote(SEARCH_XSS, safe=""),
                headers=ACCEPT_HTML)
        self.assertEqual(r.status, 404, r)
        self.assertNotIn(b"<script", r.body.lower())
        self.assertWellFormedPage(r)


# ---------------------------------------------------------------- errors

class TestErrorPages(PageCase):
    @classmethod
    def tearDownClass(cls):
        StackTestCase.assertHealthy(cls("test_404"))

    def check(self, method, path, status, body=None, ctype=None):
        headers = {}
        if ctype:
            headers["Content-Type"] = ctype
        js = request(method, path, headers=dict(ACCEPT_JSON, **headers),
                     body=body, timeout=TIMEOUT)
        self.assertEqual(js.status, status, js)
        self.assertEqual(js.content_type, JSON_TYPE, js)
        message = js.json()["error"]["message"]
        r = request(method, path, headers=dict(ACCEPT_HTML, **headers),
                    body=body, timeout=TIMEOUT)
        self.assertEqual(r.status, js.status,
                         "the HTML page has the JSON error's status")
        self.assertErrorPage(r, status, message)
        return r

    def test_404(self):
        for path in ("/nope", "/nope?x=1", "/%E2%82%AC", "/healthz/x"):
            with self.subTest(path=path):
                self.check("GET", path, 404)

    def test_404_without_accept(self):
        r = get("/nope")
        self.assertEqual(r.status, 404, r)
        self.assertWellFormedPage(r)

    def test_405(self):
        for method, path in (("PUT", "/healthz"), ("DELETE", "/"),
                             ("POST", "/metrics")):
            with self.subTest(method=method, path=path):
                r = self.check(method, path, 405, body=b"",
                               ctype="application/x-www-form-urlencoded")
                allow = directives(r.header("Allow"))
                self.assertIn("get", allow, r.header_list)
                self.assertIn("head", allow, r.header_list)

    def test_400_bad_query(self):
        for path in ("/?q=%zz", "/healthz?a=%zz"):
            with self.subTest(path=path):
                self.check("GET", path, 400)

    def test_413(self):
        body = b"a=" + b"x" * (max_body() - 1)      # max_body + 1 bytes
        self.check("POST", "/_test/echo", 413, body=body,
                   ctype="application/x-www-form-urlencoded")

    def test_415(self):
        self.check("POST", "/_test/echo", 415, body=b"hello",
                   ctype="text/plain")

    def test_head_of_an_error_page(self):
        g = get("/nope", headers=ACCEPT_HTML)
        h = request("HEAD", "/nope", headers=ACCEPT_HTML)
        self.assertEqual((h.status, h.body), (404, b""), h)
        self.assertEqual(h.content_type, g.content_type)
        self.assertIsNone(h.header("ETag"))
        self.assertIn("no-store", cache_control(h))


class TestUnavailablePage(DbCase, PageCase):
    """503 from /readyz with PostgreSQL stopped (test_dbrestart's way of
    stopping it: DbCase starts it again and waits for every thread)."""

    def test_503(self):
        r = pg_stop(self)
        self.assertEqual(r.status, 503, r)
        message = r.json()["error"]["message"]
        r = get("/readyz", headers=ACCEPT_HTML, timeout=TIMEOUT)
        self.assertUnavailable(r)
        self.assertErrorPage(r, 503, message)
        # an error is never 304, whatever the client holds
        for inm in ("*", '"x"'):
            with self.subTest(if_none_match=inm):
                r = get("/readyz", headers=dict(ACCEPT_HTML,
                                                **{"If-None-Match": inm}),
                        timeout=TIMEOUT)
                self.assertEqual(r.status, 503, r)
                self.assertTrue(r.body)

    def test_ready_etag_then_down(self):
        """A client holding /readyz's ETag gets 503, not 304, when the
        database goes away."""
        held = []
        for accept in (ACCEPT_JSON, {}):
            r = get("/readyz", headers=accept, timeout=TIMEOUT)
            self.assertEqual(r.status, 200, r)
            etag = r.header("ETag")
            self.assertIsNotNone(etag, f"no ETag on /readyz: {r!r}")
            held.append(dict(accept, **{"If-None-Match": etag}))
        pg_stop(self)
        for headers in held + [dict(ACCEPT_JSON, **{"If-None-Match": "*"})]:
            with self.subTest(headers=headers):
                r = get("/readyz", headers=headers, timeout=TIMEOUT)
                self.assertUnavailable(r)
                self.assertTrue(r.body)
                self.assertIsNone(r.header("ETag"), r)
                self.assertIn("no-store", cache_control(r))


def pg_stop(case):
    case.pg("stop")
    return get("/readyz", headers=ACCEPT_JSON, timeout=TIMEOUT)


# ---------------------------------------------------------------- caching

# (path, headers): every 200 answer to GET that carries an ETag.
ETAG_CASES = [
    ("/", ACCEPT_HTML),
    ("/", ACCEPT_JSON),
    ("/", {}),
    ("/healthz", {}),
    ("/healthz", ACCEPT_JSON),
    ("/readyz", {}),
    ("/readyz", ACCEPT_JSON),
]


def label(path, headers):
    return f"{path} Accept={headers.get('Accept', '-')[:20]}"


class TestETag(StackTestCase):
    def fetch(self, path, headers, method="GET", **extra):
        h = dict(headers)
        h.update(extra)
        return request(method, path, headers=h, timeout=TIMEOUT)

    def test_strong_etag_on_every_200(self):
        for path, headers in ETAG_CASES:
            with self.subTest(label(path, headers)):
                r = self.fetch(path, headers)
                self.assertEqual(r.status, 200, r)
                etags = r.headers_named("ETag")
                self.assertEqual(len(etags), 1, f"one ETag: {r!r}")
                self.assertRegex(etags[0], STRONG_ETAG,
                                 "a strong entity tag, quoted")
                self.assertGreater(len(etags[0]), 2, "an empty tag")

    def test_etag_is_stable(self):
        """Derived from the body: the same body, the same tag (nothing
        per request, such as an id or a token, on the page)."""
        for path, headers in ETAG_CASES:
            with self.subTest(label(path, headers)):
                a = self.fetch(path, headers)
                b = self.fetch(path, headers)
                self.assertEqual(a.body, b.body,
                                 "the same representation twice")
                self.assertEqual(a.header("ETag"), b.header("ETag"))

    def test_etag_follows_the_body(self):
        a = self.fetch("/?q=alpha", ACCEPT_HTML)
        b = self.fetch("/?q=beta", ACCEPT_HTML)
        self.assertNotEqual(a.body, b.body)
        self.assertNotEqual(a.header("ETag"), b.header("ETag"),
                            "different bodies, different tags")

    def test_html_and_json_differ(self):
        for path in ("/", "/healthz", "/readyz"):
            with self.subTest(path=path):
                h = self.fetch(path, ACCEPT_HTML)
                j = self.fetch(path, ACCEPT_JSON)
                self.assertNotEqual(h.content_type, j.content_type)
                self.assertIsNotNone(h.header("ETag"), h)
                self.assertNotEqual(h.header("ETag"), j.header("ETag"),
                                    "two representations, two tags")

    def test_head_has_the_get_etag(self):
        for path, headers in ETAG_CASES:
            with self.subTest(label(path, headers)):
                g = self.fetch(path, headers)
                h = self.fetch(path, headers, method="HEAD")
                self.assertEqual(h.status, 200, h)
                self.assertEqual(h.body, b"")
                self.assertIsNotNone(h.header("ETag"), h)
                self.assertEqual(h.header("ETag"), g.header("ETag"))
                self.assertEqual(h.header("Cache-Control"),
                                 g.header("Cache-Control"))

    def assertNotModified(self, r, full):
        self.assertEqual(r.status, 304, r)
        self.assertEqual(r.body, b"", "304 has no body")
        self.assertEqual(r.header("ETag"), full.header("ETag"),
                         "304 carries the same ETag")
        self.assertEqual(vary_of(r), vary_of(full), "Vary kept on 304")
        self.assertEqual(cache_control(r), cache_control(full),
                         "Cache-Control kept on 304")
        self.assertIsNotNone(r.header("X-Request-Id"), r)

    def test_304_on_a_match(self):
        for path, headers in ETAG_CASES:
            with self.subTest(label(path, headers)):
                full = self.fetch(path, headers)
                etag = full.header("ETag")
                self.assertIsNotNone(etag, full)
                r = self.fetch(path, headers, **{"If-None-Match": etag})
                self.assertNotModified(r, full)

    def test_304_on_head(self):
        for path, headers in ETAG_CASES:
            with self.subTest(label(path, headers)):
                full = self.fetch(path, headers)
                r = self.fetch(path, headers, method="HEAD",
                               **{"If-None-Match":
                                  full.header("ETag") or '"?"'})
                self.assertNotModified(r, full)

    def test_304_on_a_list(self):
        full = self.fetch("/", ACCEPT_HTML)
        etag = full.header("ETag")
        self.assertIsNotNone(etag, full)
        for inm in (f'"nope", {etag}', f'{etag}, "nope"',
                    f'"a",{etag},"b"', f'"a" ,  {etag}'):
            with self.subTest(if_none_match=inm):
                r = self.fetch("/", ACCEPT_HTML, **{"If-None-Match": inm})
                self.assertNotModified(r, full)

    def test_304_on_star(self):
        for path, headers in ETAG_CASES:
            with self.subTest(label(path, headers)):
                full = self.fetch(path, headers)
                r = self.fetch(path, headers, **{"If-None-Match": "*"})
                self.assertNotModified(r, full)

    def test_weak_comparison(self):
        """RFC 9110 §13.1.2: If-None-Match compares weakly, so W/"x"
        matches "x"."""
        full = self.fetch("/", ACCEPT_HTML)
        self.assertIsNotNone(full.header("ETag"), full)
        r = self.fetch("/", ACCEPT_HTML,
                       **{"If-None-Match": "W/" + full.header("ETag")})
        self.assertNotModified(r, full)

    def test_200_on_another_tag(self):
        full = self.fetch("/", ACCEPT_HTML)
        etag = full.header("ETag")
        self.assertIsNotNone(etag, full)
        cases = ['"nope"', '"nope", "other"', etag[:-1] + 'zz"',
                 etag.strip('"'), '""']
        for inm in cases:
            with self.subTest(if_none_match=inm):
                r = self.fetch("/", ACCEPT_HTML, **{"If-None-Match": inm})
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.body, full.body)
                self.assertEqual(r.header("ETag"), etag)

    def test_other_representation_tag_is_200(self):
        """The JSON tag does not validate the HTML page, and back."""
        h = self.fetch("/", ACCEPT_HTML)
        j = self.fetch("/", ACCEPT_JSON)
        self.assertIsNotNone(h.header("ETag"), h)
        self.assertIsNotNone(j.header("ETag"), j)
        r = self.fetch("/", ACCEPT_HTML,
                       **{"If-None-Match": j.header("ETag")})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, h.body)
        r = self.fetch("/", ACCEPT_JSON,
                       **{"If-None-Match": h.header("ETag")})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, j.body)

    def test_no_etag_on_metrics(self):
        r = self.fetch("/metrics", {})
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.header("ETag"), r.header_list)
        r = self.fetch("/metrics", {}, **{"If-None-Match": "*"})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body)

    def test_errors_are_never_304(self):
        cases = [
            ("GET", "/nope", None, None, 404),
            ("HEAD", "/nope", None, None, 404),
            ("GET", "/?q=%zz", None, None, 400),
            ("PUT", "/healthz", b"", "application/x-www-form-urlencoded",
             405),
            ("POST", "/_test/echo", b"x", "text/plain", 415),
        ]
        for method, path, body, ctype, status in cases:
            for accept in (ACCEPT_HTML, ACCEPT_JSON):
                for inm in ("*", '"x"'):
                    with self.subTest(method=method, path=path,
                                      accept=accept["Accept"][:10], inm=inm):
                        h = dict(accept, **{"If-None-Match": inm})
                        if ctype:
                            h["Content-Type"] = ctype
                        r = request(method, path, headers=h, body=body,
                                    timeout=TIMEOUT)
                        self.assertEqual(r.status, status, r)
                        self.assertIsNone(r.header("ETag"), r)
                        self.assertIn("no-store", cache_control(r),
                                      r.header_list)
                        if method != "HEAD":
                            self.assertTrue(r.body)

    def test_unsafe_method_is_never_304(self):
        r = post("/_test/echo", "a=1", "application/x-www-form-urlencoded",
                 headers=dict(ACCEPT_JSON, **{"If-None-Match": "*"}))
        self.assertNotEqual(r.status, 304, r)


class TestConditionalEdges(StackTestCase):
    """If-None-Match as clients and caches really send it, and as they
    should not: never a crash, never a 304 that was not asked for."""

    def setUp(self):
        self.full = get("/", headers=ACCEPT_HTML)
        self.etag = self.full.header("ETag")
        self.assertIsNotNone(self.etag, self.full)

    def inm(self, value, **extra):
        return get("/", headers=dict(ACCEPT_HTML, **{"If-None-Match": value},
                                     **extra), timeout=TIMEOUT)

    def test_tags_are_case_sensitive(self):
        for other in (self.etag.upper(), self.etag.lower()):
            if other == self.etag:
                continue
            with self.subTest(if_none_match=other):
                self.assertEqual(self.inm(other).status, 200)

    def test_weak_tag_in_a_list(self):
        r = self.inm(f'W/"nope", W/{self.etag}')
        self.assertEqual(r.status, 304, r)

    def test_long_list(self):
        tags = ", ".join(f'"{i:016x}"' for i in range(300))   # ~6 KB
        self.assertEqual(self.inm(tags).status, 200)
        r = self.inm(tags + ", " + self.etag)
        self.assertEqual(r.status, 304, r)

    def test_malformed_headers(self):
        cases = ["", " ", ",", ",,,", "W/", "W/W/", '"', '"unterminated',
                 "noquotes", self.etag.strip('"'), '"a" "b"', "**",
                 '* , "x"', "\t" + '"x"', '"\x7f"', "W/*", '"' * 101,
                 self.etag + self.etag, "W/" + self.etag.strip('"')]
        for value in cases:
            with self.subTest(if_none_match=value):
                r = self.inm(value)
                self.assertIn(r.status, (200, 304), r)
                if r.status == 200:
                    self.assertEqual(r.body, self.full.body)
                else:
                    self.assertEqual(r.body, b"")
        # a bare unquoted copy of the tag is not the tag
        self.assertEqual(self.inm(self.etag.strip('"')).status, 200)
        self.assertEqual(self.inm("W/" + self.etag.strip('"')).status, 200)
        self.assertHealthy()

    def test_if_modified_since_alone_is_not_304(self):
        """No Last-Modified is sent, so a date proves nothing."""
        for date in ("Tue, 01 Jan 2030 00:00:00 GMT",
                     "Thu, 01 Jan 1970 00:00:00 GMT", "garbage"):
            with self.subTest(date=date):
                r = get("/", headers=dict(ACCEPT_HTML,
                                          **{"If-Modified-Since": date}))
                self.assertEqual(r.status, 200, r)
                self.assertIsNone(r.header("Last-Modified"))

    def test_if_none_match_wins_over_if_modified_since(self):
        """RFC 9110 §13.1.3: with If-None-Match, If-Modified-Since is
        ignored."""
        future = "Tue, 01 Jan 2030 00:00:00 GMT"
        r = self.inm('"nope"', **{"If-Modified-Since": future})
        self.assertEqual(r.status, 200, r)
        r = self.inm(self.etag, **{"If-Modified-Since": "garbage"})
        self.assertEqual(r.status, 304, r)

    def test_raw_and_encoded_query_same_tag(self):
        a = get("/?q=" + urllib.parse.quote(SEARCH_XSS, safe=""),
                headers=ACCEPT_HTML)
        b = get("/?q=" + SEARCH_XSS, headers=ACCEPT_HTML)
        self.assertEqual(a.body, b.body)
        self.assertEqual(a.header("ETag"), b.header("ETag"))
        self.assertNotEqual(a.header("ETag"), self.etag)

    def test_session_does_not_change_the_tag_today(self):
        """Same body with and without a session cookie (no accounts yet):
        same tag, and the tag validates across the two."""
        r = get("/", headers=dict(ACCEPT_HTML, Cookie="session=abc"))
        self.assertEqual(r.body, self.full.body)
        self.assertEqual(r.header("ETag"), self.etag)


class TestCacheControl(StackTestCase):
    def test_no_cache_without_session(self):
        for path, headers in ETAG_CASES:
            with self.subTest(label(path, headers)):
                r = get(path, headers=headers)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(cache_control(r), {"no-cache"},
                                 r.header_list)

    def test_private_with_a_session(self):
        sessions = [
            {"Cookie": "session=abc"},
            {"Cookie": "__Host-session=abc"},
            {"Cookie": "theme=dark; session=abc"},
            {"Cookie": "a=1;__Host-session=abc; b=2"},
            {"Authorization": "Basic YWJjOmRlZg=="},
        ]
        for extra in sessions:
            for path, accept in (("/", ACCEPT_HTML), ("/", ACCEPT_JSON),
                                 ("/healthz", ACCEPT_JSON)):
                with self.subTest(extra=extra, path=path,
                                  accept=accept["Accept"][:10]):
                    r = get(path, headers=dict(accept, **extra))
                    self.assertEqual(r.status, 200, r)
                    self.assertEqual(cache_control(r),
                                     {"private", "no-cache"}, r.header_list)

    def test_unknown_bearer_token_is_refused(self):
        # docs/accounts.md: an unknown or revoked token is 401 wherever it
        # is sent, with the reason in WWW-Authenticate (RFC 6750).
        r = get("/", headers=dict(ACCEPT_JSON, Authorization="Bearer abc"))
        self.assertEqual(r.status, 401, r)
        self.assertIn("invalid_token", r.header("WWW-Authenticate") or "")
        self.assertEqual(cache_control(r), {"no-store"}, r.header_list)

    def test_other_cookies_are_not_a_session(self):
        for cookie in ("theme=dark", "sessionid=1; xsession=2",
                       "session_x=1"):
            with self.subTest(cookie=cookie):
                r = get("/", headers=dict(ACCEPT_HTML, Cookie=cookie))
                self.assertEqual(r.status, 200, r)
                self.assertEqual(cache_control(r), {"no-cache"},
                                 r.header_list)

    def test_304_with_a_session_stays_private(self):
        h = dict(ACCEPT_HTML, Cookie="session=abc")
        full = get("/", headers=h)
        self.assertEqual(full.status, 200, full)
        r = get("/", headers=dict(h, **{"If-None-Match":
                                        full.header("ETag") or '"?"'}))
        self.assertEqual(r.status, 304, r)
        self.assertEqual(cache_control(r), {"private", "no-cache"})

    def test_no_store_on_errors(self):
        for method, path, headers in (
                ("GET", "/nope", ACCEPT_HTML),
                ("GET", "/nope", ACCEPT_JSON),
                ("GET", "/nope", dict(ACCEPT_HTML, Cookie="session=abc")),
                ("GET", "/?q=%zz", ACCEPT_HTML),
                ("DELETE", "/healthz", ACCEPT_JSON)):
            with self.subTest(method=method, path=path, headers=headers):
                r = request(method, path, headers=headers)
                self.assertGreaterEqual(r.status, 400, r)
                cc = cache_control(r)
                self.assertIn("no-store", cc, r.header_list)
                self.assertNotIn("public", cc)


class TestVary(StackTestCase):
    def test_html_page_varies_on_accept_and_cookie(self):
        for headers in (ACCEPT_HTML, {}):
            with self.subTest(headers=headers):
                r = get("/", headers=headers)
                self.assertEqual(r.status, 200, r)
                self.assertTrue({"accept", "cookie"} <= vary_of(r),
                                r.header_list)

    def test_negotiated_answers_vary_on_accept(self):
        for path, headers in ETAG_CASES:
            with self.subTest(label(path, headers)):
                r = get(path, headers=headers)
                self.assertIn("accept", vary_of(r), r.header_list)

    def test_one_vary_value_per_name(self):
        for path, headers in ETAG_CASES:
            with self.subTest(label(path, headers)):
                r = get(path, headers=headers)
                names = [t.strip().lower() for v in r.headers_named("Vary")
                         for t in v.split(",") if t.strip()]
                self.assertEqual(len(names), len(set(names)),
                                 f"a name twice in Vary: {names}")


if __name__ == "__main__":
    unittest.main()
