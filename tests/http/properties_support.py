"""Helpers for the listing, search and calendar tests (docs/properties.md,
api.md §5 "Properties").

Python 3.11 standard library only; builds on support.py and
accounts_support.py.

What lives here:
  - the 422 messages of docs/properties.md ("Fields and their 422
    messages") and the Property JSON keys in the contract's order;
  - word(), fresh_city(): unique tokens, so that a test finds its own
    listings (q=word or city=fresh_city()) whatever the other tests made
    in the shared database;
  - listing_doc(), create_listing(): a listing through JSON POST
    /properties as a given client (session + CSRF, or bearer);
  - day(), insert_booking(), insert_review(): bookings and reviews written
    straight into the database (the booking routes are another feature):
    bookings need a guest other than the owner, host_id is set by the
    bookings_set_host trigger; a review needs a completed booking;
  - search(), search_all(): GET /properties, one page or every page;
  - ordered(): a JSON body with its keys in order;
  - PropertiesTestCase: AccountsTestCase plus the asserts these files share.
"""

import datetime
import json
import secrets
import string
import urllib.parse

from accounts_support import AccountsTestCase, Client, signup, sql_literal
from support import psql

# ---------------------------------------------------------------- messages
# docs/properties.md, "Fields and their 422 messages".
MSG_REQUIRED = "is required"
MSG_NAME = "must be at most 200 characters"
MSG_DESCRIPTION = "must be at most 10000 characters"
MSG_ADDRESS = "must be at most 500 characters"
MSG_CITY = "must be at most 100 characters"
MSG_COUNTRY = "must be at most 100 characters"
MSG_AMOUNT = "must be an amount like 120.00"
MSG_PRICE_POSITIVE = "must be more than 0"
MSG_PRICE_MAX = "must be at most 9999999.99"
MSG_CURRENCY = "must be a 3-letter ISO 4217 code"
MSG_MAX_GUESTS = "must be a whole number from 1 to 100"
MSG_POLICY = "must be flexible, moderate or strict"
MSG_IS_LISTED = "must be true or false"

# The contract's Property JSON, in its order (docs/properties.md
# "Property JSON").
PROPERTY_KEYS = ["id", "name", "description", "address", "city", "country",
                 "price_per_night", "currency", "max_guests",
                 "cancellation_policy", "owner", "rating", "is_listed",
                 "created_at", "updated_at"]
DETAIL_KEYS = PROPERTY_KEYS + ["latest_reviews"]
OWNER_KEYS = ["id", "username", "display_name"]
RATING_KEYS = ["average", "count"]
REVIEW_KEYS = {"id", "rating", "comment", "created_at", "reviewer"}
REQUIRED_FIELDS = ["name", "address", "city", "country", "price_per_night",
                   "max_guests"]
SORTS = ["newest", "price_asc", "price_desc", "rating"]

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


# ---------------------------------------------------------------- names

def word(n=12):
    """A lower-case word of letters only (one token for the 'simple'
    text search configuration), unique per call."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(n))


def fresh_city():
    """A city nobody else uses: the isolation key of most tests."""
    return "Qc" + word(10)


def listing_doc(**kw):
    """The fields of a valid listing; kw overrides (None drops a field)."""
    doc = {
        "name": "Cosy loft " + word(6),
        "description": "Bright rooms near the river.",
        "address": "1 Rua Augusta",
        "city": fresh_city(),
        "country": "Portugal",
        "price_per_night": "120.00",
        "max_guests": 4,
    }
    doc.update(kw)
    return {k: v for k, v in doc.items() if v is not None}


def as_client(who):
    """An Account or a Client -> the Client."""
    return who.client if hasattr(who, "client") else who


def create_listing(who, **kw):
    """JSON POST /properties as who (an Account or a Client); asserts 201
    and returns the Property JSON."""
    c = as_client(who)
    r = c.json("POST", "/properties", listing_doc(**kw), csrf=True)
    if r.status != 201:
        raise AssertionError(f"creating a listing failed: {r!r}")
    return r.json()


def api_token(acc, name="props"):
    """A personal API token of acc (its value)."""
    r = acc.client.json("POST", "/me/tokens", {"name": name}, csrf=True)
    if r.status != 201:
        raise AssertionError(f"creating a token failed: {r!r}")
    return r.json()["token"]


# ---------------------------------------------------------------- dates

def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def day(n):
    """Today (UTC) + n days, as YYYY-MM-DD."""
    return (today() + datetime.timedelta(days=n)).isoformat()


def parse_day(s):
    return datetime.date.fromisoformat(s)


def long_date(d):
    """'5 December 2026', as the pages print dates."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


# ---------------------------------------------------------------- SQL

