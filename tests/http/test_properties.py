"""Listings (docs/properties.md; api.md §5 "Properties"): create, read,
update and delete in JSON and as HTML forms, every 422 message of the
fields table, money without floating point, unlisting, who may do what,
the Property JSON (keys in the contract's order), the detail and form
pages, escaping, and the caching headers of the pages.

Every test makes its own accounts and listings (fresh names and cities);
bookings and reviews are written with SQL (properties_support), since
their routes belong to other features.
"""

import json
import re
import unittest
import urllib.parse

from accounts_support import Client, location_target, signup
from properties_support import (
    MSG_ADDRESS, MSG_AMOUNT, MSG_CITY, MSG_COUNTRY,
    MSG_CURRENCY, MSG_DESCRIPTION, MSG_IS_LISTED, MSG_MAX_GUESTS, MSG_NAME,
    MSG_POLICY, MSG_PRICE_MAX, MSG_PRICE_POSITIVE, MSG_REQUIRED,
    PROPERTY_KEYS, REQUIRED_FIELDS, REVIEW_KEYS, PropertiesTestCase,
    api_token, create_listing, day, form_to, forms_of, fresh_city,
    insert_booking, insert_review, labelled, links, listing_doc, page,
    page_text, property_row, search, word)
from support import (ACCEPT_HTML, ACCEPT_JSON, HTML_TYPE, JSON_TYPE,
                     multipart, psql, request, urlencode_pairs)
from test_pages import STRONG_ETAG, cache_control, vary_of

XSS = "<script>alert(1)</script>"

# (field, value, message): each bad value alone, JSON create.
BAD_FIELDS = [
    ("name", "", MSG_REQUIRED),
    ("name", "   ", MSG_REQUIRED),
    ("name", "\t \n", MSG_REQUIRED),
    ("name", "n" * 201, MSG_NAME),
    ("name", "é" * 201, MSG_NAME),
    ("description", "d" * 10001, MSG_DESCRIPTION),
    ("description", "é" * 10001, MSG_DESCRIPTION),
    ("address", "", MSG_REQUIRED),
    ("address", "  ", MSG_REQUIRED),
    ("address", "a" * 501, MSG_ADDRESS),
    ("address", "東" * 501, MSG_ADDRESS),
    ("city", "", MSG_REQUIRED),
    ("city", "   ", MSG_REQUIRED),
    ("city", "c" * 101, MSG_CITY),
    ("city", "ü" * 101, MSG_CITY),
    ("country", "", MSG_REQUIRED),
    ("country", " ", MSG_REQUIRED),
    ("country", "k" * 101, MSG_COUNTRY),
    ("country", "😀" * 101, MSG_COUNTRY),
    ("price_per_night", "", MSG_REQUIRED),
    ("price_per_night", "abc", MSG_AMOUNT),
    ("price_per_night", "1e3", MSG_AMOUNT),
    ("price_per_night", "12.345", MSG_AMOUNT),
    ("price_per_night", "0.001", MSG_AMOUNT),
    ("price_per_night", "1,000.00", MSG_AMOUNT),
    ("price_per_night", " 120", MSG_AMOUNT),
    ("price_per_night", "120 ", MSG_AMOUNT),
    ("price_per_night", "120.", MSG_AMOUNT),
    ("price_per_night", ".5", MSG_AMOUNT),
    ("price_per_night", "+120", MSG_AMOUNT),
    ("price_per_night", "0x10", MSG_AMOUNT),
    ("price_per_night", "NaN", MSG_AMOUNT),
    ("price_per_night", "Infinity", MSG_AMOUNT),
    ("price_per_night", "12.3.4", MSG_AMOUNT),
    ("price_per_night", "١٢٠", MSG_AMOUNT),
    ("price_per_night", 12.345, MSG_AMOUNT),
    ("price_per_night", "-5", {MSG_AMOUNT, MSG_PRICE_POSITIVE}),
    ("price_per_night", -5, {MSG_AMOUNT, MSG_PRICE_POSITIVE}),
    ("price_per_night", "0", MSG_PRICE_POSITIVE),
    ("price_per_night", "0.00", MSG_PRICE_POSITIVE),
    ("price_per_night", "0.0", MSG_PRICE_POSITIVE),
    ("price_per_night", 0, MSG_PRICE_POSITIVE),
    ("price_per_night", "10000000.00", MSG_PRICE_MAX),
    ("price_per_night", "10000000", MSG_PRICE_MAX),
    ("price_per_night", 10000000, MSG_PRICE_MAX),
    ("price_per_night", "9999999.991", MSG_AMOUNT),
    ("price_per_night", "99999999999999999999999999999999", MSG_PRICE_MAX),
    ("currency", "EU", MSG_CURRENCY),
    ("currency", "EURO", MSG_CURRENCY),
    ("currency", "E1R", MSG_CURRENCY),
    ("currency", "€€€", MSG_CURRENCY),
    ("currency", "US ", MSG_CURRENCY),
    ("currency", "ÉUR", MSG_CURRENCY),
    ("currency", 123, MSG_CURRENCY),
    ("max_guests", "", MSG_REQUIRED),
    ("max_guests", 0, MSG_MAX_GUESTS),
    ("max_guests", 101, MSG_MAX_GUESTS),
    ("max_guests", -1, MSG_MAX_GUESTS),
    ("max_guests", "abc", MSG_MAX_GUESTS),
    ("max_guests", 2.5, MSG_MAX_GUESTS),
    ("max_guests", "2.5", MSG_MAX_GUESTS),
    ("max_guests", "1e1", MSG_MAX_GUESTS),
    ("max_guests", "99999999999999999999", MSG_MAX_GUESTS),
    ("cancellation_policy", "lenient", MSG_POLICY),
    ("cancellation_policy", "none", MSG_POLICY),
    ("cancellation_policy", "strict ", MSG_POLICY),
]


