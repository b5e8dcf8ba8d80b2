"""Request parsing, seen through /_test/echo: query strings, the three
body types, cookies, the _method override, and every refusal of malformed
or oversized input (400, 413, 415)."""

import json
import os
import unittest

from support import (ACCEPT_HTML, ACCEPT_JSON, HEX32, JSON_TYPE,
                     StackTestCase, max_body, multipart, raw_http,
                     request, urlencode_pairs)

ECHO = "/_test/echo"
FORM = "application/x-www-form-urlencoded"


def pairs(lst):
    return [list(p) for p in lst]


class EchoCase(StackTestCase):
    @classmethod
    def tearDownClass(cls):
        # Hostile input must not have taken the server down.
        StackTestCase.assertHealthy(cls("run"))

    def echo(self, method="GET", query="", body=None, ctype=None,
             headers=None, expect=200):
        h = {}
        if ctype is not None:
            h["Content-Type"] = ctype
        if headers:
            h.update(headers)
        path = ECHO + ("?" + query if query else "")
        r = request(method, path, headers=h, body=body)
        self.assertEqual(r.status, expect, r)
        if expect == 200:
            self.assertEqual(r.content_type, JSON_TYPE, r)
            return r.json()
        return r

    def refused(self, status, code, method="POST", query="", body=None,
                ctype=None, headers=None):
        h = dict(ACCEPT_JSON)
        if headers:
            h.update(headers)
        r = self.echo(method, query, body, ctype, h, expect=status)
        self.assertJsonError(r, status, code)
        self.assertSecurityHeaders(r)
        return r


class TestEchoBasics(EchoCase):
    def test_get_shape(self):
        doc = self.echo("GET")
        self.assertEqual(doc["method"], "GET")
        self.assertEqual(doc["path"], ECHO)
        self.assertEqual(doc["query"], [])
        self.assertEqual(doc["body"], [])
        self.assertEqual(doc["files"], [])
        self.assertEqual(doc["cookies"], [])
        self.assertRegex(doc["request_id"], HEX32)

    def test_always_json(self):
        for accept in (ACCEPT_HTML, {"Accept": "text/plain"}, {}):
            with self.subTest(accept=accept):
                r = request("GET", ECHO + "?a=1", headers=accept)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.content_type, JSON_TYPE)
                self.assertEqual(r.json()["query"], [["a", "1"]])

    def test_methods(self):
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            with self.subTest(method=method):
                doc = self.echo(method)
                self.assertEqual(doc["method"], method)

    def test_methods_with_bodies(self):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            with self.subTest(method=method):
                doc = self.echo(method, body=b"a=1&b=2", ctype=FORM)
                self.assertEqual(doc["method"], method)
                self.assertEqual(doc["body"], [["a", "1"], ["b", "2"]])

    def test_empty_post_without_type(self):
        doc = self.echo("POST", body=b"")
        self.assertEqual(doc["method"], "POST")
        self.assertEqual(doc["body"], [])

    def test_cookies(self):
        doc = self.echo("GET", headers={"Cookie": "a=1; sess=xyz_123"})
        self.assertEqual(doc["cookies"], [["a", "1"], ["sess", "xyz_123"]])

    def test_malformed_cookie_pairs_do_not_break(self):
        doc = self.echo("GET", headers={"Cookie": "a=1; garbage; ;b=2"})
        names = [c[0] for c in doc["cookies"]]
        self.assertIn("a", names)
        self.assertIn("b", names)