def insert_booking(property_id, guest_id, start, end, status="confirmed",
                   guests=1, total="100.00", currency="USD"):
    """A booking written into the database (host_id comes from the
    trigger); returns its id.  start and end: YYYY-MM-DD or day offsets."""
    if isinstance(start, int):
        start = day(start)
    if isinstance(end, int):
        end = day(end)
    cancelled = "now()" if status == "cancelled" else "NULL"
    return int(psql(
        "WITH b AS (INSERT INTO bookings (property_id, guest_id, start_date,"
        " end_date, guests, total_price, currency, status, cancelled_at) "
        f"VALUES ({int(property_id)}, {int(guest_id)}, "
        f"{sql_literal(start)}, {sql_literal(end)}, {int(guests)}, "
        f"{sql_literal(total)}, {sql_literal(currency)}, "
        f"{sql_literal(status)}, {cancelled}) RETURNING id) "
        "SELECT id FROM b"))


def insert_review(property_id, reviewer_id, rating, comment="A fine stay."):
    """A review of property by reviewer, on a completed stay of theirs in
    the past (made here too); returns the review id."""
    n = int(psql("SELECT count(*) FROM bookings WHERE property_id = "
                 f"{int(property_id)}"))
    start = today() - datetime.timedelta(days=2000 - 3 * n)
    end = start + datetime.timedelta(days=2)
    bid = insert_booking(property_id, reviewer_id, start.isoformat(),
                         end.isoformat(), status="completed")
    return int(psql(
        "WITH r AS (INSERT INTO reviews (property_id, booking_id, "
        f"reviewer_id, rating, comment) VALUES ({int(property_id)}, {bid},"
        f" {int(reviewer_id)}, {int(rating)}, {sql_literal(comment)}) "
        "RETURNING id) SELECT id FROM r"))


def property_row(pid, columns):
    return psql(f"SELECT {columns} FROM properties WHERE id = {int(pid)}")


# ---------------------------------------------------------------- search

def query_string(params):
    """dict or [(k, v)] -> urlencoded, None values left out."""
    pairs = params.items() if isinstance(params, dict) else params
    return urllib.parse.urlencode([(k, v) for k, v in pairs
                                   if v is not None])


def search(params=None, client=None, accept="json", **kw):
    """GET /properties?params (anonymous unless client is given)."""
    qs = query_string(params or {})
    c = client or Client()
    return c.get("/properties" + ("?" + qs if qs else ""), accept=accept,
                 **kw)


def search_all(case, params, limit=3, max_pages=200, client=None):
    """Every page of a search (JSON), following next_cursor until null.
    Returns (items, pages).  Each page is checked for its shape."""
    items, pages = [], 0
    cursor = None
    while True:
        p = dict(params)
        p["limit"] = str(limit)
        if cursor is not None:
            p["cursor"] = cursor
        r = search(p, client=client)
        case.assertEqual(r.status, 200, r)
        doc = r.json()
        case.assertEqual(list(doc), ["items", "next_cursor"], doc)
        case.assertLessEqual(len(doc["items"]), limit, doc)
        items += doc["items"]
        pages += 1
        case.assertLess(pages, max_pages, "the cursor does not advance")
        cursor = doc["next_cursor"]
        if cursor is None:
            return items, pages
        case.assertIsInstance(cursor, str)
        case.assertTrue(cursor)


def ordered(r):
    """The JSON body of r with every object as a list of (key, value)."""
    return json.loads(r.body.decode("utf-8"), object_pairs_hook=list)


def keys_in_order(r):
    return [k for k, _ in ordered(r)]


# ---------------------------------------------------------------- asserts

class PropertiesTestCase(AccountsTestCase):

    def assertPropertyKeys(self, r, detail=False):
        """The body of r is a Property (with latest_reviews when detail),
        its keys and the owner's and rating's keys in the contract's
        order."""
        body = ordered(r)
        self.assertEqual([k for k, _ in body],
                         DETAIL_KEYS if detail else PROPERTY_KEYS, r)
        d = dict(body)
        self.assertEqual([k for k, _ in d["owner"]], OWNER_KEYS, r)
        self.assertEqual([k for k, _ in d["rating"]], RATING_KEYS, r)
        return r.json()

    def assertProperty(self, doc, expect=None, owner=None):
        """A Property JSON: types and formats, and the values in expect."""
        from accounts_support import RFC3339_UTC
        self.assertIsInstance(doc, dict)
        for k in PROPERTY_KEYS:
            self.assertIn(k, doc)
        self.assertIsInstance(doc["id"], int)
        self.assertGreater(doc["id"], 0)
        for k in ("name", "description", "address", "city", "country",
                  "currency", "cancellation_policy", "price_per_night"):
            self.assertIsInstance(doc[k], str, k)
        self.assertRegex(doc["price_per_night"], r"^\d+\.\d\d$")
        self.assertRegex(doc["currency"], r"^[A-Z]{3}$")
        self.assertIsInstance(doc["max_guests"], int)
        self.assertIn(doc["cancellation_policy"],
                      ("flexible", "moderate", "strict"))
        self.assertIsInstance(doc["is_listed"], bool)
        self.assertRegex(doc["created_at"], RFC3339_UTC)
        self.assertRegex(doc["updated_at"], RFC3339_UTC)
        self.assertEqual(set(doc["owner"]), set(OWNER_KEYS))
        self.assertEqual(set(doc["rating"]), set(RATING_KEYS))
        self.assertIsInstance(doc["rating"]["count"], int)
        if doc["rating"]["average"] is not None:
            self.assertRegex(doc["rating"]["average"], r"^[1-5]\.\d\d$")
        if owner is not None:
            self.assertEqual(doc["owner"], {
                "id": owner.id, "username": owner.username,
                "display_name": owner.user["display_name"]})
        for k, v in (expect or {}).items():
            self.assertEqual(doc[k], v, k)
        return doc

    def assertFieldMessage(self, body, field, message):
        """In the HTML page body, the message is shown beside the form
        control named field: the message is in the page, and a container
        inside the form holds both the control and the message."""
        from test_pages import parse_page
        p = parse_page(body)
        controls = [e for e in p.elements
                    if e.tag in ("input", "textarea", "select")
                    and e.attr("name") == field]
        self.assertTrue(controls, f"no form control named {field}")
        control = controls[0]
        norm = " ".join(message.split())
        form = next((a for a in control.ancestors() if a.tag == "form"),
                    None)
        self.assertIsNotNone(form, f"the control {field} is in no form")
        everything = _count_controls(form)
        for a in control.ancestors():
            if a is form:
                break
            if norm in " ".join(a.text_content().split()):
                self.assertLess(_count_controls(a), everything,
                                f"the message {message!r} is beside no "
                                f"field in particular")
                return
        self.fail(f"the message {message!r} is not beside the field "
                  f"{field!r} (no element inside the form holds both)")

    def assertNoFieldMessages(self, body, messages):
        for m in messages:
            self.assertNotIn(m.encode(), body)