def edit_path(pid):
    return f"/properties/{pid}/edit"


class TestCreateJson(PropertiesTestCase):

    def test_required_fields_only(self):
        host = signup(display_name="Hôte Ünique")
        doc = listing_doc(name="Sea view", city="Lisbon " + word(4))
        r = host.client.json("POST", "/properties", doc, csrf=True)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.content_type, JSON_TYPE, r)
        self.assertSecurityHeaders(r)
        p = self.assertPropertyKeys(r)
        self.assertProperty(p, owner=host, expect={
            "name": "Sea view", "description": doc["description"],
            "address": doc["address"], "city": doc["city"],
            "country": "Portugal", "price_per_night": "120.00",
            "currency": "USD", "max_guests": 4,
            "cancellation_policy": "moderate", "is_listed": True,
            "rating": {"average": None, "count": 0}})
        self.assertEqual(p["owner"]["display_name"], "Hôte Ünique")
        netloc, path, _ = location_target(r)
        self.assertEqual(path, f"/properties/{p['id']}", r)
        # The database holds it, owned by the creator.
        self.assertEqual(property_row(p["id"], "owner_id, price_per_night"),
                         f"{host.id}|120.00")
        # Readable by anyone, with the same data.
        r = Client().get(path)
        d = self.assertPropertyKeys(r, detail=True)
        self.assertEqual({k: d[k] for k in PROPERTY_KEYS}, p)
        self.assertEqual(d["latest_reviews"], [])

    def test_defaults(self):
        host = signup()
        doc = listing_doc()
        del doc["description"]
        p = self.assertJsonOk(host.client.json("POST", "/properties", doc,
                                               csrf=True), 201)
        self.assertEqual(p["description"], "")
        self.assertEqual(p["currency"], "USD")
        self.assertEqual(p["cancellation_policy"], "moderate")
        self.assertIs(p["is_listed"], True)

    def test_every_field(self):
        host = signup()
        doc = listing_doc(description="Line one.\nLine two: «quotes» & co.",
                          currency="eur", cancellation_policy="strict",
                          max_guests="7", price_per_night="85.5")
        p = self.assertJsonOk(host.client.json("POST", "/properties", doc,
                                               csrf=True), 201)
        self.assertEqual(p["description"], doc["description"])
        self.assertEqual(p["currency"], "EUR")
        self.assertEqual(p["cancellation_policy"], "strict")
        self.assertEqual(p["max_guests"], 7)
        self.assertEqual(p["price_per_night"], "85.50")
        for pol in ("flexible", "moderate"):
            q = create_listing(host, cancellation_policy=pol)
            self.assertEqual(q["cancellation_policy"], pol)

    def test_currency_upper_cased(self):
        host = signup()
        for given, stored in (("eur", "EUR"), ("Jpy", "JPY"),
                              ("gbP", "GBP"), ("CHF", "CHF")):
            with self.subTest(currency=given):
                p = create_listing(host, currency=given)
                self.assertEqual(p["currency"], stored)
                self.assertEqual(property_row(p["id"], "currency"), stored)

    def test_unknown_fields_ignored(self):
        host = signup()
        other = signup()
        doc = listing_doc(bogus="x", id=12345, owner_id=other.id,
                          owner={"id": other.id}, rating_sum=50,
                          rating={"average": "5.00", "count": 10},
                          created_at="2000-01-01T00:00:00Z",
                          nested={"a": [1, 2]}, latest_reviews=[1])
        r = host.client.json("POST", "/properties", doc, csrf=True)
        p = self.assertJsonOk(r, 201)
        self.assertNotEqual(p["id"], 12345)
        self.assertEqual(p["owner"]["id"], host.id)
        self.assertEqual(p["rating"], {"average": None, "count": 0})
        self.assertFalse(p["created_at"].startswith("2000"))
        self.assertNotIn("bogus", p)
        self.assertEqual(property_row(p["id"], "owner_id"), str(host.id))

    def test_text_kept_as_typed(self):
        host = signup()
        p = create_listing(host, name="  Spaced  out  ",
                           address=" 2 Main St ", city=" Porto ",
                           country="Portugal ")
        self.assertEqual(p["name"], "  Spaced  out  ")
        self.assertEqual(p["address"], " 2 Main St ")
        self.assertEqual(p["city"], " Porto ")
        self.assertEqual(p["country"], "Portugal ")

    def test_lengths_in_characters(self):
        host = signup()
        cases = {"name": "é" * 200, "description": "😀" * 10000,
                 "address": "東" * 500, "city": "ü" * 100,
                 "country": "ß" * 100}
        for field, value in cases.items():
            with self.subTest(field=field):
                p = create_listing(host, **{field: value})
                self.assertEqual(p[field], value)
        p = create_listing(host, name="n", description="")
        self.assertEqual((p["name"], p["description"]), ("n", ""))

    def test_each_bad_field_alone(self):
        host = signup()
        for field, value, msg in BAD_FIELDS:
            label = value if not isinstance(value, str) else value[:12]
            with self.subTest(field=field, value=label):
                r = host.client.json("POST", "/properties",
                                     listing_doc(**{field: value}),
                                     csrf=True)
                self.assertValidation(r, {field: msg})
        self.assertEqual(psql("SELECT count(*) FROM properties WHERE "
                              f"owner_id = {host.id}"), "0")

    def test_each_required_field_missing(self):
        host = signup()
        for field in REQUIRED_FIELDS:
            with self.subTest(field=field):
                doc = listing_doc()
                del doc[field]
                r = host.client.json("POST", "/properties", doc, csrf=True)
                self.assertValidation(r, {field: MSG_REQUIRED})
                doc[field] = None                   # JSON null
                r = host.client.json("POST", "/properties", doc, csrf=True)
                self.assertValidation(r, {field: MSG_REQUIRED})

    def test_everything_missing(self):
        host = signup()
        r = host.client.json("POST", "/properties", {}, csrf=True)
        self.assertValidation(r, {f: MSG_REQUIRED for f in REQUIRED_FIELDS})

    def test_every_bad_field_at_once(self):
        host = signup()
        r = host.client.json("POST", "/properties", {
            "name": "x" * 201, "description": "d" * 10001,
            "address": "a" * 501, "city": "c" * 101, "country": "k" * 101,
            "price_per_night": "1.234", "currency": "dollars",
            "max_guests": 0, "cancellation_policy": "never"}, csrf=True)
        self.assertValidation(r, {
            "name": MSG_NAME, "description": MSG_DESCRIPTION,
            "address": MSG_ADDRESS, "city": MSG_CITY,
            "country": MSG_COUNTRY, "price_per_night": MSG_AMOUNT,
            "currency": MSG_CURRENCY, "max_guests": MSG_MAX_GUESTS,
            "cancellation_policy": MSG_POLICY})

    def test_money_exactness(self):
        host = signup()
        good = [("0.10", "0.10"), ("0.01", "0.01"), ("0.1", "0.10"),
                ("120", "120.00"), ("120.5", "120.50"),
                ("120.50", "120.50"), ("007.25", "7.25"),
                ("9999999.99", "9999999.99"), ("9999999", "9999999.00"),
                (99.99, "99.99"), (120.5, "120.50"), (120, "120.00"),
                (0.1, "0.10"), (0.29, "0.29"), (1.15, "1.15"),
                (9999999.99, "9999999.99")]
        for given, stored in good:
            with self.subTest(price=given):
                r = host.client.json("POST", "/properties",
                                     listing_doc(price_per_night=given),
                                     csrf=True)
                p = self.assertJsonOk(r, 201)
                self.assertEqual(p["price_per_night"], stored)
                self.assertEqual(property_row(p["id"], "price_per_night"),
                                 stored)

    def test_json_reals_with_zero_decimals(self):
        """120.0 is a JSON number with one decimal, 0 of them significant:
        an amount like 120.00 (docs/properties.md: "JSON number or
        string"), whatever a JSON library makes of its text."""
        host = signup()
        for given, stored in ((120.0, "120.00"), (10.0, "10.00"),
                              (1000.0, "1000.00"), (250.0, "250.00"),
                              (120.50, "120.50")):
            with self.subTest(price=given):
                r = host.client.json("POST", "/properties",
                                     listing_doc(price_per_night=given),
                                     csrf=True)
                self.assertEqual(self.assertJsonOk(r, 201)
                                 ["price_per_night"], stored)

    def test_exponent_json_numbers(self):
        """A JSON number written with an exponent: accepted as its exact
        value or refused as "an amount like 120.00"; never a rounded
        price and never a 500."""
        host = signup()
        for raw, value in (("1e3", "1000.00"), ("1.2E2", "120.00"),
                           ("5e-1", "0.50"), ("1e-3", None),
                           ("1e400", None)):
            with self.subTest(raw=raw):
                body = json.dumps(listing_doc()).replace(
                    '"price_per_night": "120.00"',
                    '"price_per_night": ' + raw)
                r = host.client.send(
                    "POST", "/properties", body=body, csrf=True,
                    headers={"Content-Type": "application/json"})
                if r.status == 201 and value is not None:
                    self.assertEqual(r.json()["price_per_night"], value)
                elif r.status == 400:
                    self.assertJsonError(r, 400, "bad_request")
                else:
                    self.assertValidation(r, {"price_per_night": {
                        MSG_AMOUNT, MSG_PRICE_MAX}})

    def test_other_body_types(self):
        host = signup()
        doc = listing_doc(max_guests="3", price_per_night="99.95")
        r = host.client.send(
            "POST", "/properties", body=urlencode_pairs(doc.items()),
            csrf=True,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        p = self.assertJsonOk(r, 201)
        self.assertEqual((p["max_guests"], p["price_per_night"]),
                         (3, "99.95"))
        ctype, body = multipart(list(doc.items()))
        r = host.client.send("POST", "/properties", body=body, csrf=True,
                             headers={"Content-Type": ctype})
        p = self.assertJsonOk(r, 201)
        self.assertEqual(p["name"], doc["name"])
        r = host.client.send("POST", "/properties", body=b"name=x",
                             csrf=True, headers={"Content-Type":
                                                 "text/plain"})
        self.assertJsonError(r, 415, "unsupported_media_type")
        r = host.client.send("POST", "/properties", body=b"{nope",
                             csrf=True, headers={"Content-Type":
                                                 "application/json"})
        self.assertJsonError(r, 400, "bad_request")

    def test_get_new_json(self):
        host = signup()
        r = host.client.get("/properties/new")
        self.assertEqual(self.assertJsonOk(r), {})


class TestCreateHtml(PropertiesTestCase):

    FIELDS = ["name", "description", "address", "city", "country",
              "price_per_night", "currency", "max_guests",
              "cancellation_policy"]

    def test_new_form(self):
        host = signup()
        r = host.client.get("/properties/new", accept="html")
        self.assertHtmlPage(r)
        form, values = form_to(r.body, "/properties")
        self.assertIsNotNone(form, "no form posting to /properties")
        for f in self.FIELDS:
            self.assertIn(f, values, f"the form has no field {f}")
            self.assertTrue(labelled(r.body, f), f"{f} has no label")
        self.assertEqual(values.get("csrf_token"), host.client.csrf)
        self.assertIn(values.get("cancellation_policy"),
                      ("moderate", None, ""))

    def test_post_redirects_to_the_listing(self):
        host = signup()
        doc = listing_doc(name="Form loft " + word(5), currency="chf")
        r = host.client.form("POST", "/properties",
                             {k: str(v) for k, v in doc.items()})
        self.assertEqual(r.status, 303, r)
        _, path, _ = location_target(r)
        m = re.fullmatch(r"/properties/(\d+)", path)
        self.assertIsNotNone(m, r)
        pid = int(m.group(1))
        p = Client().get(path).json()
        self.assertEqual(p["id"], pid)
        self.assertEqual(p["name"], doc["name"])
        self.assertEqual(p["currency"], "CHF")
        self.assertEqual(p["owner"]["id"], host.id)
        r = host.client.get(path, accept="html")
        self.assertHtmlPage(r)
        self.assertIn(doc["name"], page_text(r.body))

    def test_each_bad_field_comes_back(self):
        host = signup()
        cases = [(f, v, m) for f, v, m in BAD_FIELDS
                 if isinstance(v, str) and isinstance(m, str)
                 and len(v) < 600]
        for field, value, msg in cases:
            with self.subTest(field=field, value=value[:12]):
                doc = {k: str(v) for k, v in listing_doc(
                    name="Kept name " + word(4), description="Kept words",
                    currency="eur", cancellation_policy="flexible",
                    max_guests="5").items()}
                doc[field] = value
                r = host.client.form("POST", "/properties", doc)
                self.assertHtmlPage(r, 422)
                self.assertFieldMessage(r.body, field, msg)
                form, values = form_to(r.body, "/properties")
                self.assertIsNotNone(form, "the form is shown again")
                for k, v in doc.items():
                    if k == "cancellation_policy" and k == field:
                        continue            # not an option of the select
                    if k == "currency" and k != field:
                        self.assertIn(values.get(k), ("eur", "EUR"), k)
                        continue
                    self.assertEqual(values.get(k), v,
                                     f"the entered {k} is kept")
                self.assertEqual(values.get("csrf_token"), host.client.csrf)
        self.assertEqual(psql("SELECT count(*) FROM properties WHERE "
                              f"owner_id = {host.id}"), "0")

    def test_escaped_values_kept(self):
        host = signup()
        doc = {k: str(v) for k, v in listing_doc(
            name=XSS, description='"quoted" </textarea><b>x</b>',
            price_per_night="bad").items()}
        r = host.client.form("POST", "/properties", doc)
        self.assertHtmlPage(r, 422)
        self.assertNotIn(b"<script", r.body.lower())
        self.assertNotIn(b"<b>x</b>", r.body)
        _, values = form_to(r.body, "/properties")
        self.assertEqual(values["name"], XSS)
        self.assertEqual(values["description"], doc["description"])
        self.assertFieldMessage(r.body, "price_per_night", MSG_AMOUNT)

    def test_without_csrf(self):
        host = signup()
        doc = {k: str(v) for k, v in listing_doc().items()}
        r = host.client.form("POST", "/properties", doc, with_csrf=False)
        self.assertHtmlError(r, 403)
        r = host.client.form("POST", "/properties",
                             dict(doc, csrf_token="x" * 43),
                             with_csrf=False, accept="json")
        self.assertCsrfFailed(r)
        self.assertEqual(psql("SELECT count(*) FROM properties WHERE "
                              f"owner_id = {host.id}"), "0")


class TestRead(PropertiesTestCase):

    def test_detail_json(self):
        host = signup()
        p = create_listing(host)
        for c in (Client(), signup().client, host.client):
            r = c.get(f"/properties/{p['id']}")
            d = self.assertPropertyKeys(r, detail=True)
            self.assertEqual({k: d[k] for k in PROPERTY_KEYS}, p)
            self.assertEqual(d["latest_reviews"], [])

    def test_rating_and_latest_reviews(self):
        host = signup()
        p = create_listing(host)
        guests = [signup(display_name=f"Guest {i}") for i in range(6)]
        ratings = [5, 4, 5, 3, 5, 2]
        ids = [insert_review(p["id"], g.id, rt, f"Stay {i} <b>ok</b>")
               for i, (g, rt) in enumerate(zip(guests, ratings))]
        r = Client().get(f"/properties/{p['id']}")
        d = self.assertPropertyKeys(r, detail=True)
        self.assertEqual(d["rating"], {"average": "4.00", "count": 6})
        rev = d["latest_reviews"]
        self.assertEqual(len(rev), 5, "the 5 newest reviews")
        self.assertEqual([x["id"] for x in rev], list(reversed(ids))[:5])
        for x in rev:
            self.assertEqual(set(x), REVIEW_KEYS, x)
            self.assertEqual(set(x["reviewer"]),
                             {"id", "username", "display_name"})
        self.assertEqual(rev[0]["reviewer"]["username"], guests[5].username)
        self.assertEqual(rev[0]["rating"], 2)
        self.assertEqual(rev[0]["comment"], "Stay 5 <b>ok</b>")
        q = create_listing(host)
        for g, rt in zip(guests[:3], (5, 4, 5)):
            insert_review(q["id"], g.id, rt)
        d = Client().get(f"/properties/{q['id']}").json()
        self.assertEqual(d["rating"], {"average": "4.67", "count": 3})
        r = Client().get(f"/properties/{p['id']}", accept="html")
        self.assertHtmlPage(r)
        self.assertIn(b"Stay 5 &lt;b&gt;ok&lt;/b&gt;", r.body)
        self.assertIn("4.00", page_text(r.body))

    def test_detail_page(self):
        host = signup(display_name="Ana Host")
        p = create_listing(host, name="Loft " + word(5),
                           description="Tiles & light " + word(5),
                           address="5 Rua Nova", country="Portugal",
                           cancellation_policy="strict",
                           price_per_night="133.70")
        path = f"/properties/{p['id']}"
        guest = signup()
        for c in (Client(), guest.client):
            r = c.get(path, accept="html")
            self.assertHtmlPage(r)
            text = page_text(r.body)
            for v in (p["name"], p["city"], "Portugal", "5 Rua Nova",
                      p["description"], "133.70"):
                self.assertIn(v, text)
            self.assertTrue("Ana Host" in text or host.username in text,
                            "the host is named")
            self.assertIn("strict", text.lower())
            hrefs = [urllib.parse.urlsplit(h).path for h in links(r.body)]
            self.assertIn(f"/users/{host.username}", hrefs)
            self.assertIn(f"{path}/calendar", hrefs)
            self.assertIn(f"{path}/calendar.ics", hrefs)
        # The owner: Edit and Delete instead of the booking form.
        r = host.client.get(path, accept="html")
        self.assertHtmlPage(r)
        form, _ = form_to(r.body, f"{path}/bookings")
        self.assertIsNone(form, "the owner sees a booking form")
        hrefs = [urllib.parse.urlsplit(h).path for h in links(r.body)]
        self.assertIn(edit_path(p["id"]), hrefs)
        deletes = [v for f, v in forms_of(r.body)
                   if urllib.parse.urlsplit(f.attr("action") or "").path
                   == path and v.get("_method", "").upper() == "DELETE"]
        self.assertTrue(deletes, "no Delete form for the owner")

    def test_booking_form(self):
        """docs/properties.md "Pages": booking in two steps. The page
        has a GET form checking check_in, check_out and guests; the form
        posting to /properties/{id}/bookings comes once free dates are
        chosen (test_detail_page_with_dates), never for taken ones."""
        p = create_listing(signup())
        path = f"/properties/{p['id']}"
        for c in (Client(), signup().client):
            r = c.get(path, accept="html")
            self.assertHtmlPage(r)
            form, values = form_to(r.body, path, method="get")
            self.assertIsNotNone(form, f"no form to {path} on the page")
            for f in ("check_in", "check_out", "guests"):
                self.assertIn(f, values)
            form, _ = form_to(r.body, f"{path}/bookings")
            self.assertIsNone(form, "the booking form before any dates")
        insert_booking(p["id"], signup().id, 10, 13)
        r = signup().client.get(f"{path}?check_in={day(11)}"
                                f"&check_out={day(12)}", accept="html")
        form, _ = form_to(r.body, f"{path}/bookings")
        self.assertIsNone(form, "a booking form for taken dates")
        self.assertIn("taken", page_text(r.body))

    def test_detail_page_with_dates(self):
        host = signup()
        p = create_listing(host, price_per_night="120.00")
        path = (f"/properties/{p['id']}?check_in={day(10)}"
                f"&check_out={day(13)}&guests=2")
        r = signup().client.get(path, accept="html")
        self.assertHtmlPage(r)
        _, values = form_to(r.body, f"/properties/{p['id']}/bookings")
        self.assertEqual(values.get("start_date"), day(10))
        self.assertEqual(values.get("end_date"), day(13))
        self.assertEqual(values.get("guests"), "2")
        self.assertIn("360.00", page_text(r.body), "the total of 3 nights")

    def test_escaping(self):
        host = signup()
        name = XSS + ' & "co" \'x\''
        p = create_listing(host, name=name, description="<img src=x>",
                           city="<b>" + word(5))
        self.assertEqual(p["name"], name)
        r = Client().get(f"/properties/{p['id']}")
        self.assertEqual(r.json()["name"], name, "intact in JSON")
        self.assertEqual(r.json()["description"], "<img src=x>")
        for path in (f"/properties/{p['id']}",
                     f"/properties/{p['id']}/calendar",
                     "/properties?city=" + urllib.parse.quote(p["city"]),
                     f"/users/{host.username}"):
            with self.subTest(path=path):
                r = Client().get(path, accept="html")
                self.assertHtmlPage(r)
                low = r.body.lower()
                self.assertNotIn(b"<script", low)
                self.assertNotIn(b"<img src=x>", low)
                self.assertNotIn(b"<b>" + p["city"][3:].encode(), low)
                if "calendar" not in path:
                    self.assertIn(b"&lt;script&gt;alert(1)&lt;/script&gt;",
                                  r.body)
                if "calendar" not in path:
                    self.assertIn(name, page(r.body).root.text_content())
        r = host.client.get(edit_path(p["id"]), accept="html")
        self.assertHtmlPage(r)
        self.assertNotIn(b"<script", r.body.lower())
        _, values = form_to(r.body, f"/properties/{p['id']}")
        self.assertEqual(values["name"], name)

    def test_unknown_ids(self):
        host = signup()
        for pid in ("999999999999", "0", "-1", "abc", "1.5",
                    "99999999999999999999999", "%20"):
            for suffix in ("", "/calendar", "/calendar.ics", "/edit"):
                path = f"/properties/{pid}{suffix}"
                with self.subTest(path=path):
                    r = host.client.get(path)
                    self.assertEqual(r.status, 404, r)
                    if suffix != "/calendar.ics":
                        self.assertJsonError(r, 404, "not_found")
                    r = host.client.get(path, accept="html")
                    self.assertEqual(r.status, 404, r)
            for method in ("PATCH", "DELETE"):
                with self.subTest(method=method, pid=pid):
                    r = host.client.json(method, f"/properties/{pid}",
                                         {"name": "x"}, csrf=True)
                    self.assertJsonError(r, 404, "not_found")
        r = Client().get("/properties/999999999999")
        self.assertJsonError(r, 404, "not_found")

    def test_etag_and_vary(self):
        host = signup()
        p = create_listing(host)
        for path in (f"/properties/{p['id']}",
                     f"/properties/{p['id']}/calendar",
                     "/properties?city=" + urllib.parse.quote(p["city"]),
                     "/properties"):
            for accept in (ACCEPT_JSON, ACCEPT_HTML):
                with self.subTest(path=path, accept=accept["Accept"][:9]):
                    r = request("GET", path, headers=accept)
                    self.assertEqual(r.status, 200, r)
                    etag = r.header("ETag")
                    self.assertIsNotNone(etag, r)
                    self.assertRegex(etag, STRONG_ETAG)
                    self.assertIn("accept", vary_of(r), r.header_list)
                    if accept is ACCEPT_HTML:
                        self.assertIn("cookie", vary_of(r), r.header_list)
                    self.assertEqual(cache_control(r), {"no-cache"},
                                     r.header_list)
                    r2 = request("GET", path, headers=dict(
                        accept, **{"If-None-Match": etag}))
                    self.assertEqual(r2.status, 304, r2)
                    self.assertEqual(r2.body, b"")
                    self.assertEqual(r2.header("ETag"), etag)
        # A change of the listing changes the tag.
        path = f"/properties/{p['id']}"
        before = request("GET", path, headers=ACCEPT_JSON).header("ETag")
        host.client.json("PATCH", path, {"name": "Renamed " + word(4)},
                         csrf=True)
        r = request("GET", path, headers=dict(
            ACCEPT_JSON, **{"If-None-Match": before}))
        self.assertEqual(r.status, 200, r)
        self.assertNotEqual(r.header("ETag"), before)
        # With a session: private.
        r = host.client.get(path, accept="html")
        self.assertEqual(cache_control(r), {"private", "no-cache"})

    def test_head(self):
        p = create_listing(signup())
        path = f"/properties/{p['id']}"
        g = request("GET", path, headers=ACCEPT_HTML)
        h = request("HEAD", path, headers=ACCEPT_HTML)
        self.assertEqual((h.status, h.body), (200, b""), h)
        self.assertEqual(h.header("ETag"), g.header("ETag"))
        self.assertEqual(h.content_type, HTML_TYPE)


class TestUpdate(PropertiesTestCase):

    def test_patch_partial(self):
        host = signup()
        p = create_listing(host, currency="EUR",
                           cancellation_policy="strict")
        psql("UPDATE properties SET updated_at = updated_at - interval "
             f"'1 hour' WHERE id = {p['id']}")
        old = Client().get(f"/properties/{p['id']}").json()
        r = host.client.json("PATCH", f"/properties/{p['id']}",
                             {"name": "Only the name"}, csrf=True)
        q = self.assertPropertyKeys(r)
        self.assertEqual(q["name"], "Only the name")
        for k in PROPERTY_KEYS:
            if k not in ("name", "updated_at"):
                self.assertEqual(q[k], old[k], k)
        self.assertGreater(q["updated_at"], old["updated_at"])
        self.assertEqual(Client().get(f"/properties/{p['id']}").json()
                         ["name"], "Only the name")
        # Each field in turn.
        changes = {"description": "", "address": "9 Other St",
                   "city": fresh_city(), "country": "Spain",
                   "price_per_night": "99.9", "currency": "gbp",
                   "max_guests": "12", "cancellation_policy": "flexible"}
        expect = dict(changes, price_per_night="99.90", currency="GBP",
                      max_guests=12)
        for k, v in changes.items():
            with self.subTest(field=k):
                r = host.client.json("PATCH", f"/properties/{p['id']}",
                                     {k: v}, csrf=True)
                self.assertEqual(self.assertJsonOk(r)[k], expect[k])
        q = Client().get(f"/properties/{p['id']}").json()
        for k, v in expect.items():
            self.assertEqual(q[k], v, k)
        self.assertEqual(q["name"], "Only the name")

    def test_patch_nothing(self):
        host = signup()
        p = create_listing(host)
        r = host.client.json("PATCH", f"/properties/{p['id']}",
                             {"unknown": 1, "id": 5, "owner_id": 1},
                             csrf=True)
        q = self.assertJsonOk(r)
        for k in PROPERTY_KEYS:
            if k != "updated_at":
                self.assertEqual(q[k], p[k], k)

    def test_patch_bad_fields(self):
        host = signup()
        p = create_listing(host)
        for field, value, msg in BAD_FIELDS:
            label = value if not isinstance(value, str) else value[:12]
            with self.subTest(field=field, value=label):
                r = host.client.json("PATCH", f"/properties/{p['id']}",
                                     {field: value}, csrf=True)
                self.assertValidation(r, {field: msg})
        # Nothing changed.
        q = Client().get(f"/properties/{p['id']}").json()
        self.assertEqual({k: q[k] for k in PROPERTY_KEYS}, p)
        # Several at once, with a good one: nothing is written.
        r = host.client.json("PATCH", f"/properties/{p['id']}",
                             {"name": "", "max_guests": 0,
                              "description": "fine"}, csrf=True)
        self.assertValidation(r, {"name": MSG_REQUIRED,
                                  "max_guests": MSG_MAX_GUESTS})
        self.assertEqual(Client().get(f"/properties/{p['id']}").json()
                         ["description"], p["description"])

    def test_is_listed(self):
        host = signup()
        p = create_listing(host)
        city = p["city"]

        def listed():
            return [x["id"] for x in
                    search({"city": city}).json()["items"]]

        self.assertEqual(listed(), [p["id"]])
        for value, expect in ((False, False), (True, True),
                              ("false", False), ("true", True),
                              ("0", False), ("1", True),
                              ("off", False), ("on", True)):
            with self.subTest(is_listed=value):
                r = host.client.json("PATCH", f"/properties/{p['id']}",
                                     {"is_listed": value}, csrf=True)
                self.assertIs(self.assertJsonOk(r)["is_listed"], expect)
                self.assertEqual(listed(), [p["id"]] if expect else [])
                r = Client().get(f"/properties/{p['id']}")
                self.assertEqual(r.status, 200, r)
                self.assertIs(r.json()["is_listed"], expect)
        for bad in ("yes", "no", "2", "TRUE ", "truee", 1.5, 2):
            with self.subTest(is_listed=bad):
                r = host.client.json("PATCH", f"/properties/{p['id']}",
                                     {"is_listed": bad}, csrf=True)
                self.assertValidation(r, {"is_listed": MSG_IS_LISTED})
        # A form's checkbox value.
        r = host.client.form("POST", f"/properties/{p['id']}",
                             {"_method": "PATCH", "is_listed": "off"},
                             accept="json")
        self.assertIs(self.assertJsonOk(r)["is_listed"], False)
        r = host.client.form("POST", f"/properties/{p['id']}",
                             {"_method": "PATCH", "is_listed": "on"},
                             accept="json")
        self.assertIs(self.assertJsonOk(r)["is_listed"], True)

    def test_unlisted_page(self):
        host = signup()
        p = create_listing(host)
        host.client.json("PATCH", f"/properties/{p['id']}",
                         {"is_listed": False}, csrf=True)
        r = signup().client.get(f"/properties/{p['id']}", accept="html")
        self.assertHtmlPage(r)
        self.assertRegex(page_text(r.body).lower(), r"not listed")
        form, _ = form_to(r.body, f"/properties/{p['id']}/bookings")
        self.assertIsNone(form, "a booking form on an unlisted place")

    def test_edit(self):
        host = signup()
        p = create_listing(host, description="Multi\nline", currency="JPY",
                           cancellation_policy="flexible", max_guests=9)
        r = host.client.get(edit_path(p["id"]))
        q = self.assertPropertyKeys(r)
        self.assertEqual(q, p)
        r = host.client.get(edit_path(p["id"]), accept="html")
        self.assertHtmlPage(r)
        form, values = form_to(r.body, f"/properties/{p['id']}")
        self.assertIsNotNone(form, "no form posting to the listing")
        self.assertEqual((values.get("_method") or "").upper(), "PATCH")
        for k in TestCreateHtml.FIELDS:
            self.assertTrue(labelled(r.body, k), f"{k} has no label")
            self.assertEqual(values.get(k), str(p[k]), f"{k} is filled")

    def test_patch_form(self):
        host = signup()
        p = create_listing(host)
        path = f"/properties/{p['id']}"
        r = host.client.form("POST", path, {"_method": "PATCH",
                                            "name": "Form renamed",
                                            "price_per_night": "75"})
        self.assertRedirect(r, path)
        q = Client().get(path).json()
        self.assertEqual((q["name"], q["price_per_night"]),
                         ("Form renamed", "75.00"))
        # Invalid: the form again, 422, the message and the values.
        r = host.client.form("POST", path, {
            "_method": "PATCH", "name": "Kept " + word(3),
            "max_guests": "500", "city": "Somewhere"})
        self.assertHtmlPage(r, 422)
        self.assertFieldMessage(r.body, "max_guests", MSG_MAX_GUESTS)
        _, values = form_to(r.body, path)
        self.assertEqual(values.get("max_guests"), "500")
        self.assertTrue(values.get("name", "").startswith("Kept "))
        self.assertEqual(values.get("city"), "Somewhere")
        self.assertEqual((values.get("_method") or "").upper(), "PATCH")
        self.assertEqual(Client().get(path).json()["name"], "Form renamed")
        for field, value, msg in [("name", "", MSG_REQUIRED),
                                  ("price_per_night", "1.001", MSG_AMOUNT),
                                  ("currency", "EURO", MSG_CURRENCY),
                                  ("cancellation_policy", "x", MSG_POLICY),
                                  ("is_listed", "maybe", MSG_IS_LISTED)]:
            with self.subTest(field=field):
                r = host.client.form("POST", path, {"_method": "PATCH",
                                                    field: value})
                self.assertHtmlPage(r, 422)
                if field != "is_listed":
                    self.assertFieldMessage(r.body, field, msg)


class TestDelete(PropertiesTestCase):

    def test_without_bookings(self):
        host = signup()
        p = create_listing(host)
        path = f"/properties/{p['id']}"
        r = host.client.send("DELETE", path, csrf=True)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, b"")
        self.assertJsonError(Client().get(path), 404, "not_found")
        self.assertEqual(Client().get(path, accept="html").status, 404)
        self.assertJsonError(Client().get(path + "/calendar"), 404,
                             "not_found")
        self.assertEqual(Client().get(path + "/calendar.ics").status, 404)
        self.assertEqual(psql(f"SELECT count(*) FROM properties WHERE id = "
                              f"{p['id']}"), "0")
        r = host.client.send("DELETE", path, csrf=True)
        self.assertJsonError(r, 404, "not_found")
        self.assertEqual(search({"city": p["city"]}).json()["items"], [])

    def test_with_bookings_unlists(self):
        host = signup()
        guest = signup()
        p = create_listing(host)
        path = f"/properties/{p['id']}"
        bid = insert_booking(p["id"], guest.id, 20, 23)
        r = host.client.send("DELETE", path, csrf=True)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, b"")
        r = Client().get(path)
        d = self.assertPropertyKeys(r, detail=True)
        self.assertIs(d["is_listed"], False)
        self.assertEqual(d["name"], p["name"])
        self.assertEqual(psql(f"SELECT property_id FROM bookings WHERE "
                              f"id = {bid}"), str(p["id"]))
        self.assertEqual(search({"city": p["city"]}).json()["items"], [])
        self.assertEqual(search({"q": p["name"].split()[-1]})
                         .json()["items"], [])
        for sub in ("/calendar", "/calendar.ics"):
            self.assertEqual(Client().get(path + sub).status, 200)
        r = guest.client.get(path, accept="html")
        self.assertHtmlPage(r)
        self.assertRegex(page_text(r.body).lower(), r"not listed")
        # Deleting again: still there, still unlisted.
        r = host.client.send("DELETE", path, csrf=True)
        self.assertIn(r.status, (204, 404), r)
        self.assertEqual(Client().get(path).status, 200)
        # The owner lists it again.
        r = host.client.json("PATCH", path, {"is_listed": True}, csrf=True)
        self.assertIs(self.assertJsonOk(r)["is_listed"], True)
        self.assertEqual([x["id"] for x in
                          search({"city": p["city"]}).json()["items"]],
                         [p["id"]])

    def test_cancelled_bookings_are_history_too(self):
        host = signup()
        guest = signup()
        p = create_listing(host)
        insert_booking(p["id"], guest.id, 5, 7, status="cancelled")
        insert_booking(p["id"], guest.id, 5, 7, status="declined")
        r = host.client.send("DELETE", f"/properties/{p['id']}", csrf=True)
        self.assertEqual(r.status, 204, r)
        d = Client().get(f"/properties/{p['id']}").json()
        self.assertIs(d["is_listed"], False)

    def test_form(self):
        host = signup()
        p = create_listing(host)
        path = f"/properties/{p['id']}"
        r = host.client.form("POST", path, {"_method": "DELETE"})
        self.assertRedirect(r, f"/users/{host.username}")
        self.assertEqual(Client().get(path).status, 404)
        q = create_listing(host)
        insert_booking(q["id"], signup().id, 3, 4)
        r = host.client.form("POST", f"/properties/{q['id']}",
                             {"_method": "DELETE"})
        self.assertRedirect(r, f"/users/{host.username}")
        self.assertIs(Client().get(f"/properties/{q['id']}").json()
                      ["is_listed"], False)