class TestQuery(EchoCase):
    def test_order_and_repeats(self):
        doc = self.echo("GET", "a=1&b=2&a=3")
        self.assertEqual(doc["query"], [["a", "1"], ["b", "2"], ["a", "3"]])

    def test_decoding(self):
        doc = self.echo("GET", "sp=x+y&plus=%2B&amp=%26&eq=a%3Db&pct=100%25"
                        "&empty=&n%61me=v%61lue")
        self.assertEqual(doc["query"], [
            ["sp", "x y"], ["plus", "+"], ["amp", "&"], ["eq", "a=b"],
            ["pct", "100%"], ["empty", ""], ["name", "value"]])

    def test_utf8(self):
        q = urlencode_pairs([("naïve", "日本語"), ("emoji", "🏠 home"),
                             ("ville", "Zürich")])
        doc = self.echo("GET", q)
        self.assertEqual(doc["query"], [["naïve", "日本語"],
                                        ["emoji", "🏠 home"],
                                        ["ville", "Zürich"]])

    def test_raw_utf8_in_request_line(self):
        r = raw_http("GET /_test/echo?city=Zürich HTTP/1.1\r\nHost: x\r\n"
                     "Connection: close\r\n\r\n".encode("utf-8"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["query"], [["city", "Zürich"]])

    def test_method_override_ignored_on_get(self):
        doc = self.echo("GET", "_method=DELETE")
        self.assertEqual(doc["method"], "GET")

    def test_bad_percent_encoding(self):
        for q in ("a=%ZZ", "a=%", "a=%4", "a=1&b=%G0", "%zz=1", "a=%%41"):
            with self.subTest(query=q):
                self.refused(400, "bad_request", method="GET", query=q)

    def test_invalid_utf8(self):
        for q in ("a=%FF", "%FF=1", "a=%C3", "a=%C3%28", "a=%C0%AF",
                  "a=%ED%A0%80", "a=%F4%90%80%80", "a=%E2%82"):
            with self.subTest(query=q):
                self.refused(400, "bad_request", method="GET", query=q)

    def test_raw_invalid_utf8_in_request_line(self):
        r = raw_http(b"GET /_test/echo?a=\xff\xfe HTTP/1.1\r\nHost: x\r\n"
                     b"Accept: application/json\r\n"
                     b"Connection: close\r\n\r\n")
        self.assertJsonError(r, 400, "bad_request")

    def test_html_error_representation(self):
        r = request("GET", ECHO + "?a=%ZZ", headers=ACCEPT_HTML)
        self.assertHtmlError(r, 400)

    def test_field_limits(self):
        ok = "&".join(f"f{i}=1" for i in range(256))
        self.assertEqual(len(self.echo("GET", ok)["query"]), 256)
        too_many = "&".join(f"f{i}=1" for i in range(257))
        self.refused(413, "payload_too_large", method="GET", query=too_many)

    def test_name_limits(self):
        doc = self.echo("GET", "n" * 128 + "=1")
        self.assertEqual(doc["query"], [["n" * 128, "1"]])
        self.refused(413, "payload_too_large", method="GET",
                     query="n" * 129 + "=1")
        # The limit is on decoded bytes: 64 × "é" is 128 bytes, 65 is 130.
        doc = self.echo("GET", "%C3%A9" * 64 + "=1")
        self.assertEqual(doc["query"], [["é" * 64, "1"]])
        self.refused(413, "payload_too_large", method="GET",
                     query="%C3%A9" * 65 + "=1")


class TestUrlencodedBody(EchoCase):
    def test_fields(self):
        body = urlencode_pairs([("title", "Cozy loft"), ("price", "120.00"),
                                ("note", "a&b=c d"), ("title", "again")])
        doc = self.echo("POST", body=body, ctype=FORM)
        self.assertEqual(doc["body"], [["title", "Cozy loft"],
                                       ["price", "120.00"],
                                       ["note", "a&b=c d"],
                                       ["title", "again"]])
        self.assertEqual(doc["query"], [])

    def test_query_and_body_are_separate(self):
        doc = self.echo("POST", query="q=1", body=b"b=2", ctype=FORM)
        self.assertEqual(doc["query"], [["q", "1"]])
        self.assertEqual(doc["body"], [["b", "2"]])

    def test_plus_and_utf8(self):
        body = "name=Ren%C3%A9e+Dupont&city=S%C3%A3o+Paulo&k%C3%B8=%E2%9C%93"
        doc = self.echo("POST", body=body, ctype=FORM)
        self.assertEqual(doc["body"], [["name", "Renée Dupont"],
                                       ["city", "São Paulo"],
                                       ["kø", "✓"]])

    def test_raw_utf8_body(self):
        doc = self.echo("POST", body="city=Zürich".encode(), ctype=FORM)
        self.assertEqual(doc["body"], [["city", "Zürich"]])

    def test_content_type_parameters_and_case(self):
        for ctype in (FORM + "; charset=UTF-8",
                      "Application/X-WWW-Form-Urlencoded"):
            with self.subTest(ctype=ctype):
                doc = self.echo("POST", body=b"a=1", ctype=ctype)
                self.assertEqual(doc["body"], [["a", "1"]])

    def test_bad_encoding(self):
        for body in (b"a=%ZZ", b"a=%", b"%G1=1", b"a=%FF", b"a=\xff",
                     b"a=\xc3\x28", b"\xe2\x82=1", b"a=%ED%B0%80"):
            with self.subTest(body=body):
                self.refused(400, "bad_request", body=body, ctype=FORM)

    def test_field_count_limit(self):
        ok = "&".join(f"f{i}=v" for i in range(256))
        self.assertEqual(len(self.echo("POST", body=ok, ctype=FORM)["body"]),
                         256)
        too_many = "&".join(f"f{i}=v" for i in range(257))
        self.refused(413, "payload_too_large", body=too_many, ctype=FORM)

    def test_field_name_limit(self):
        doc = self.echo("POST", body="n" * 128 + "=1", ctype=FORM)
        self.assertEqual(doc["body"], [["n" * 128, "1"]])
        self.refused(413, "payload_too_large", body="n" * 129 + "=1",
                     ctype=FORM)

    def test_body_over_limit(self):
        body = b"a=" + b"x" * (max_body() - 1)       # max_body + 1 bytes
        self.refused(413, "payload_too_large", body=body, ctype=FORM)

    def test_put_and_patch_bodies_too(self):
        for method in ("PUT", "PATCH", "DELETE"):
            with self.subTest(method=method):
                self.refused(400, "bad_request", method=method,
                             body=b"a=%ZZ", ctype=FORM)


class TestJsonBody(EchoCase):
    def test_members(self):
        body = {"s": "text", "n": 42, "f": 1.5, "neg": -7, "t": True,
                "fa": False, "nu": None, "arr": [1, 2], "obj": {"x": 1},
                "u": "日本語 🏠", "e": ""}
        doc = self.echo("POST", body=json.dumps(body),
                        ctype="application/json")
        got = {k: v for k, v in doc["body"]}
        self.assertEqual(len(doc["body"]), len(body), doc["body"])
        self.assertEqual(got, {"s": "text", "n": "42", "f": "1.5",
                               "neg": "-7", "t": "true", "fa": "false",
                               "nu": None, "arr": None, "obj": None,
                               "u": "日本語 🏠", "e": ""})

    def test_escapes_and_utf8_names(self):
        body = b'{"caf\\u00e9": "a\\"b\\\\c\\n", "\xc3\xa9t\xc3\xa9": 1}'
        doc = self.echo("POST", body=body, ctype="application/json")
        got = {k: v for k, v in doc["body"]}
        self.assertEqual(got, {"café": 'a"b\\c\n', "été": "1"})

    def test_number_text_kept(self):
        doc = self.echo("POST", body=b'{"price": 120.50, "big": 12345678901}',
                        ctype="application/json")
        got = {k: v for k, v in doc["body"]}
        self.assertIn(got["price"], ("120.50", "120.5"))
        self.assertEqual(got["big"], "12345678901")

    def test_content_type_parameters(self):
        for ctype in ("application/json; charset=utf-8",
                      "Application/JSON"):
            with self.subTest(ctype=ctype):
                doc = self.echo("POST", body=b'{"a": "1"}', ctype=ctype)
                self.assertEqual(doc["body"], [["a", "1"]])

    def test_empty_object(self):
        doc = self.echo("POST", body=b"{}", ctype="application/json")
        self.assertEqual(doc["body"], [])

    def test_bad_json(self):
        for body in (b"{bad", b'{"a": 1', b'{"a": 1} trailing', b"",
                     b"{'a': 1}", b'{"a": 01}', b'{"a": NaN}',
                     b'{"a": "\xff"}', b'{"a": "\\ud800"}',
                     b'{"a": "\\x41"}'):
            with self.subTest(body=body):
                self.refused(400, "bad_request", body=body,
                             ctype="application/json")

    def test_not_an_object(self):
        for body in (b"[1, 2]", b'"text"', b"42", b"null", b"true", b"[]"):
            with self.subTest(body=body):
                self.refused(400, "bad_request", body=body,
                             ctype="application/json")

    def test_duplicate_keys(self):
        for body in (b'{"a": 1, "a": 2}', b'{"a": 1, "b": 2, "a": 1}',
                     b'{"\\u0061": 1, "a": 2}'):
            with self.subTest(body=body):
                self.refused(400, "bad_request", body=body,
                             ctype="application/json")

    def test_member_limits(self):
        ok = json.dumps({f"f{i}": i for i in range(256)})
        doc = self.echo("POST", body=ok, ctype="application/json")
        self.assertEqual(len(doc["body"]), 256)
        too_many = json.dumps({f"f{i}": i for i in range(257)})
        self.refused(413, "payload_too_large", body=too_many,
                     ctype="application/json")
        doc = self.echo("POST", body=json.dumps({"n" * 128: 1}),
                        ctype="application/json")
        self.assertEqual(doc["body"], [["n" * 128, "1"]])
        self.refused(413, "payload_too_large",
                     body=json.dumps({"n" * 129: 1}),
                     ctype="application/json")

    def test_deep_nesting_is_refused_not_crashed(self):
        for depth in (100, 10000, 100000):
            with self.subTest(depth=depth):
                body = b'{"a": ' + b"[" * depth + b"]" * depth + b"}"
                r = request("POST", ECHO, headers=dict(
                    ACCEPT_JSON, **{"Content-Type": "application/json"}),
                    body=body)
                self.assertIn(r.status, (200, 400, 413), r)
                if r.status != 200:
                    self.assertEqual(r.json()["error"]["code"],
                                     {400: "bad_request",
                                      413: "payload_too_large"}[r.status])

    def test_body_over_limit(self):
        body = b'{"a": "' + b"x" * (max_body() - 8) + b'"}'
        self.assertEqual(len(body), max_body() + 1)
        self.refused(413, "payload_too_large", body=body,
                     ctype="application/json")


class TestMultipart(EchoCase):
    def test_fields_and_binary_file(self):
        blob = bytes(range(256)) * 16 + b"\0\0\r\n--not-a-boundary\r\n\0"
        ctype, body = multipart([
            ("title", "Cozy loft"),
            ("city", "Zürich"),
            ("photo", "pic.bin", "application/octet-stream", blob),
            ("title", "second"),
        ])
        doc = self.echo("POST", body=body, ctype=ctype)
        fields = [p for p in doc["body"] if p[0] != "photo"]
        self.assertEqual(fields, [["title", "Cozy loft"], ["city", "Zürich"],
                                  ["title", "second"]])
        self.assertEqual(doc["files"], [{
            "name": "photo", "filename": "pic.bin",
            "type": "application/octet-stream", "size": len(blob)}])

    def test_utf8_filename_and_empty_file(self):
        ctype, body = multipart([
            ("doc", "résumé 日本.pdf", "application/pdf", b"%PDF-1.4\0\0"),
            ("empty", "empty.txt", "text/plain", b""),
        ])
        doc = self.echo("POST", body=body, ctype=ctype)
        self.assertEqual(doc["files"], [
            {"name": "doc", "filename": "résumé 日本.pdf",
             "type": "application/pdf", "size": 10},
            {"name": "empty", "filename": "empty.txt", "type": "text/plain",
             "size": 0}])

    def test_quoted_boundary_and_preamble(self):
        b = "xYz-123"
        body = (b"preamble to ignore\r\n"
                b"--xYz-123\r\n"
                b'Content-Disposition: form-data; name="a"\r\n\r\n'
                b"1\r\n--xYz-123--\r\nepilogue")
        doc = self.echo("POST", body=body,
                        ctype=f'multipart/form-data; boundary="{b}"')
        self.assertEqual(doc["body"], [["a", "1"]])

    def test_file_filling_the_body_limit(self):
        # A body of exactly max_body_bytes is accepted.
        ctype, head = multipart([("f", "big.bin",
                                  "application/octet-stream", b"")])
        size = max_body() - len(head)
        ctype, body = multipart([("f", "big.bin", "application/octet-stream",
                                  os.urandom(size))],
                                boundary=ctype.split("boundary=")[1])
        self.assertEqual(len(body), max_body())
        doc = self.echo("POST", body=body, ctype=ctype)
        self.assertEqual(doc["files"][0]["size"], size)

    def test_body_over_limit(self):
        ctype, head = multipart([("f", "big.bin",
                                  "application/octet-stream", b"")])
        size = max_body() - len(head) + 1
        ctype, body = multipart([("f", "big.bin", "application/octet-stream",
                                  b"\0" * size)],
                                boundary=ctype.split("boundary=")[1])
        self.assertEqual(len(body), max_body() + 1)
        self.refused(413, "payload_too_large", body=body, ctype=ctype)

    def test_field_limits(self):
        ctype, body = multipart([(f"f{i}", "v") for i in range(257)])
        self.refused(413, "payload_too_large", body=body, ctype=ctype)
        ctype, body = multipart([("n" * 129, "v")])
        self.refused(413, "payload_too_large", body=body, ctype=ctype)
        ctype, body = multipart([("n" * 128, "v")])
        self.assertEqual(self.echo("POST", body=body, ctype=ctype)["body"],
                         [["n" * 128, "v"]])

    def test_invalid_utf8_field_value(self):
        ctype, body = multipart([("a", b"\xff\xfe")])
        self.refused(400, "bad_request", body=body, ctype=ctype)

    def test_malformed(self):
        good_ctype, good = multipart([("a", "1")], boundary="BND")
        cases = {
            "no boundary parameter": ("multipart/form-data", good),
            "empty boundary": ("multipart/form-data; boundary=", good),
            "boundary not in body": ("multipart/form-data; boundary=OTHER",
                                     good),
            "no closing delimiter": (good_ctype, good[:-len(b"--BND--\r\n")]),
            "truncated in headers": (good_ctype,
                                     b"--BND\r\nContent-Disposition: form-"),
            "no content-disposition": (
                good_ctype,
                b"--BND\r\nContent-Type: text/plain\r\n\r\n1\r\n--BND--\r\n"),
            "no name": (
                good_ctype,
                b"--BND\r\nContent-Disposition: form-data\r\n\r\n1\r\n"
                b"--BND--\r\n"),
            "no header/body separator": (
                good_ctype,
                b'--BND\r\nContent-Disposition: form-data; name="a"\r\n1'
                b"\r\n--BND--\r\n"),
            "garbage": (good_ctype, b"\0\0\0garbage"),
        }
        for why, (ctype, body) in cases.items():
            with self.subTest(why=why):
                self.refused(400, "bad_request", body=body, ctype=ctype)


class TestMethodOverride(EchoCase):
    def test_form(self):
        for value, method in (("PATCH", "PATCH"), ("patch", "PATCH"),
                              ("PUT", "PUT"), ("Delete", "DELETE")):
            with self.subTest(value=value):
                doc = self.echo("POST", body=f"_method={value}&a=1",
                                ctype=FORM)
                self.assertEqual(doc["method"], method)

    def test_multipart(self):
        ctype, body = multipart([("_method", "DELETE"), ("a", "1")])
        self.assertEqual(self.echo("POST", body=body,
                                   ctype=ctype)["method"], "DELETE")

    def test_json(self):
        doc = self.echo("POST", body=b'{"_method": "PATCH", "a": 1}',
                        ctype="application/json")
        self.assertEqual(doc["method"], "PATCH")

    def test_unknown_value(self):
        for value in ("BOGUS", "TRACE", "CONNECT", "PATCH DELETE"):
            with self.subTest(value=value):
                self.refused(400, "bad_request",
                             body=urlencode_pairs([("_method", value)]),
                             ctype=FORM)
        self.refused(400, "bad_request", body=b'{"_method": "BOGUS"}',
                     ctype="application/json")


class TestUnsupportedMediaType(EchoCase):
    def test_other_types(self):
        for ctype, body in (("text/plain", b"a=1"),
                            ("application/xml", b"<a>1</a>"),
                            ("text/xml", b"<a/>"),
                            ("application/octet-stream", b"\0\1"),
                            ("application/jsonx", b"{}"),
                            ("image/png", b"\x89PNG"),
                            ("garbage", b"a=1")):
            with self.subTest(ctype=ctype):
                self.refused(415, "unsupported_media_type", body=body,
                             ctype=ctype)

    def test_other_methods(self):
        for method in ("PUT", "PATCH", "DELETE"):
            with self.subTest(method=method):
                self.refused(415, "unsupported_media_type", method=method,
                             body=b"hello", ctype="text/plain")

    def test_html_representation(self):
        r = request("POST", ECHO, headers=dict(
            ACCEPT_HTML, **{"Content-Type": "application/xml"}),
            body=b"<a/>")
        self.assertHtmlError(r, 415)

    def test_body_without_type(self):
        r = request("POST", ECHO, headers=dict(ACCEPT_JSON),
                    body=b"a=1")
        # http.client adds no Content-Type; a body of unknown type is
        # refused (not guessed).
        self.assertIn(r.status, (400, 415), r)


class TestHostileNeverCrashes(EchoCase):
    """Inputs whose exact answer is not specified: no 5xx, server alive."""

    def test_assorted(self):
        cases = [
            ("GET", ECHO + "?" + "&" * 300, None, b""),
            ("GET", ECHO + "?" + "=" * 200, None, b""),
            ("GET", ECHO + "?a=%00", None, b""),
            ("POST", ECHO, FORM, b"a=%00b"),
            ("POST", ECHO, FORM, b"&&&==&=&"),
            ("POST", ECHO, FORM, b"=" * 5000),
            ("POST", ECHO, "application/json", b'{"a\\u0000b": 1}'),
            ("POST", ECHO, "application/json", b'{"a": "x\\u0000y"}'),
            ("POST", ECHO, "application/json", b"\xef\xbb\xbf{}"),
            ("POST", ECHO, "application/json", b"{" * 50000),
            ("POST", ECHO, "application/json",
             b'{"a": 1e999999, "b": -0, "c": 1E-400}'),
            ("POST", ECHO, "multipart/form-data; boundary=" + "b" * 500,
             b"--" + b"b" * 500 + b"--\r\n"),
            ("POST", ECHO, "multipart/form-data; boundary=a", b"--a\r\n" * 3000),
            ("POST", ECHO, "multipart/form-data; boundary=a",
             b'--a\r\nContent-Disposition: form-data; name="x"; '
             b'filename="' + b"\\" * 1000 + b'"\r\n\r\nz\r\n--a--\r\n'),
            ("POST", ECHO, "multipart/form-data; boundary=a",
             b"--a\r\n" + b"X-H: " + b"v" * 60000 + b"\r\n\r\n\r\n--a--"),
            ("POST", ECHO, "multipart/form-data; boundary=\"unterminated",
             b"--unterminated\r\n"),
            ("POST", ECHO, "multipart/mixed; boundary=a", b"--a--\r\n"),
            ("POST", ECHO, ";;;", b"a=1"),
            ("POST", ECHO, "application/json; charset=latin1", b'{"a": 1}'),
        ]
        for method, path, ctype, body in cases:
            with self.subTest(path=path[:60], ctype=ctype, body=body[:40]):
                h = dict(ACCEPT_JSON)
                if ctype:
                    h["Content-Type"] = ctype
                r = request(method, path, headers=h, body=body)
                self.assertIn(r.status, (200, 400, 413, 415), r)
                if r.status != 200:
                    self.assertEqual(r.content_type, JSON_TYPE, r)
                    self.assertIn("error", r.json())
        self.assertHealthy()

    def test_many_cookies(self):
        cookie = "; ".join(f"c{i}=1" for i in range(300))
        r = request("GET", ECHO, headers=dict(ACCEPT_JSON, Cookie=cookie))
        self.assertIn(r.status, (200, 400, 413), r)
        if r.status == 200:
            self.assertLessEqual(len(r.json()["cookies"]), 256)
        r = request("GET", ECHO, headers=dict(
            ACCEPT_JSON, Cookie="n" * 200 + "=1; a=\xff\xfe"))
        self.assertIn(r.status, (200, 400, 413), r)
        self.assertHealthy()


if __name__ == "__main__":
    unittest.main()