def _count_controls(el):
    n = 1 if (el.tag in ("input", "textarea", "select")
              and el.attr("name") and el.attr("type") != "hidden") else 0
    return n + sum(_count_controls(c) for c in el.children)


def new_host(display_name=None):
    return signup(display_name=display_name)


# ---------------------------------------------------------------- pages

def page(body):
    """The page parsed into a tree (test_pages.parse_page)."""
    from test_pages import parse_page
    return parse_page(body)


def page_text(body):
    """The text of <main>, white space collapsed."""
    p = page(body)
    mains = p.find_all("main")
    root = mains[0] if mains else p.root
    return " ".join(root.text_content().split())


def forms_of(body):
    """[(form Element, {name: value})] of the page: inputs (checkboxes and
    radios only when checked), textareas, selects (the selected option, or
    the first), in document order; the last value of a name wins."""
    p = page(body)
    out = []
    for f in p.find_all("form"):
        values = {}

        def walk(el):
            for c in el.children:
                name = c.attr("name")
                if c.tag == "input" and name:
                    typ = (c.attr("type") or "text").lower()
                    if typ in ("checkbox", "radio"):
                        if has_attr(c, "checked"):
                            values[name] = c.attr("value") or "on"
                        else:
                            values.setdefault(name, None)
                    elif typ not in ("submit", "button", "image", "reset"):
                        values[name] = c.attr("value") or ""
                elif c.tag == "textarea" and name:
                    # html.parser drops the newline right after <textarea>
                    # only in browsers; keep the text as sent minus that.
                    t = c.text_content()
                    values[name] = t[1:] if t.startswith("\n") else t
                elif c.tag == "select" and name:
                    opts = [o for o in _descendants(c) if o.tag == "option"]
                    sel = [o for o in opts if has_attr(o, "selected")]
                    pick = (sel or opts or [None])[0]
                    values[name] = (None if pick is None else
                                    pick.attr("value")
                                    if pick.attr("value") is not None
                                    else pick.text_content().strip())
                walk(c)
        walk(f)
        out.append((f, values))
    return out


def has_attr(el, name):
    """True when the element has the attribute, bare (<x checked>) or
    with a value."""
    return any(k == name for k, _ in el.attrs)


def _descendants(el):
    for c in el.children:
        yield c
        yield from _descendants(c)


def form_to(body, path, method="post", having=None):
    """(form, values) of the first form whose action's path is path (and
    which has a field named having, when given: a page may hold more than
    one form to a path, e.g. the header's search box and the search
    form)."""
    for f, values in forms_of(body):
        action = urllib.parse.urlsplit(f.attr("action") or "").path
        if action == path and (f.attr("method") or "get").lower() == method \
                and (having is None or having in values):
            return f, values
    return None, None


def labelled(body, name):
    """True when the control named name has a <label for=its id> or sits
    inside a <label>, or has an aria-label."""
    p = page(body)
    ids = {e.attr("for") for e in p.find_all("label") if e.attr("for")}
    for e in p.elements:
        if e.tag in ("input", "textarea", "select") and \
                e.attr("name") == name:
            if e.attr("id") in ids or e.attr("aria-label") or any(
                    a.tag == "label" for a in e.ancestors()):
                return True
    return False


def links(body):
    """Every href of the page, in order."""
    return [e.attr("href") for e in page(body).elements
            if e.tag == "a" and e.attr("href")]