class TestWhoMay(PropertiesTestCase):
    """The authorization matrix of docs/properties.md "Routes"."""

    def setUp(self):
        self.host = signup()
        self.p = create_listing(self.host)
        self.path = f"/properties/{self.p['id']}"

    def routes(self):
        return [("GET", "/properties/new", None),
                ("POST", "/properties", listing_doc()),
                ("GET", self.path + "/edit", None),
                ("PATCH", self.path, {"name": "Hijacked"}),
                ("DELETE", self.path, None)]

    def assertUnchanged(self):
        r = Client().get(self.path)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["name"], self.p["name"])
        self.assertIs(r.json()["is_listed"], True)

    def test_anonymous_json(self):
        for method, path, body in self.routes():
            with self.subTest(method=method, path=path):
                c = Client()
                r = (c.send(method, path) if body is None
                     else c.json(method, path, body))
                err = self.assertUnauthenticated(r)
                self.assertNotEqual(err["code"], "csrf_failed")
        self.assertUnchanged()

    def test_anonymous_with_a_session_json(self):
        c = Client()
        c.get("/login", accept="html")
        for method, path, body in self.routes():
            with self.subTest(method=method, path=path):
                r = (c.send(method, path, csrf=True) if body is None
                     else c.json(method, path, body, csrf=True))
                self.assertUnauthenticated(r)
        self.assertUnchanged()

    def test_anonymous_html(self):
        for method, path, body in self.routes():
            with self.subTest(method=method, path=path):
                c = Client()
                if method == "GET":
                    r = c.get(path, accept="html")
                else:
                    pairs = {k: str(v) for k, v in (body or {}).items()}
                    if method != "POST":
                        pairs["_method"] = method
                    r = c.form("POST", path, pairs)
                self.assertLoginRedirect(r, path)
        self.assertUnchanged()

    def test_another_user(self):
        other = signup()
        token = api_token(other)
        for c, how in ((other.client, "cookie"),
                       (Client(bearer=token), "bearer")):
            for method, path, body in self.routes()[2:]:
                with self.subTest(who=how, method=method, path=path):
                    r = (c.send(method, path, csrf=True) if body is None
                         else c.json(method, path, body, csrf=True))
                    self.assertJsonError(r, 403, "forbidden")
        for method, pairs in (("PATCH", {"name": "Hijacked"}),
                              ("DELETE", {})):
            with self.subTest(form=method):
                r = other.client.form("POST", self.path,
                                      dict(pairs, _method=method))
                self.assertHtmlError(r, 403)
        r = other.client.get(self.path + "/edit", accept="html")
        self.assertHtmlError(r, 403)
        self.assertUnchanged()

    def test_bearer_without_csrf(self):
        api = Client(bearer=api_token(self.host))
        r = api.json("POST", "/properties", listing_doc(name="By API"))
        p = self.assertJsonOk(r, 201)
        self.assertEqual(p["owner"]["id"], self.host.id)
        self.assertIsNone(r.header("X-CSRF-Token"))
        r = api.json("PATCH", f"/properties/{p['id']}", {"name": "API 2"})
        self.assertEqual(self.assertJsonOk(r)["name"], "API 2")
        r = api.get(f"/properties/{p['id']}/edit")
        self.assertEqual(self.assertJsonOk(r)["name"], "API 2")
        r = api.send("DELETE", f"/properties/{p['id']}")
        self.assertEqual(r.status, 204, r)
        self.assertEqual(Client().get(f"/properties/{p['id']}").status, 404)

    def test_cookie_writes_need_csrf(self):
        c = self.host.client
        cases = [("POST", "/properties", listing_doc()),
                 ("PATCH", self.path, {"name": "No token"}),
                 ("DELETE", self.path, None)]
        for method, path, body in cases:
            for csrf in (False, "wrong-" + "x" * 37):
                with self.subTest(method=method, csrf=bool(csrf)):
                    r = (c.send(method, path, csrf=csrf) if body is None
                         else c.json(method, path, body, csrf=csrf))
                    self.assertCsrfFailed(r)
        self.assertUnchanged()
        self.assertEqual(psql("SELECT count(*) FROM properties WHERE "
                              f"owner_id = {self.host.id}"), "1")

    def test_owner(self):
        c = self.host.client
        self.assertEqual(c.get(self.path + "/edit").status, 200)
        self.assertEqual(c.get("/properties/new").status, 200)
        r = c.json("PATCH", self.path, {"name": "Mine"}, csrf=True)
        self.assertEqual(self.assertJsonOk(r)["name"], "Mine")
        r = c.send("DELETE", self.path, csrf=True)
        self.assertEqual(r.status, 204, r)


if __name__ == "__main__":
    unittest.main()
